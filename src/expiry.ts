/**
 * When `expiresAt` access ends ("access removed by the first apply after this date"). One
 * definition shared by validate (rules/eks/expiry.ts), plan (plan/desired.ts), drift and the
 * schema's `pattern` (test/rules/eks/expiry.test.ts checks the schema carries EXPIRES_AT_PATTERN):
 * - the value is an RFC 3339 `full-date` (`2027-03-31`) or `date-time` (`2027-03-31T18:00:00Z`,
 *   `2027-03-31T18:00:00.5+02:00`; `T`, `t` or a space between date and time; seconds required);
 * - a date alone covers that whole day in UTC: access ends at 00:00:00Z of the NEXT day;
 * - a date-time without an offset is UTC (`2027-03-31T18:00:00` = `2027-03-31T18:00:00Z`);
 * - access is expired from that instant on (`now >= accessEndsAt`).
 * Pure: the clock is always passed in.
 */
import { err, ok, type Result } from './types.js'

export const DAY_MS = 86_400_000

/**
 * The grammar, as a JSON Schema `pattern` (ECMA-262, no flags): schemas/eks-access.schema.json
 * carries this exact string, so other validators that treat `format` as an annotation still
 * reject what this tool cannot read.
 */
export const EXPIRES_AT_PATTERN = '^[0-9]{4}-[0-9]{2}-[0-9]{2}([Tt ][0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})?)?$'

const GRAMMAR = new RegExp(EXPIRES_AT_PATTERN)
const PARTS = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:([Zz])|([+-])(\d{2}):(\d{2}))?)?$/

/** The instant access ends, or why `expiresAt` cannot be read. */
export function accessEndsAt(expiresAt: string): Result<Date, string> {
  const m = GRAMMAR.test(expiresAt) ? PARTS.exec(expiresAt) : null
  if (!m) {
    return err(
      `"${expiresAt}" is not a date (YYYY-MM-DD) or a date-time (YYYY-MM-DDThh:mm:ss, UTC unless it ends in Z or an offset such as +02:00)`,
    )
  }
  const [, y, mo, d, h, mi, s, fraction, , sign, offH, offM] = m
  const [year, month, day] = [y, mo, d].map(Number) as [number, number, number]
  if (!isCalendarDate(year, month, day)) return err(`"${expiresAt}" is not a calendar date`)
  if (h === undefined) return ok(new Date(Date.UTC(year, month - 1, day + 1)))
  const [hour, minute, second, offsetHours, offsetMinutes] = [h, mi, s, offH ?? '0', offM ?? '0'].map(Number) as [
    number,
    number,
    number,
    number,
    number,
  ]
  if (hour > 23 || minute > 59 || second > 59 || offsetHours > 23 || offsetMinutes > 59)
    return err(`"${expiresAt}" is not a valid date-time`)
  const millis = Math.floor(Number(`0.${(fraction ?? '0').slice(0, 9)}`) * 1000)
  const offset = (sign === '-' ? -1 : 1) * (offsetHours * 60 + offsetMinutes) * 60_000
  return ok(new Date(Date.UTC(year, month - 1, day, hour, minute, second, millis) - offset))
}

/** true when access has ended at `now`; false when `expiresAt` is unreadable (validate reports that). */
export function isExpired(expiresAt: string, now: Date): boolean {
  const end = accessEndsAt(expiresAt)
  return end.ok && now.getTime() >= end.value.getTime()
}

/** Where one `expiresAt` stands at `now`, for a warning window of `warningDays` days. */
export type ExpiryStatus =
  | { readonly kind: 'invalid'; readonly error: string }
  | { readonly kind: 'expired'; readonly endsAt: Date }
  /** Ends within the window: `0 < endsAt - now <= warningDays days`. */
  | { readonly kind: 'expiring'; readonly endsAt: Date; readonly daysLeft: number }
  | { readonly kind: 'active'; readonly endsAt: Date }

export function expiryStatus(expiresAt: string, now: Date, warningDays: number): ExpiryStatus {
  const end = accessEndsAt(expiresAt)
  if (!end.ok) return { kind: 'invalid', error: end.error }
  const left = end.value.getTime() - now.getTime()
  if (left <= 0) return { kind: 'expired', endsAt: end.value }
  if (left <= Math.max(0, warningDays) * DAY_MS) return { kind: 'expiring', endsAt: end.value, daysLeft: Math.ceil(left / DAY_MS) }
  return { kind: 'active', endsAt: end.value }
}

/** `2027-04-01T00:00:00Z`: ISO 8601 in UTC, milliseconds only when there are some. */
export function formatInstant(instant: Date): string {
  return instant.toISOString().replace('.000Z', 'Z')
}

function isCalendarDate(year: number, month: number, day: number): boolean {
  const d = new Date(Date.UTC(year, month - 1, day))
  return d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day
}
