import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { applyPlan } from '../../src/apply/apply-plan.js'
import { renderApplyMarkdown, renderApplyText } from '../../src/apply/render.js'
import type { PlanApplyResult } from '../../src/apply/types.js'
import { AwsCallError } from '../../src/aws/port.js'
import { compareWithReviewed } from '../../src/plan/marker.js'
import { expectGolden } from '../cli/golden.js'
import { OWNED, VIEW, EDIT, cluster, desired, desiredAdmin, liveAdmin, observed, policy, role } from '../plan/build.js'
import { FakeEksPort, virtualClock } from './fake-port.js'
import { buildPlanFromClusters } from './plan-helpers.js'

const golden = (name: string): string => join(import.meta.dirname, 'golden', name)

/** Three clusters: one with a failure (and a hostile error message), one refused, one applied with a reviewed-plan note. */
async function sample(): Promise<PlanApplyResult> {
  const hostile = 'role/team-<b>`x`|@org/admins*'
  const fakes = {
    prod: new FakeEksPort('prod', [liveAdmin(), observed(role('old'), { tags: { ...OWNED } })]),
    stage: new FakeEksPort('stage', [liveAdmin()]),
    lab: new FakeEksPort('lab', [liveAdmin()]),
  }
  fakes.prod.faults.push((c) =>
    c.op === 'AssociateAccessPolicy' && c.principalArn === role('b')
      ? new AwsCallError(
          'AssociateAccessPolicy',
          'AccessDeniedException',
          'User: arn:aws:sts::111122223333:assumed-role/apply/x is not authorized <script>|',
          403,
        )
      : undefined,
  )
  const built = buildPlanFromClusters([
    {
      cluster: cluster({ key: 'prod', name: 'prod' }),
      desired: [
        desiredAdmin(),
        desired(role('a'), { kubernetesGroups: ['readers'] }),
        desired(role('b'), { accessPolicies: [policy(VIEW, ['team-a', 'team-b'])] }),
        desired(role('c')),
      ],
      observed: fakes.prod.observed(),
    },
    {
      cluster: cluster({ key: 'stage', name: 'stage', allowNoClusterAdmin: true }),
      desired: [desired(role(hostile))],
      observed: fakes.stage.observed(),
    },
    {
      cluster: cluster({ key: 'lab', name: 'lab' }),
      desired: [desiredAdmin(), desired(role('x'), { accessPolicies: [policy(EDIT)] })],
      observed: [...fakes.lab.observed()],
    },
  ])
  const contexts = new Map(built.contexts)
  // apply is stricter than the plan for stage: no admin left → refused.
  contexts.set('stage', { ...(contexts.get('stage') as NonNullable<ReturnType<typeof contexts.get>>), allowNoClusterAdmin: false })
  const review = compareWithReviewed(built.plan, undefined)
  return applyPlan(
    { plan: built.plan, contexts, idempotencySeed: 'seed', review },
    { ...virtualClock(), apiFor: (c) => fakes[c.cluster as keyof typeof fakes] },
    { callConcurrency: 1 },
  )
}

describe('apply renderers', () => {
  it('text report (golden)', async () => {
    expectGolden(golden('sample.txt'), renderApplyText(await sample()))
  })

  it('Markdown job summary (golden)', async () => {
    expectGolden(golden('sample.md'), renderApplyMarkdown(await sample()))
  })

  it('escapes untrusted values in Markdown: no HTML, no table break, no mention', async () => {
    const md = renderApplyMarkdown(await sample())
    expect(md).not.toContain('<script>')
    expect(md).not.toContain('<b>')
    // outside <code> (where GitHub makes no mentions) every @ is defused
    expect(md.replace(/<code>[^<]*<\/code>/g, '')).not.toMatch(/@(?!&#8203;)/)
    for (const row of md.split('\n').filter((l) => l.startsWith('| '))) expect(row.split(/(?<!\\)\|/).length).toBe(7)
  })

  it('always lists failed rows, cuts the rest and counts it', async () => {
    const text = renderApplyText(await sample(), { maxRowsPerCluster: 1 })
    expect(text).toContain('failed         associate')
    expect(text).toMatch(/… and \d+ more \(counted above\)/)
  })
})
