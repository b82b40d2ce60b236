import type { ApiCall } from '../plan/order.js'
import type { AccessScope, ClusterPlan } from '../types.js'

/**
 * The ordered calls of one cluster (`orderActions`) grouped into steps. Steps run one after the
 * other; the lanes of a step run in parallel (bounded); the calls of a lane run in order.
 *
 * The steps follow orderActions' documented phases exactly (and `groupSteps` refuses if they ever
 * disagree, so order.ts stays the one place that decides sequence):
 *
 *   mode-first  the step to API_AND_CONFIG_MAP (then wait for it): no access-entry call works before it
 *   grant       per new principal one lane [create, its associations]; every other widening or new
 *               association on an existing entry its own lane (re-scopes in place, no gap)
 *   update      per principal one lane [UpdateAccessEntry, TagResource]
 *   replace     per principal one lane [delete, create, associations] (type change: a gap for that
 *               principal only, so it comes after every other grant)
 *   revoke      narrowing re-scopes and disassociations, one lane each
 *   delete      deletes, one lane each
 *   mode-last   the step to API (turns the aws-auth ConfigMap off once every entry exists)
 *
 * This refines the issue's "creates → updates → associations → disassociations → deletes": the
 * associations of a new entry ride in its create's lane (no step-wide barrier between a create and
 * its policies), updates come after the grants, and a narrowing re-scope waits with the removals.
 */

export type StepKind = 'mode-first' | 'grant' | 'update' | 'replace' | 'revoke' | 'delete' | 'mode-last'

export const STEP_ORDER: readonly StepKind[] = ['mode-first', 'grant', 'update', 'replace', 'revoke', 'delete', 'mode-last']

/** Steps that take access away: the lockout re-check runs before the first of them that has calls. */
export const REMOVAL_STEPS: ReadonlySet<StepKind> = new Set<StepKind>(['replace', 'revoke', 'delete'])

export interface Step {
  readonly kind: StepKind
  readonly lanes: readonly (readonly ApiCall[])[]
}

export type GroupResult = { readonly ok: true; readonly steps: Step[] } | { readonly ok: false; readonly message: string }

export function groupSteps(plan: ClusterPlan, calls: readonly ApiCall[]): GroupResult {
  const replaced = new Set(plan.changes.filter((c) => c.action === 'replace').map((c) => c.principalArn))
  const created = new Set(calls.filter((c) => c.call === 'createAccessEntry' && !replaced.has(c.principalArn)).map((c) => principalOf(c)))
  const lanes = new Map<StepKind, Map<string, ApiCall[]>>(STEP_ORDER.map((k) => [k, new Map()]))
  let previous = 0
  for (const [i, call] of calls.entries()) {
    const kind = stepOf(call, plan, replaced)
    const rank = STEP_ORDER.indexOf(kind)
    if (rank < previous) {
      return {
        ok: false,
        message: `call ${i + 1} (${call.call}) belongs to step ${kind}, after a call of step ${STEP_ORDER[previous] ?? '?'}`,
      }
    }
    previous = rank
    const p = principalOf(call)
    // One lane per principal where its calls depend on each other; one lane per call otherwise.
    const sharedLane = kind === 'update' || kind === 'replace' || (kind === 'grant' && created.has(p))
    const laneKey = sharedLane ? `p:${p}` : `c:${i}`
    const step = lanes.get(kind) as Map<string, ApiCall[]>
    step.set(laneKey, [...(step.get(laneKey) ?? []), call])
  }
  const steps = STEP_ORDER.map((kind) => ({ kind, lanes: [...(lanes.get(kind) as Map<string, ApiCall[]>).values()] })).filter(
    (s) => s.lanes.length > 0,
  )
  return { ok: true, steps }
}

function principalOf(call: ApiCall): string {
  return call.call === 'updateAuthenticationMode' ? '' : call.principalArn
}

function stepOf(call: ApiCall, plan: ClusterPlan, replaced: ReadonlySet<string>): StepKind {
  if (call.call === 'updateAuthenticationMode') return call.to === 'API' ? 'mode-last' : 'mode-first'
  if (replaced.has(call.principalArn)) return 'replace'
  switch (call.call) {
    case 'createAccessEntry':
      return 'grant'
    case 'associateAccessPolicy': {
      const change = plan.changes[call.change]
      const previous = change?.action === 'associate' ? change.previousScope : undefined
      return isNarrowing(previous, call.accessScope) ? 'revoke' : 'grant'
    }
    case 'updateAccessEntry':
    case 'tagResource':
      return 'update'
    case 'disassociateAccessPolicy':
      return 'revoke'
    case 'deleteAccessEntry':
      return 'delete'
  }
}

/** Same rule as order.ts: a re-scope that takes some access away. */
export function isNarrowing(previous: AccessScope | undefined, next: AccessScope): boolean {
  if (previous === undefined || next.type === 'cluster') return false
  if (previous.type === 'cluster') return true
  return previous.namespaces.some((n) => !next.namespaces.includes(n))
}
