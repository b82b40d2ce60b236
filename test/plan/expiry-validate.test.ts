import { describe, expect, it } from 'vitest'
import { buildPlan } from '../../src/plan/plan.js'
import { forPlanOutcome } from '../../src/rules/eks/expiry.js'
import { validateSources } from '../../src/manifest/validate.js'
import type { ObservedCluster, PlanError, Result } from '../../src/types.js'
import { ADMIN, OWNED, VIEW, live, observed, policy, role } from './build.js'

/**
 * Issue 12: once an expiresAt is in the past, validate fails (expiry:expired, an error), but plan,
 * apply and drift must still plan, treat the access as absent and only warn. This is the sequence
 * the plan command runs: validate → forPlanOutcome → buildPlan.
 */
const NOW = new Date('2026-11-15T12:00:00Z')
const MANIFEST = `version: 1
clusters:
  prod: { region: eu-west-1, accountId: "111122223333" }
accessEntries:
  - principalArn: arn:aws:iam::111122223333:role/admins
    accessPolicies:
      - policyArn: AmazonEKSClusterAdminPolicy
        accessScope: { type: cluster }
  - principalArn: arn:aws:iam::111122223333:role/contractor
    expiresAt: "2026-11-14"
    accessPolicies:
      - policyArn: AmazonEKSViewPolicy
        accessScope: { type: cluster }
  - principalArn: arn:aws:iam::111122223333:role/dev
    accessPolicies:
      - policyArn: AmazonEKSViewPolicy
        accessScope: { type: cluster }
        expiresAt: "2026-11-18T09:00:00+01:00"
`

describe('a past expiresAt in plan', () => {
  const ctx = { now: NOW, expiryWarningDays: 7 }
  const validated = validateSources([{ file: 'eks-access.yaml', text: MANIFEST }], ctx)

  it('is an error for validate', () => {
    expect(validated.ok).toBe(false)
    expect(validated.problems.filter((p) => p.severity === 'error').map((p) => [p.code, p.line])).toEqual([['expiry:expired', 10]])
  })

  it('is a warning for plan, which plans the removal and does not fail', () => {
    const forPlan = forPlanOutcome(validated, ctx)
    expect(forPlan.ok).toBe(true)
    expect(forPlan.problems.map((p) => [p.severity, p.code, p.line, p.column])).toEqual([
      ['warning', 'expiry:expired', 10, 16],
      ['warning', 'expiry:soon', 18, 20],
    ])
    expect(forPlan.problems[0]?.message).toBe(
      'access for "arn:aws:iam::111122223333:role/contractor" expired on 2026-11-15T00:00:00Z (expiresAt "2026-11-14"); access removed by the next apply; delete the entry from the manifest',
    )
    const state = live([
      observed(role('admins'), { tags: OWNED, accessPolicies: [policy(ADMIN)] }),
      observed(role('contractor'), { tags: OWNED, accessPolicies: [policy(VIEW)] }),
      observed(role('dev'), { tags: OWNED, accessPolicies: [policy(VIEW)] }),
    ])
    const plan = buildPlan({
      manifest: forPlan.manifest,
      observed: new Map<string, Result<ObservedCluster, PlanError>>([['prod', { ok: true, value: state }]]),
      now: NOW,
      problems: forPlan.problems,
      expiryWarningDays: 7,
    })
    expect(plan.clusters[0]?.errors).toEqual([])
    expect(plan.clusters[0]?.changes).toMatchObject([
      { action: 'delete', principalArn: role('contractor'), reason: 'expired', expiresAt: '2026-11-14' },
    ])
    expect(plan.clusters[0]?.expiring).toEqual([
      { principalArn: role('dev'), policyArn: VIEW, expiresAt: '2026-11-18T09:00:00+01:00', endsAt: '2026-11-18T08:00:00Z' },
    ])
  })
})
