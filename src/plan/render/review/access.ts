import { isClusterAdminPolicy } from '../../../policies.js'
import type { AccessEffect, AssociatedPolicy, Change, ClusterPlan, EffectKind, EntryFields, ObservedCluster } from '../../../types.js'
import { compareText } from '../../normalize.js'

/**
 * Who holds what before and after a cluster's plan, per principal. The plan lists calls and
 * effects but not the access a principal keeps; the reviewer needs both sides, so the live
 * state (the same one the plan was made from) is projected through the plan's changes. Pure.
 */

/** The access-bearing part of an entry. */
export interface Access {
  readonly type: string
  readonly username?: string
  readonly kubernetesGroups: readonly string[]
  readonly accessPolicies: readonly AssociatedPolicy[]
}

export type Marker = 'escalation' | 'gap' | 'loss' | 'in-place' | 'other'

export interface PrincipalRow {
  readonly principalArn: string
  /** Undefined: no entry before the plan. */
  readonly before?: Access
  /** Undefined: no entry after the plan. */
  readonly after?: Access
  /** Ordered, most grave first; never empty. */
  readonly markers: readonly Marker[]
  readonly effects: readonly AccessEffect[]
  /** Set when the change happens because `expiresAt` passed. */
  readonly expiredAt?: string
  /** The ownership tag is added to an existing entry (`adopt: true`). */
  readonly adopted: boolean
}

const LOSSES: ReadonlySet<EffectKind> = new Set<EffectKind>([
  'cluster-admin-revoked',
  'access-removed',
  'scope-narrowed',
  'namespaces-removed',
  'policy-revoked',
  'groups-removed',
])

/** Entry-level calls first, so associations land on the entry they belong to. */
const APPLY_RANK: Readonly<Record<Change['action'], number>> = {
  delete: 0,
  replace: 1,
  create: 2,
  update: 3,
  disassociate: 4,
  associate: 5,
}

function fromFields(fields: EntryFields, accessPolicies: readonly AssociatedPolicy[] = []): Access {
  const base = { type: fields.type, kubernetesGroups: fields.kubernetesGroups, accessPolicies }
  return fields.username === undefined ? base : { ...base, username: fields.username }
}

function sortPolicies(policies: readonly AssociatedPolicy[]): AssociatedPolicy[] {
  return [...policies].sort((a, b) => compareText(a.policyArn, b.policyArn))
}

/** Applies one change to a principal's access. */
function applyChange(current: Access | undefined, change: Change): Access | undefined {
  switch (change.action) {
    case 'create':
    case 'replace':
      return fromFields(change.after)
    case 'delete':
      return undefined
    case 'update': {
      const cur = current ?? fromFields(change.before)
      // Tags alone change nothing a principal can do.
      return change.updateEntry ? fromFields(change.after, cur.accessPolicies) : cur
    }
    case 'associate': {
      const cur = current ?? { type: 'STANDARD', kubernetesGroups: [], accessPolicies: [] }
      const others = cur.accessPolicies.filter((p) => p.policyArn !== change.policyArn)
      return { ...cur, accessPolicies: sortPolicies([...others, { policyArn: change.policyArn, accessScope: change.accessScope }]) }
    }
    case 'disassociate':
      return current === undefined
        ? undefined
        : { ...current, accessPolicies: current.accessPolicies.filter((p) => p.policyArn !== change.policyArn) }
  }
}

/** What the live state says about a principal, or, without live state, what its changes say. */
function liveAccess(principalArn: string, changes: readonly Change[], observed: ObservedCluster | undefined): Access | undefined {
  if (observed !== undefined) {
    const e = observed.entries.find((x) => x.principalArn === principalArn)
    return e === undefined ? undefined : fromFields(e, sortPolicies(e.accessPolicies))
  }
  const first = changes.find((c) => c.action === 'update' || c.action === 'replace' || c.action === 'delete')
  if (first === undefined) return undefined
  // Without the live state only the calls are known: a deleted entry's policies, and the ones a call removes or moves.
  const policies = first.action === 'delete' ? first.accessPolicies : changes.flatMap(knownBeforePolicy)
  return fromFields(first.before, sortPolicies(policies))
}

function knownBeforePolicy(c: Change): AssociatedPolicy[] {
  if (c.action === 'disassociate') return [{ policyArn: c.policyArn, accessScope: c.accessScope }]
  if (c.action === 'associate' && c.previousScope !== undefined) return [{ policyArn: c.policyArn, accessScope: c.previousScope }]
  return []
}

function groupByPrincipal(changes: readonly Change[]): Map<string, Change[]> {
  const out = new Map<string, Change[]>()
  for (const c of changes) out.set(c.principalArn, [...(out.get(c.principalArn) ?? []), c])
  for (const list of out.values()) list.sort((a, b) => APPLY_RANK[a.action] - APPLY_RANK[b.action])
  return out
}

function markersOf(changes: readonly Change[], effects: readonly AccessEffect[]): Marker[] {
  const out: Marker[] = []
  if (effects.some((e) => e.escalation && e.kind !== 'access-gap')) out.push('escalation')
  if (changes.some((c) => c.action === 'replace') || effects.some((e) => e.kind === 'access-gap')) out.push('gap')
  if (effects.some((e) => LOSSES.has(e.kind))) out.push('loss')
  const inPlace = changes.some((c) => (c.action === 'associate' && c.inPlace) || (c.action === 'update' && c.updateEntry))
  if (inPlace) out.push('in-place')
  if (out.length === 0) out.push('other')
  return out
}

const MARKER_RANK: Readonly<Record<Marker, number>> = { escalation: 0, gap: 1, loss: 2, 'in-place': 3, other: 4 }

/** One row per principal that a change or an effect names: escalations first, then gaps, losses, the rest; by principal within. */
export function principalRows(cluster: ClusterPlan, observed: ObservedCluster | undefined): PrincipalRow[] {
  const byPrincipal = groupByPrincipal(cluster.changes)
  for (const e of cluster.effects) if (!byPrincipal.has(e.principalArn)) byPrincipal.set(e.principalArn, [])
  const rows: PrincipalRow[] = []
  for (const [principalArn, changes] of byPrincipal) {
    const before = liveAccess(principalArn, changes, observed)
    const after = changes.reduce<Access | undefined>(applyChange, before)
    const effects = cluster.effects.filter((e) => e.principalArn === principalArn)
    const expired = changes.find((c) => c.reason === 'expired')
    rows.push({
      principalArn,
      ...(before === undefined ? {} : { before }),
      ...(after === undefined ? {} : { after }),
      markers: markersOf(changes, effects),
      effects,
      ...(expired === undefined ? {} : { expiredAt: expired.expiresAt ?? '' }),
      adopted: changes.some((c) => c.action === 'update' && c.adopt),
    })
  }
  return rows.sort(
    (a, b) => MARKER_RANK[a.markers[0] ?? 'other'] - MARKER_RANK[b.markers[0] ?? 'other'] || compareText(a.principalArn, b.principalArn),
  )
}

/** Every entry of the cluster after the plan (managed or not), sorted by principal. */
export function entriesAfter(cluster: ClusterPlan, observed: ObservedCluster): { principalArn: string; access: Access }[] {
  const state = new Map<string, Access>(observed.entries.map((e) => [e.principalArn, fromFields(e, sortPolicies(e.accessPolicies))]))
  for (const [principalArn, changes] of groupByPrincipal(cluster.changes)) {
    const after = changes.reduce<Access | undefined>(applyChange, state.get(principalArn))
    if (after === undefined) state.delete(principalArn)
    else state.set(principalArn, after)
  }
  return [...state].sort(([a], [b]) => compareText(a, b)).map(([principalArn, access]) => ({ principalArn, access }))
}

export function isClusterAdmin(access: Access): boolean {
  return access.accessPolicies.some((p) => isClusterAdminPolicy(p.policyArn) && p.accessScope.type === 'cluster')
}
