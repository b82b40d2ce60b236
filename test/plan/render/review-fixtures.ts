import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { ObservedCluster, Plan, StateSnapshot } from '../../../src/types.js'

export const root = resolve(import.meta.dirname, '..', '..', '..')

/** The demo plan as committed (test/fixtures/plans/demo.json) and the snapshot it was planned from. */
export function demoInput(): { plan: Plan; observed: Map<string, ObservedCluster> } {
  const plan = JSON.parse(readFileSync(join(root, 'test', 'fixtures', 'plans', 'demo.json'), 'utf8')) as Plan
  const state = JSON.parse(readFileSync(join(root, 'examples', 'state.json'), 'utf8')) as StateSnapshot
  const observed = new Map<string, ObservedCluster>()
  for (const c of plan.clusters) {
    const found = state.clusters.find((s) => s.name === c.name && s.region === c.region && (s.accountId ?? c.accountId) === c.accountId)
    if (found !== undefined) observed.set(c.cluster, found)
  }
  return { plan, observed }
}
