/**
 * `expiresAt` on an entry or on one of its access policies: "access removed by the first apply
 * after this date". When access ends is defined once in src/expiry.ts (a date alone = the END of
 * that day in UTC; a date-time without offset = UTC; expired from that instant on).
 *
 * Two readings of the same facts:
 * - `validate` (mode `validate`, the default): a past `expiresAt` is the error `expiry:expired` —
 *   the manifest still grants access it says has ended;
 * - `plan`, `apply` and `drift` (mode `plan`): expired access is simply absent from the desired
 *   state, so `expiry:expired` is a warning ("expired on …; access removed by the next apply;
 *   delete the entry from the manifest") and never fails the command. `forPlan` turns validate's
 *   problems into plan's.
 *
 * Codes: `expiry:expired` (error in validate, warning in plan), `expiry:soon` (warning, ends within
 * `expiryWarningDays` days), `expiry:invalid` (error, not a date this tool reads). All at the
 * `expiresAt` node (of the entry, or of the access-policy item).
 */
import { expiryStatus, formatInstant } from '../../expiry.js'
import { problemAt, type Loc, type Manifest, type ManifestEntry, type Problem } from '../../types.js'
import type { EksRuleContext } from './context.js'

export type ExpiryMode = 'validate' | 'plan'

export const EXPIRY_EXPIRED = 'expiry:expired'
export const EXPIRY_SOON = 'expiry:soon'
export const EXPIRY_INVALID = 'expiry:invalid'

export function checkExpiry(manifest: Manifest, ctx: EksRuleContext, mode: ExpiryMode = 'validate'): Problem[] {
  return manifest.accessEntries.flatMap((entry) => checkEntryExpiry(entry, ctx, mode))
}

/**
 * Validate's problems as plan/apply/drift report them: every `expiry:expired` error becomes the
 * plan warning, other problems are kept, order by location as validate sorts them. A command that
 * gets `ok` from validate must recompute it from the result (ok = no problem with severity error).
 */
export function forPlan(
  problems: readonly Problem[],
  manifest: Manifest,
  ctx: Pick<EksRuleContext, 'now' | 'expiryWarningDays'>,
): Problem[] {
  if (!problems.some((p) => p.code === EXPIRY_EXPIRED)) return [...problems]
  const warnings = checkExpiry(manifest, { ...ctx, catalogue: [] }, 'plan').filter((p) => p.code === EXPIRY_EXPIRED)
  return [...problems.filter((p) => p.code !== EXPIRY_EXPIRED), ...warnings].sort(byLocation)
}

/**
 * A validate outcome as plan/apply/drift see it: `forPlan` on its problems and `ok` recomputed
 * (false exactly when some problem is an error). Call it on every `CheckedOutcome` those commands
 * get from `validateManifests` / `validateSources`, before deciding whether the manifest is valid.
 */
export function forPlanOutcome<T extends { readonly ok: boolean; readonly problems: readonly Problem[]; readonly manifest: Manifest }>(
  outcome: T,
  ctx: Pick<EksRuleContext, 'now' | 'expiryWarningDays'>,
): T {
  const problems = forPlan(outcome.problems, outcome.manifest, ctx)
  return { ...outcome, problems, ok: !problems.some((p) => p.severity === 'error') }
}

function checkEntryExpiry(entry: ManifestEntry, ctx: EksRuleContext, mode: ExpiryMode): Problem[] {
  const out: Problem[] = []
  if (entry.expiresAt !== undefined) {
    out.push(...checkOne(entry.expiresAt, entry.locs.expiresAt ?? entry.locs.entry, `"${entry.principalArn}"`, 'entry', ctx, mode))
  }
  // An association past an expired entry says nothing more: the whole entry goes.
  const entryGone = out.some((p) => p.code === EXPIRY_EXPIRED)
  for (const policy of entry.accessPolicies) {
    if (policy.expiresAt === undefined) continue
    const subject = `${policy.policyArn} of "${entry.principalArn}"`
    const found = checkOne(policy.expiresAt, policy.locs.expiresAt ?? policy.locs.item, subject, 'policy', ctx, mode)
    out.push(...found.filter((p) => !(entryGone && p.code !== EXPIRY_INVALID)))
  }
  return out
}

function checkOne(
  expiresAt: string,
  loc: Loc,
  subject: string,
  what: 'entry' | 'policy',
  ctx: EksRuleContext,
  mode: ExpiryMode,
): Problem[] {
  const status = expiryStatus(expiresAt, ctx.now, ctx.expiryWarningDays)
  switch (status.kind) {
    case 'invalid':
      return [problemAt(loc, 'error', EXPIRY_INVALID, `expiresAt ${status.error}; write e.g. "2027-03-31" (quoted)`)]
    case 'active':
      return []
    case 'expiring': {
      const days = `${status.daysLeft} day${status.daysLeft === 1 ? '' : 's'}`
      return [
        problemAt(
          loc,
          'warning',
          EXPIRY_SOON,
          `expiresAt "${expiresAt}": access for ${subject} ends ${formatInstant(status.endsAt)}, in ${days}; extend expiresAt if it is still needed`,
        ),
      ]
    }
    case 'expired': {
      const ended = formatInstant(status.endsAt)
      const remove = what === 'entry' ? 'delete the entry from the manifest' : 'delete the access policy from the entry'
      if (mode === 'plan') {
        return [
          problemAt(
            loc,
            'warning',
            EXPIRY_EXPIRED,
            `access for ${subject} expired on ${ended} (expiresAt "${expiresAt}"); access removed by the next apply; ${remove}`,
          ),
        ]
      }
      return [
        problemAt(
          loc,
          'error',
          EXPIRY_EXPIRED,
          `expiresAt "${expiresAt}" has passed (access ended ${ended}); the next apply removes this access for ${subject}: delete the ${what === 'entry' ? 'entry' : 'access policy'} or extend expiresAt`,
        ),
      ]
    }
  }
}

function byLocation(a: Problem, b: Problem): number {
  const text = (x: string, y: string): number => (x < y ? -1 : x > y ? 1 : 0)
  return text(a.file, b.file) || a.line - b.line || a.column - b.column || text(a.code, b.code) || text(a.message, b.message)
}
