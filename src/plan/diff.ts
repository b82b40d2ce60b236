import { authenticationModeGuidance } from '../onboarding/auth-mode.js'
import { isClusterAdminPolicy } from '../policies.js'
import { CONFIG_MAP_ERROR_CODE, configMapModeError } from '../types.js'
import type {
  AssociateChange,
  AuthenticationMode,
  AuthenticationModeChange,
  Change,
  ChangeAction,
  ClusterPlan,
  DeleteChange,
  DesiredEntry,
  DisassociateChange,
  EntryFields,
  ManifestCluster,
  ObservedCluster,
  PlanError,
  PruneMode,
  UnmanagedEntry,
} from '../types.js'
import { describeEffects, type EntryAccess, type PrincipalTransition } from './effects.js'
import {
  DEFAULT_ENTRY_TYPE,
  compareText,
  groupsDiffer,
  isNodeType,
  isOwned,
  normalizeDesiredEntry,
  normalizeObservedEntry,
  sameScope,
  sortedRecord,
  tagsToSet,
  usernameDiffers,
  wantedUsername,
  withOwnershipTag,
  withoutOwnershipTag,
  type NormalEntry,
} from './normalize.js'

/**
 * The diff of one cluster: desired (manifest) vs observed (EKS) → changes, in the controller
 * pattern (desired, latest → delta). Pure and deterministic: both sides are normalised first and
 * every output list is sorted, so shuffled inputs give identical plans.
 *
 * Counting follows PRODUCT.md ("plan --format json"): an UpdateAccessEntry and a tag change on one
 * entry are one `update`; a scope change is one in-place `associate`; a type change is one
 * `replace` whose new policies are `associate`s; a delete carries its policies (no
 * `disassociate`).
 */
export interface PlanClusterInput {
  readonly cluster: ManifestCluster
  readonly desired: readonly DesiredEntry[]
  readonly expired: readonly DesiredEntry[]
  readonly observed: ObservedCluster
}

/** What happens to one principal's entry, before the changes are flattened. */
interface EntryOutcome {
  readonly changes: Change[]
  readonly transition: PrincipalTransition
  /** Policies the principal holds once the plan is applied (for the lockout check). */
  readonly endPolicies: EntryAccess['accessPolicies']
  /** The entry's type once the plan is applied (absent when it is deleted). */
  readonly endType?: string
}

export function planCluster(input: PlanClusterInput): ClusterPlan {
  const { cluster, observed } = input
  const errors: PlanError[] = []
  const desired = uniqueDesired(input.desired, cluster.partition, errors)
  const live = new Map(
    [...observed.entries]
      .map((e) => normalizeObservedEntry(e, cluster.partition))
      .sort((a, b) => compareText(a.principalArn, b.principalArn))
      .map((e) => [e.principalArn, e] as const),
  )
  const expired = new Map(input.expired.filter((e) => !desired.has(e.principalArn)).map((e) => [e.principalArn, e] as const))
  const expiredPolicies = new Map(
    input.desired.map((e) => [e.principalArn, new Map((e.expiredPolicies ?? []).map((p) => [p.policyArn, p.expiresAt]))] as const),
  )

  const outcomes: EntryOutcome[] = []
  for (const want of desired.values()) {
    const have = live.get(want.principalArn)
    if (have === undefined) outcomes.push(planCreate(want))
    else if (want.type !== have.type && !isOwned(have.tags)) outcomes.push(refuseUnownedTypeChange(want, have, cluster, errors))
    else outcomes.push(planReconcile(want, have, cluster.adopt, expiredPolicies.get(want.principalArn)))
  }
  const unmanaged: UnmanagedEntry[] = []
  for (const have of live.values()) {
    if (desired.has(have.principalArn)) continue
    // Expiry is the manifest naming this very entry and saying its access ends, so it is removed
    // whoever created it (PRODUCT: "access removed by the first apply after this date"); only
    // `prune: none` ("never deletes") keeps it. Ownership guards the entries the manifest does
    // not name at all.
    const reason = expired.has(have.principalArn) && cluster.prune !== 'none' ? undefined : keepReason(have, cluster.prune)
    if (reason === undefined) outcomes.push(planDelete(have, expired.get(have.principalArn)?.expiresAt))
    else {
      unmanaged.push({ principalArn: have.principalArn, type: have.type, reason })
      outcomes.push({ changes: [], transition: { principalArn: have.principalArn }, endPolicies: have.accessPolicies, endType: have.type })
    }
  }

  const authenticationMode = planAuthenticationMode(cluster.authenticationMode, observed.authenticationMode, errors)
  if (observed.accountId !== undefined && observed.accountId !== cluster.accountId) {
    errors.push({
      code: 'account-mismatch',
      message: `cluster ${cluster.key} is in account ${observed.accountId}, but the manifest says ${cluster.accountId}`,
    })
  }
  if (!cluster.allowNoClusterAdmin && !outcomes.some(holdsClusterAdmin)) {
    errors.push({
      code: 'no-cluster-admin',
      message:
        `after this plan no STANDARD access entry on cluster ${cluster.key} would hold AmazonEKSClusterAdminPolicy at cluster scope ` +
        '(a lockout); keep or add one, or set allowNoClusterAdmin: true on the cluster',
    })
  }

  const notes = applyModeGuidance(cluster, observed.authenticationMode, errors)
  const changes = outcomes.flatMap((o) => o.changes).sort(compareChanges)
  const named = new Set(changes.map((c) => c.principalArn))
  const plan: ClusterPlan = {
    cluster: cluster.key,
    name: cluster.name,
    region: cluster.region,
    accountId: cluster.accountId,
    changes,
    errors,
    effects: describeEffects(
      outcomes.map((o) => o.transition),
      cluster.accountId,
    ),
    unmanaged: unmanaged.sort((a, b) => compareText(a.principalArn, b.principalArn)),
    unchanged: errors.length > 0 ? 0 : [...desired.keys()].filter((arn) => !named.has(arn)).length,
  }
  return {
    ...plan,
    ...(authenticationMode === undefined ? {} : { authenticationMode }),
    ...(notes.length === 0 ? {} : { notes }),
  }
}

/** One desired entry per principal; a second one for the same principal is a cluster error. */
function uniqueDesired(
  entries: readonly DesiredEntry[],
  partition: ManifestCluster['partition'],
  errors: PlanError[],
): Map<string, NormalEntry> {
  const out = new Map<string, NormalEntry>()
  const dupes = new Set<string>()
  for (const e of [...entries].sort((a, b) => compareText(a.principalArn, b.principalArn))) {
    if (out.has(e.principalArn)) dupes.add(e.principalArn)
    else out.set(e.principalArn, normalizeDesiredEntry(e, partition))
  }
  for (const arn of dupes)
    errors.push({ code: 'duplicate-principal', message: `more than one manifest entry for ${arn} selects this cluster` })
  return out
}

/**
 * An entry that keeps the cluster out of a lockout: AmazonEKSClusterAdminPolicy at cluster scope on
 * a STANDARD entry. Only STANDARD entries are documented to hold access policies (EKS-API.md §4;
 * for HYPERPOD_LINUX it is UNCONFIRMED), so the admin floor never rests on another type.
 */
function holdsClusterAdmin(o: EntryOutcome): boolean {
  return (
    o.endType === DEFAULT_ENTRY_TYPE && o.endPolicies.some((p) => isClusterAdminPolicy(p.policyArn) && p.accessScope.type === 'cluster')
  )
}

// ───────────────────────────── per-entry planning ─────────────────────────────

function fieldsOf(e: NormalEntry): EntryFields {
  const base = { type: e.type, kubernetesGroups: e.kubernetesGroups, tags: sortedRecord(e.tags) }
  return e.username === undefined ? base : { ...base, username: e.username }
}

function accessOf(e: NormalEntry): EntryAccess {
  return { type: e.type, kubernetesGroups: e.kubernetesGroups, accessPolicies: e.accessPolicies }
}

function associateAll(want: NormalEntry): AssociateChange[] {
  return want.accessPolicies.map((p) => ({
    action: 'associate',
    principalArn: want.principalArn,
    policyArn: p.policyArn,
    accessScope: p.accessScope,
    inPlace: false,
  }))
}

/** Entries the tool creates carry the ownership tag, so `prune: owned` may delete them later. */
function planCreate(want: NormalEntry): EntryOutcome {
  const after = fieldsOf({ ...want, tags: withOwnershipTag(want.tags) })
  return {
    changes: [{ action: 'create', principalArn: want.principalArn, after }, ...associateAll(want)],
    transition: { principalArn: want.principalArn, after: accessOf(want) },
    endPolicies: want.accessPolicies,
    endType: want.type,
  }
}

/** Policy ARN → `expiresAt` of the entry's associations that expired (they are disassociated). */
type ExpiredPolicies = ReadonlyMap<string, string>

function planReconcile(want: NormalEntry, have: NormalEntry, adopt: boolean, expiredPolicies: ExpiredPolicies = new Map()): EntryOutcome {
  if (want.type !== have.type) return planReplace(want, have)
  const owned = isOwned(have.tags)
  // Reconciled in place, never recreated; the ownership tag only where the tool owns or adopts —
  // also when the manifest itself lists `managed-by: eks-access-gate` among the entry's tags.
  const wantedTags = owned || adopt ? withOwnershipTag(want.tags) : withoutOwnershipTag(want.tags)
  const toSet = tagsToSet(wantedTags, have.tags)
  const changeGroups = groupsDiffer(want, have)
  const changeUsername = usernameDiffers(want, have)
  const changes: Change[] = []
  const endGroups = changeGroups ? want.kubernetesGroups : have.kubernetesGroups
  if (changeGroups || changeUsername || Object.keys(toSet).length > 0) {
    // UpdateAccessEntry replaces groups and username together, so `after` carries both. Without a
    // manifest username the wanted one is EKS's default: a live username changed outside the repo
    // is restored (see wantedUsername; order.ts decides how the call carries it).
    const username = changeUsername ? wantedUsername(want) : have.username
    const after: EntryFields = {
      type: have.type,
      kubernetesGroups: endGroups,
      tags: sortedRecord({ ...have.tags, ...toSet }),
      ...(username === undefined ? {} : { username }),
    }
    changes.push({
      action: 'update',
      principalArn: want.principalArn,
      before: fieldsOf(have),
      after,
      updateEntry: changeGroups || changeUsername,
      tagsToSet: toSet,
      adopt: !owned && adopt,
    })
  }
  changes.push(...policyChanges(want, have, expiredPolicies))
  return {
    changes,
    transition: {
      principalArn: want.principalArn,
      before: accessOf(have),
      after: { type: have.type, kubernetesGroups: endGroups, accessPolicies: want.accessPolicies },
    },
    endPolicies: want.accessPolicies,
    endType: have.type,
  }
}

/** Associate what is missing or re-scoped (in place), disassociate what is no longer wanted. */
function policyChanges(want: NormalEntry, have: NormalEntry, expiredPolicies: ExpiredPolicies): Change[] {
  const live = new Map(have.accessPolicies.map((p) => [p.policyArn, p.accessScope]))
  const wanted = new Set(want.accessPolicies.map((p) => p.policyArn))
  const out: Change[] = []
  for (const p of want.accessPolicies) {
    const previous = live.get(p.policyArn)
    if (previous === undefined) {
      out.push({ action: 'associate', principalArn: want.principalArn, policyArn: p.policyArn, accessScope: p.accessScope, inPlace: false })
    } else if (!sameScope(previous, p.accessScope)) {
      // AssociateAccessPolicy on an associated policy replaces its scope: no gap, one change.
      out.push({
        action: 'associate',
        principalArn: want.principalArn,
        policyArn: p.policyArn,
        accessScope: p.accessScope,
        previousScope: previous,
        inPlace: true,
      })
    }
  }
  for (const p of have.accessPolicies) {
    if (wanted.has(p.policyArn)) continue
    const expiresAt = expiredPolicies.get(p.policyArn)
    const change: DisassociateChange = {
      action: 'disassociate',
      principalArn: want.principalArn,
      policyArn: p.policyArn,
      accessScope: p.accessScope,
      ...(expiresAt === undefined ? {} : { reason: 'expired' as const, expiresAt }),
    }
    out.push(change)
  }
  return out
}

/**
 * A type change of an entry the tool does not own. EKS cannot change a type in place, and an
 * untagged entry the manifest names is reconciled in place, never deleted and recreated
 * (PRODUCT.md, Ownership) — even with `adopt: true`. Most often the manifest names a node role
 * that EKS made (EC2_LINUX, FARGATE_LINUX, …) without its `type`: recreating it as STANDARD would
 * break the nodes. So it is a cluster error, and the entry counts as it is for the lockout check.
 */
function refuseUnownedTypeChange(want: NormalEntry, have: NormalEntry, cluster: ManifestCluster, errors: PlanError[]): EntryOutcome {
  errors.push({
    code: 'unowned-type-change',
    message:
      `${want.principalArn} has a ${have.type} entry on cluster ${cluster.key} that eks-access-gate did not create, but the manifest ` +
      `wants type ${want.type}. EKS cannot change a type in place and the tool never deletes and recreates an entry it does not own: ` +
      `set type: ${have.type} in the manifest, or delete the entry by hand if the new type is really meant`,
  })
  return { changes: [], transition: { principalArn: have.principalArn }, endPolicies: have.accessPolicies, endType: have.type }
}

/**
 * EKS cannot change an entry's type, so a type change of an owned entry deletes and recreates it.
 * The new entry carries the ownership tag and keeps the live entry's other tags (tags the tool did
 * not set are never removed). Unowned entries never get here (refuseUnownedTypeChange).
 */
function planReplace(want: NormalEntry, have: NormalEntry): EntryOutcome {
  const after = fieldsOf({ ...want, tags: withOwnershipTag({ ...have.tags, ...want.tags }) })
  return {
    changes: [
      { action: 'replace', principalArn: want.principalArn, before: fieldsOf(have), after, accessGap: true },
      ...associateAll(want),
    ],
    transition: {
      principalArn: want.principalArn,
      before: accessOf(have),
      after: accessOf(want),
      replaced: true,
    },
    endPolicies: want.accessPolicies,
    endType: want.type,
  }
}

/**
 * Why a live entry the manifest does not name is left alone, or undefined when it is deleted.
 * Node-type entries (made by EKS for node groups and Fargate) are deleted only when owned, since
 * deleting them breaks nodes; `all` otherwise also deletes unowned STANDARD entries.
 */
function keepReason(have: NormalEntry, prune: PruneMode): UnmanagedEntry['reason'] | undefined {
  if (prune === 'none') return 'prune-none'
  if (isOwned(have.tags)) return undefined
  if (isNodeType(have.type)) return 'node-type'
  return prune === 'all' ? undefined : 'unowned'
}

/** One delete; its associations go with the entry (no disassociate). */
function planDelete(have: NormalEntry, expiresAt: string | undefined): EntryOutcome {
  const change: DeleteChange = {
    action: 'delete',
    principalArn: have.principalArn,
    before: fieldsOf(have),
    accessPolicies: have.accessPolicies,
    ...(expiresAt === undefined ? {} : { reason: 'expired' as const, expiresAt }),
  }
  return {
    changes: [change],
    transition: { principalArn: have.principalArn, before: accessOf(have), ...(expiresAt === undefined ? {} : { expiresAt }) },
    endPolicies: [],
  }
}

// ───────────────────────────── authentication mode ─────────────────────────────

const MODE_STEPS: readonly AuthenticationMode[] = ['CONFIG_MAP', 'API_AND_CONFIG_MAP', 'API']

/**
 * EKS moves CONFIG_MAP → API_AND_CONFIG_MAP → API, one step per UpdateClusterConfig, and never back
 * (EKS-API.md §5). Anything else is a cluster error that says why, instead of a failed apply.
 */
function planAuthenticationMode(
  desired: AuthenticationMode | undefined,
  live: AuthenticationMode,
  errors: PlanError[],
): AuthenticationModeChange | undefined {
  if (desired === undefined && live === 'CONFIG_MAP') {
    // EKS refuses every access-entry call on a CONFIG_MAP cluster (EKS-API.md §5).
    errors.push(configMapModeError())
    return undefined
  }
  if (desired === undefined || desired === live) return undefined
  const step = MODE_STEPS.indexOf(desired) - MODE_STEPS.indexOf(live)
  if (step === 1) return { from: live, to: desired, irreversible: true }
  errors.push({
    code: 'authentication-mode',
    message:
      step < 0
        ? `cannot change authentication mode from ${live} to ${desired}: EKS never re-enables the ConfigMap once access entries are on`
        : `cannot change authentication mode from ${live} to ${desired} in one step: EKS allows CONFIG_MAP → API_AND_CONFIG_MAP → API, ` +
          `one step per apply; set ${MODE_STEPS[MODE_STEPS.indexOf(live) + 1]} first`,
  })
  return undefined
}

export { CONFIG_MAP_ERROR_CODE, configMapModeError }

/** The codes of the cluster errors the mode planning gives (a CONFIG_MAP cluster, an impossible step). */
const MODE_ERROR_CODES: readonly string[] = ['authentication-mode', CONFIG_MAP_ERROR_CODE]

/**
 * The authentication-mode guidance next to the mode planning: `info` guidance is returned as the
 * cluster's notes; `error` guidance is a cluster error. When the diff already refused the mode (same
 * cause), the guidance replaces that error's message and keeps its code (stable for consumers), so
 * the cluster carries one error that also says the way forward.
 */
function applyModeGuidance(cluster: ManifestCluster, live: AuthenticationMode, errors: PlanError[]): string[] {
  const guidance = authenticationModeGuidance(cluster.key, live, cluster.authenticationMode)
  if (guidance === undefined) return []
  if (guidance.severity === 'info') return [guidance.note]
  const i = errors.findIndex((e) => MODE_ERROR_CODES.includes(e.code))
  const existing = errors[i]
  if (existing === undefined) errors.push({ code: guidance.code, message: guidance.note })
  else errors[i] = { code: existing.code, message: guidance.note }
  return []
}

// ───────────────────────────── ordering of changes in the plan ─────────────────────────────

const ACTION_ORDER: readonly ChangeAction[] = ['create', 'replace', 'update', 'associate', 'disassociate', 'delete']

function policyOf(c: Change): string {
  return c.action === 'associate' || c.action === 'disassociate' ? c.policyArn : ''
}

/** By principal, then a fixed action order, then policy ARN: never input order. */
export function compareChanges(a: Change, b: Change): number {
  return (
    compareText(a.principalArn, b.principalArn) ||
    ACTION_ORDER.indexOf(a.action) - ACTION_ORDER.indexOf(b.action) ||
    compareText(policyOf(a), policyOf(b))
  )
}
