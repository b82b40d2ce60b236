/**
 * `manifest:duplicate-entry` — EKS allows one access entry per principal per cluster (EKS-API.md §4),
 * so two entries for one principal that select a common cluster are an error at the later entry's
 * `principalArn`, naming the earlier entry's file:line and the clusters in common. Entries are in
 * sorted file order, then document order, so "later" is stable across runs.
 *
 * One principal: IAM role and user names are unique per account *case-insensitively* and regardless
 * of path, so `role/Admin` and `role/team/admin` in one account are the same principal to EKS.
 */
import { parsePrincipalArn } from '../../arn.js'
import { problemAt, type Manifest, type ManifestEntry, type Problem } from '../../types.js'
import { entrySelector, fileLine, quoteAll } from './helpers.js'

interface Seen {
  readonly entry: ManifestEntry
  readonly clusters: ReadonlySet<string>
}

/** The identity EKS sees; an unparseable ARN is compared as written. */
export function principalIdentity(principalArn: string): string {
  const parsed = parsePrincipalArn(principalArn)
  if (!parsed.ok) return principalArn
  const p = parsed.value
  return `${p.partition}:${p.accountId}:${p.kind}:${p.name.toLowerCase()}`
}

export function checkDuplicateEntries(manifest: Manifest): Problem[] {
  const select = entrySelector(manifest)
  const seen = new Map<string, Seen[]>()
  const problems: Problem[] = []
  for (const entry of manifest.accessEntries) {
    const identity = principalIdentity(entry.principalArn)
    const clusters = select(entry).keys
    const earlier = seen.get(identity) ?? []
    for (const before of earlier) {
      const common = [...clusters].filter((c) => before.clusters.has(c))
      if (common.length > 0) problems.push(duplicateProblem(entry, before.entry, common))
    }
    seen.set(identity, [...earlier, { entry, clusters }])
  }
  return problems
}

function duplicateProblem(entry: ManifestEntry, before: ManifestEntry, common: readonly string[]): Problem {
  const spelled =
    before.principalArn === entry.principalArn
      ? ''
      : ` as "${before.principalArn}" (IAM names are case-insensitive and unique regardless of path)`
  return problemAt(
    entry.locs.principalArn,
    'error',
    'manifest:duplicate-entry',
    `principal "${entry.principalArn}" already has an entry at ${fileLine(before.locs.entry)}${spelled} for cluster${common.length > 1 ? 's' : ''} ${quoteAll(common)}; EKS allows one entry per principal per cluster — merge the entries or make their clusters disjoint`,
  )
}
