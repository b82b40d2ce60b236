/**
 * `expiresAt`: "access removed by the first apply after this date".
 *
 * When access ends (`accessEndsAt`, shared with plan/drift so they agree with validate):
 * - a date-only value `YYYY-MM-DD` covers that whole day in UTC, so access ends at 00:00:00Z of the
 *   NEXT day;
 * - a date-time must carry `Z` or an offset (`2027-03-31T18:00:00+02:00`): without one its meaning
 *   would depend on the machine's time zone. Access ends at that instant.
 * Access is expired from `accessEndsAt` on (`now >= accessEndsAt`).
 *
 * Codes: `expiry:expired` (error), `expiry:soon` (warning, within `expiryWarningDays` days),
 * `expiry:invalid` (error, not a date this tool understands). All at `locs.expiresAt`.
 */
import { accessEndsAt } from '../../expiry.js'
import { problemAt, type Manifest, type ManifestEntry, type Problem } from '../../types.js'
import type { EksRuleContext } from './context.js'

const DAY_MS = 86_400_000

export function checkExpiry(manifest: Manifest, ctx: EksRuleContext): Problem[] {
  return manifest.accessEntries.flatMap((entry) => checkEntryExpiry(entry, ctx))
}

function checkEntryExpiry(entry: ManifestEntry, ctx: EksRuleContext): Problem[] {
  const expiresAt = entry.expiresAt
  if (expiresAt === undefined) return []
  const loc = entry.locs.expiresAt ?? entry.locs.entry
  const end = accessEndsAt(expiresAt)
  if (!end.ok) return [problemAt(loc, 'error', 'expiry:invalid', `expiresAt ${end.error}; write e.g. 2027-03-31`)]
  const left = end.value.getTime() - ctx.now.getTime()
  if (left > Math.max(0, ctx.expiryWarningDays) * DAY_MS) return []
  const ends = formatInstant(end.value)
  if (left <= 0) {
    return [
      problemAt(
        loc,
        'error',
        'expiry:expired',
        `expiresAt "${expiresAt}" has passed (access ended ${ends}); the next apply removes this access for "${entry.principalArn}": delete the entry or extend expiresAt`,
      ),
    ]
  }
  const days = Math.ceil(left / DAY_MS)
  return [
    problemAt(
      loc,
      'warning',
      'expiry:soon',
      `expiresAt "${expiresAt}": access for "${entry.principalArn}" ends ${ends}, in ${days} day${days === 1 ? '' : 's'}; extend expiresAt if it is still needed`,
    ),
  ]
}

function formatInstant(instant: Date): string {
  return instant.toISOString().replace('.000Z', 'Z')
}
