import { eksDefaultUsername, parsePrincipalArn } from '../arn.js'
import { policyArnFor } from '../policies.js'
import {
  OWNERSHIP_TAG_KEY,
  OWNERSHIP_TAG_VALUE,
  type AccessScope,
  type AssociatedPolicy,
  type DesiredEntry,
  type ObservedEntry,
  type Partition,
  type ScopeType,
  NODE_USERNAMES,
} from '../types.js'
import { compareCodePoints } from '../util/compare.js'

/**
 * Both sides of the diff pass through here first, so that values EKS treats as equal compare
 * equal: short vs full policy ARN, absent vs STANDARD type, unsorted or repeated groups and
 * namespaces, `namespaces: []` vs absent, and the username EKS generates when none is given.
 * (eks-controller 307d36b fixed false diffs from nil-vs-empty slices; normalising first avoids
 * the whole class.) Pure: no I/O.
 */

/**
 * An access entry in the one shape the diff compares: an ObservedEntry without its ARN, groups
 * and namespaces as sorted sets, full policy ARNs sorted, one per ARN. `username` undefined on the
 * desired side means "whatever EKS has"; on the observed side it is as reported, else EKS's default.
 */
export type NormalEntry = Omit<ObservedEntry, 'accessEntryArn'>

export const DEFAULT_ENTRY_TYPE = 'STANDARD'

/** Code-point order: the same on every machine and locale (localeCompare is not). */
export const compareText = compareCodePoints

/** Sorted, de-duplicated copy; absent and empty both give []. */
export function sortedSet(values: readonly string[] | undefined): string[] {
  return [...new Set(values ?? [])].sort(compareText)
}

/** EKS defaults `type` to STANDARD (EKS-API.md §4). */
export function normalizeType(type: string | undefined): string {
  return type === undefined || type === '' ? DEFAULT_ENTRY_TYPE : type
}

/** Node types get their permissions from EKS itself and are never given groups by users. */
export function isNodeType(type: string): boolean {
  return normalizeType(type) !== DEFAULT_ENTRY_TYPE
}

/** Cluster scope carries no namespaces; namespace scope carries a sorted set. */
export function normalizeScope(scope: { readonly type: ScopeType; readonly namespaces?: readonly string[] | undefined }): AccessScope {
  return { type: scope.type, namespaces: scope.type === 'cluster' ? [] : sortedSet(scope.namespaces) }
}

export function sameScope(a: AccessScope, b: AccessScope): boolean {
  return a.type === b.type && a.namespaces.length === b.namespaces.length && a.namespaces.every((n, i) => n === b.namespaces[i])
}

/**
 * Full ARNs in the cluster's partition, sorted by ARN. EKS holds each policy at most once per entry
 * (re-associating replaces the scope), so a repeated ARN keeps its last scope, as EKS would.
 */
export function normalizePolicies(
  policies: readonly {
    readonly policyArn: string
    readonly accessScope: { readonly type: ScopeType; readonly namespaces?: readonly string[] }
  }[],
  partition: Partition,
): AssociatedPolicy[] {
  const byArn = new Map<string, AssociatedPolicy>()
  for (const p of policies) {
    const policyArn = policyArnFor(p.policyArn, partition)
    byArn.set(policyArn, { policyArn, accessScope: normalizeScope(p.accessScope) })
  }
  return [...byArn.values()].sort((a, b) => compareText(a.policyArn, b.policyArn))
}

// ───────────────────────────── principals and generated usernames ─────────────────────────────

/**
 * The username EKS sets when none is given (EKS-API.md §4, Types): a STANDARD role gets its
 * assumed-role ARN with the role path removed, a user its own ARN, node types EKS's node name.
 * Undefined where no source settles it (EC2, HYPERPOD_LINUX, unparseable principals): callers then
 * accept whatever EKS reports.
 */
export function generatedUsername(principalArn: string, type: string | undefined): string | undefined {
  const t = normalizeType(type)
  if (t !== DEFAULT_ENTRY_TYPE) return NODE_USERNAMES[t]
  const parsed = parsePrincipalArn(principalArn)
  return parsed.ok ? eksDefaultUsername(parsed.value) : undefined
}

// ───────────────────────────── entries ─────────────────────────────

export function normalizeDesiredEntry(entry: DesiredEntry, partition: Partition): NormalEntry {
  const base = {
    principalArn: entry.principalArn,
    type: normalizeType(entry.type),
    kubernetesGroups: sortedSet(entry.kubernetesGroups),
    tags: { ...entry.tags },
    accessPolicies: normalizePolicies(entry.accessPolicies, partition),
  }
  // An empty username is "not set": EKS would generate one.
  return entry.username === undefined || entry.username === '' ? base : { ...base, username: entry.username }
}

export function normalizeObservedEntry(entry: ObservedEntry, partition: Partition): NormalEntry {
  const type = normalizeType(entry.type)
  const base = {
    principalArn: entry.principalArn,
    type,
    kubernetesGroups: sortedSet(entry.kubernetesGroups),
    tags: { ...entry.tags },
    accessPolicies: normalizePolicies(entry.accessPolicies, partition),
  }
  // EKS always reports a username; a hand-written snapshot may omit it, meaning EKS's default.
  const username = entry.username !== undefined && entry.username !== '' ? entry.username : generatedUsername(entry.principalArn, type)
  return username === undefined ? base : { ...base, username }
}

/**
 * The username the manifest asks for. No `username` means the username EKS generates by default
 * (generatedUsername), so a live username changed outside the repo is a difference on a STANDARD
 * entry. Node types cannot be given a username (EKS sets and keeps it), and where no source settles
 * the default (EC2, HYPERPOD_LINUX, unparseable principals) it is undefined: any live username is
 * accepted then.
 */
export function wantedUsername(desired: NormalEntry): string | undefined {
  if (desired.username !== undefined) return desired.username
  return isNodeType(desired.type) ? undefined : generatedUsername(desired.principalArn, desired.type)
}

export function usernameDiffers(desired: NormalEntry, observed: NormalEntry): boolean {
  const wanted = wantedUsername(desired)
  return wanted !== undefined && wanted !== observed.username
}

/**
 * Groups differ when the sets differ, except that a node-type entry whose manifest lists no groups
 * accepts whatever EKS reports (node entries may show groups such as `system:nodes` that no user
 * can set).
 */
export function groupsDiffer(desired: NormalEntry, observed: NormalEntry): boolean {
  if (isNodeType(desired.type) && desired.kubernetesGroups.length === 0) return false
  const a = desired.kubernetesGroups
  const b = observed.kubernetesGroups
  return a.length !== b.length || a.some((g, i) => g !== b[i])
}

export function isOwned(tags: Readonly<Record<string, string>>): boolean {
  return tags[OWNERSHIP_TAG_KEY] === OWNERSHIP_TAG_VALUE
}

export function withOwnershipTag(tags: Readonly<Record<string, string>>): Record<string, string> {
  return { ...tags, [OWNERSHIP_TAG_KEY]: OWNERSHIP_TAG_VALUE }
}

/** A copy without the ownership tag: only the tool sets it (on create, or with `adopt: true`). */
export function withoutOwnershipTag(tags: Readonly<Record<string, string>>): Record<string, string> {
  const out = { ...tags }
  if (isOwned(out)) delete out[OWNERSHIP_TAG_KEY]
  return out
}

/** Tags in `wanted` that `live` lacks or holds with another value, keys sorted. Never removals. */
export function tagsToSet(wanted: Readonly<Record<string, string>>, live: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const key of Object.keys(wanted).sort(compareText)) {
    const value = wanted[key] as string
    if (live[key] !== value) out[key] = value
  }
  return out
}

/** A copy with keys in sorted order, so JSON output never depends on input order. */
export function sortedRecord(tags: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const key of Object.keys(tags).sort(compareText)) out[key] = tags[key] as string
  return out
}
