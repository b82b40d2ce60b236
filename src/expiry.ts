/**
 * When `expiresAt` access ends ("access removed by the first apply after this date"). One
 * definition shared by validate (rules/eks/expiry.ts) and plan (plan/desired.ts), so they agree:
 * - a date-only value `YYYY-MM-DD` covers that whole day in UTC, so access ends at 00:00:00Z of the
 *   NEXT day;
 * - a date-time must carry `Z` or an offset (`2027-03-31T18:00:00+02:00`): without one its meaning
 *   would depend on the machine's time zone. Access ends at that instant.
 * Access is expired from `accessEndsAt` on (`now >= accessEndsAt`).
 */
import { err, ok, type Result } from './types.js'

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/
/**
 * Also every form the schema's `date-time` format (ajv-formats, RFC 3339) lets through, so a value
 * the schema and editors accept is never rejected here: a space instead of `T`, an offset written
 * `+0200` or `+02`, any number of fraction digits.
 */
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)?$/

/** The instant access ends, or why `expiresAt` cannot be read. */
export function accessEndsAt(expiresAt: string): Result<Date, string> {
  const date = DATE_ONLY.exec(expiresAt)
  if (date) {
    const [year, month, day] = date.slice(1, 4).map(Number) as [number, number, number]
    if (!isCalendarDate(year, month, day)) return err(`"${expiresAt}" is not a calendar date`)
    return ok(new Date(Date.UTC(year, month - 1, day + 1)))
  }
  const time = DATE_TIME.exec(expiresAt)
  if (!time) return err(`"${expiresAt}" is not a date (YYYY-MM-DD) or a date-time with a zone (YYYY-MM-DDThh:mm:ssZ)`)
  const [, y, mo, d, h, mi, s, fraction, zulu, sign, offH, offM] = time
  if (zulu === undefined && sign === undefined) {
    return err(`"${expiresAt}" has no time zone; add Z (UTC) or an offset such as +02:00`)
  }
  const [year, month, day, hour, minute, second] = [y, mo, d, h, mi, s].map((v) => Number(v ?? 0)) as number[] as [
    number,
    number,
    number,
    number,
    number,
    number,
  ]
  const [offsetHours, offsetMinutes] = [Number(offH ?? 0), Number(offM ?? 0)]
  if (!isCalendarDate(year, month, day) || hour > 23 || minute > 59 || second > 59 || offsetHours > 23 || offsetMinutes > 59) {
    return err(`"${expiresAt}" is not a valid date-time`)
  }
  const millis = Math.floor(Number(`0.${(fraction ?? '0').slice(0, 9)}`) * 1000)
  const offset = (sign === '-' ? -1 : 1) * (offsetHours * 60 + offsetMinutes) * 60_000
  return ok(new Date(Date.UTC(year, month - 1, day, hour, minute, second, millis) - offset))
}

/** true when access has ended at `now`; false when `expiresAt` is unreadable (validate reports that). */
export function isExpired(expiresAt: string, now: Date): boolean {
  const end = accessEndsAt(expiresAt)
  return end.ok && now.getTime() >= end.value.getTime()
}

function isCalendarDate(year: number, month: number, day: number): boolean {
  const d = new Date(Date.UTC(year, month - 1, day))
  return d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day
}
