import { describe, expect, it } from 'vitest'
import { applyCluster, operationOf } from '../../src/apply/engine.js'
import { applyPlan, paceGroups } from '../../src/apply/apply-plan.js'
import type { ApplyOptions, ClusterApplyInput, ItemResult } from '../../src/apply/types.js'
import { AwsCallError } from '../../src/aws/port.js'
import { planCluster } from '../../src/plan/diff.js'
import { orderActions, type ApiCall } from '../../src/plan/order.js'
import type { ClusterReview } from '../../src/plan/marker.js'
import { buildPlanFromClusters } from './plan-helpers.js'
import type { AuthenticationMode, DesiredEntry, ManifestCluster, ObservedEntry } from '../../src/types.js'
import {
  ADMIN,
  ADMIN_ROLE,
  EDIT,
  OWNED,
  VIEW,
  cluster,
  desired,
  desiredAdmin,
  live,
  liveAdmin,
  observed,
  policy,
  role,
} from '../plan/build.js'
import { FakeEksPort, virtualClock, type LoggedCall } from './fake-port.js'

const short = (c: LoggedCall): string =>
  [c.op, c.principalArn?.split('/').pop(), c.policyArn?.split('/').pop()].filter((x) => x !== undefined).join(' ')

const shortCall = (c: ApiCall): string => {
  return [
    operationOf(c),
    'principalArn' in c ? c.principalArn.split('/').pop() : undefined,
    'policyArn' in c ? c.policyArn.split('/').pop() : undefined,
  ]
    .filter((x) => x !== undefined)
    .join(' ')
}

const line = (i: ItemResult): string => {
  const s = i.subject
  const what =
    s.kind === 'authentication-mode'
      ? `mode ${s.to}`
      : `${s.change.action} ${s.change.principalArn.split('/').pop() ?? ''}${'policyArn' in s.change ? ` ${s.change.policyArn.split('/').pop() ?? ''}` : ''}`
  const how = i.status === 'failed' ? ` ${i.error?.code ?? ''}` : i.status === 'not-attempted' ? ` (${i.reason ?? ''})` : ''
  return `${i.status}: ${what}${how}`
}

interface Setup {
  fake: FakeEksPort
  input: ClusterApplyInput
  clock: ReturnType<typeof virtualClock>
  run: (opts?: ApplyOptions) => ReturnType<typeof applyCluster>
}

function setup(
  want: readonly DesiredEntry[],
  have: readonly ObservedEntry[],
  over: { cluster?: Partial<ManifestCluster>; mode?: AuthenticationMode; input?: Partial<ClusterApplyInput> } = {},
): Setup {
  const c = cluster(over.cluster)
  const fake = new FakeEksPort(c.name, have, over.mode ?? 'API')
  const clock = virtualClock()
  const plan = planCluster({ cluster: c, desired: want, expired: [], observed: live(fake.observed(), { authenticationMode: fake.mode }) })
  const input: ClusterApplyInput = {
    plan,
    observed: fake.observed(),
    allowNoClusterAdmin: c.allowNoClusterAdmin,
    adopt: c.adopt,
    idempotencySeed: 'commit-1',
    ...over.input,
  }
  return { fake, input, clock, run: (opts) => applyCluster(input, { api: fake, now: clock.now, sleep: clock.sleep }, opts) }
}

/** Re-plans against the fake's state: what a second run would do. */
function replan(s: Setup, want: readonly DesiredEntry[], c: Partial<ManifestCluster> = {}): ClusterApplyInput {
  const m = cluster(c)
  const plan = planCluster({
    cluster: m,
    desired: want,
    expired: [],
    observed: live(s.fake.observed(), { authenticationMode: s.fake.mode }),
  })
  return { ...s.input, plan, observed: s.fake.observed() }
}

const onCall = (op: string, principal: string, error: () => AwsCallError, times = Infinity) => {
  let n = 0
  return (c: LoggedCall): AwsCallError | undefined => {
    if (c.op !== op || c.principalArn !== principal || n >= times) return undefined
    n += 1
    return error()
  }
}

const invalidPrincipal = (): AwsCallError =>
  new AwsCallError('CreateAccessEntry', 'InvalidParameterException', 'The specified principalArn is invalid: invalid principal.', 400)
const denied = (op: string) => (): AwsCallError => new AwsCallError(op, 'AccessDeniedException', 'not allowed', 403)

/** The old admin goes, a new one comes, one of everything else. */
function everything(): { want: DesiredEntry[]; have: ObservedEntry[] } {
  return {
    want: [
      desired(role('new-admin'), { accessPolicies: [policy(ADMIN)] }),
      desired(role('grow'), { accessPolicies: [policy(EDIT)] }),
      desired(role('groups'), { kubernetesGroups: ['g'], tags: { t: '1' } }),
      desired(role('swap'), { accessPolicies: [policy(VIEW)] }),
      desired(role('shrink'), { accessPolicies: [] }),
      desired(role('narrow'), { accessPolicies: [policy(EDIT, ['a'])] }),
    ],
    have: [
      observed(role('old-admin'), { tags: { ...OWNED }, accessPolicies: [policy(ADMIN)] }),
      observed(role('grow'), { tags: { ...OWNED }, accessPolicies: [policy(EDIT, ['a'])] }),
      observed(role('groups'), { tags: { ...OWNED }, username: 'u' }),
      observed(role('swap'), { type: 'EC2_LINUX', tags: { ...OWNED } }),
      observed(role('shrink'), { tags: { ...OWNED }, accessPolicies: [policy(VIEW)] }),
      observed(role('narrow'), { tags: { ...OWNED }, accessPolicies: [policy(EDIT)] }),
    ],
  }
}

describe('applyCluster: order', () => {
  it('makes the calls in orderActions order, the lockout re-check right before the first removal', async () => {
    const { want, have } = everything()
    const s = setup(want, have)
    const r = await s.run({ callConcurrency: 1 })
    expect(r.status).toBe('applied')
    expect(s.fake.mutating().map(short)).toEqual(orderActions(s.input.plan).map(shortCall))
    expect(s.fake.log.map(short)).toEqual([
      'AssociateAccessPolicy grow AmazonEKSEditPolicy',
      'CreateAccessEntry new-admin',
      'AssociateAccessPolicy new-admin AmazonEKSClusterAdminPolicy',
      'UpdateAccessEntry groups',
      'TagResource groups',
      // re-check: the long-standing admin is being deleted, so the new one is confirmed live
      'DescribeAccessEntry new-admin',
      'ListAssociatedAccessPolicies new-admin',
      'DeleteAccessEntry swap',
      'CreateAccessEntry swap',
      'AssociateAccessPolicy swap AmazonEKSViewPolicy',
      'AssociateAccessPolicy narrow AmazonEKSEditPolicy',
      'DisassociateAccessPolicy shrink AmazonEKSViewPolicy',
      'DeleteAccessEntry old-admin',
    ])
    expect(r.counts).toEqual({ applied: r.items.length, failed: 0, notAttempted: 0 })
  })

  it.each([
    ['to API_AND_CONFIG_MAP: first, then waits for the update', 'CONFIG_MAP' as const, 'API_AND_CONFIG_MAP' as const],
    ['to API: last, after every entry exists', 'API_AND_CONFIG_MAP' as const, 'API' as const],
  ])('authentication-mode step %s', async (_name, from, to) => {
    const s = setup([desiredAdmin()], from === 'CONFIG_MAP' ? [] : [], { mode: from, cluster: { authenticationMode: to } })
    s.fake.updatePolls = 2
    const r = await s.run({ callConcurrency: 1 })
    expect(r.status).toBe('applied')
    const ops = s.fake.log.map(short)
    const create = ops.indexOf(`CreateAccessEntry ${ADMIN_ROLE.split('/').pop() ?? ''}`)
    const mode = ops.indexOf('UpdateClusterConfig')
    expect(to === 'API' ? mode > create : mode < create).toBe(true)
    expect(ops.filter((o) => o === 'DescribeUpdate')).toHaveLength(3)
    expect(s.clock.sleeps).toEqual([10_000, 10_000])
    expect(s.fake.mode).toBe(to)
    expect(r.items[0]?.subject).toEqual({ kind: 'authentication-mode', from, to })
  })

  it('sends a deterministic clientRequestToken on creates, updates and the mode step', async () => {
    const tokens = async (): Promise<(string | undefined)[]> => {
      const s = setup([desiredAdmin(), desired(role('a'), { kubernetesGroups: ['x'] })], [observed(role('a'), { tags: { ...OWNED } })], {
        mode: 'API_AND_CONFIG_MAP',
        cluster: { authenticationMode: 'API' },
      })
      await s.run()
      return s.fake
        .mutating()
        .filter((c) => c.op !== 'AssociateAccessPolicy')
        .map((c) => c.token)
    }
    const first = await tokens()
    expect(first).toHaveLength(3)
    expect(first.every((t) => t !== undefined && /^[0-9a-f-]{36}$/.test(t))).toBe(true)
    expect(new Set(first).size).toBe(3)
    expect(await tokens()).toEqual(first)
  })
})

describe('applyCluster: converges', () => {
  it('a second apply over the resulting state makes no mutating call', async () => {
    const { want, have } = everything()
    const s = setup(want, have, { mode: 'API_AND_CONFIG_MAP', cluster: { authenticationMode: 'API' } })
    expect((await s.run()).status).toBe('applied')
    const again = replan(s, want, { authenticationMode: 'API' })
    expect(again.plan.changes).toEqual([])
    const before = s.fake.mutating().length
    const r = await applyCluster(again, { api: s.fake, ...s.clock })
    expect(r.status).toBe('unchanged')
    expect(r.mutatingCalls).toBe(0)
    expect(s.fake.mutating().length).toBe(before)
  })

  it('a mode step that already went through (re-run with the old plan) is confirmed, not failed', async () => {
    const s = setup([desiredAdmin()], [liveAdmin()], { mode: 'API_AND_CONFIG_MAP', cluster: { authenticationMode: 'API' } })
    s.fake.mode = 'API'
    const r = await s.run()
    expect(r.items.map(line)).toEqual(['applied: mode API'])
    expect(r.items[0]?.detail).toBe('already API')
  })
})

describe('applyCluster: parallel within a step', () => {
  it.each([1, 4, 10])('keeps at most %i calls in flight', async (bound) => {
    const want = [desiredAdmin(), ...Array.from({ length: 30 }, (_, i) => desired(role(`r${String(i).padStart(2, '0')}`)))]
    const s = setup(want, [liveAdmin()])
    const r = await s.run({ callConcurrency: bound })
    expect(r.counts.applied).toBe(30)
    expect(s.fake.maxInFlight).toBe(bound)
  })
})

describe('applyCluster: stops at the first failed call', () => {
  const want = [desiredAdmin(), ...['a', 'b', 'c', 'd'].map((n) => desired(role(n), { accessPolicies: [policy(VIEW)] }))]
  const have = [liveAdmin(), observed(role('old'), { tags: { ...OWNED } })]

  it('one at a time: exactly what was applied, what failed, what was not attempted', async () => {
    const s = setup(want, have)
    s.fake.faults.push(onCall('CreateAccessEntry', role('c'), denied('CreateAccessEntry')))
    const r = await s.run({ callConcurrency: 1 })
    expect(r.status).toBe('failed')
    expect(r.items.map(line)).toEqual([
      'applied: create a',
      'applied: associate a AmazonEKSViewPolicy',
      'applied: create b',
      'applied: associate b AmazonEKSViewPolicy',
      'failed: create c AccessDeniedException',
      'not-attempted: associate c AmazonEKSViewPolicy (stopped-after-failure)',
      'not-attempted: create d (stopped-after-failure)',
      'not-attempted: associate d AmazonEKSViewPolicy (stopped-after-failure)',
      'not-attempted: delete old (stopped-after-failure)',
    ])
    expect(r.items[4]?.error).toEqual({ operation: 'CreateAccessEntry', code: 'AccessDeniedException', message: 'not allowed' })
    expect(r.counts).toEqual({ applied: 4, failed: 1, notAttempted: 4 })
    expect(s.fake.mutating().map(short)).not.toContain('DeleteAccessEntry old')
  })

  it('in parallel: calls in flight finish, nothing later starts', async () => {
    const s = setup(want, have)
    s.fake.faults.push(onCall('CreateAccessEntry', role('a'), denied('CreateAccessEntry')))
    const r = await s.run({ callConcurrency: 2 })
    // a and b start together; a fails; b's create was in flight and finishes; b's association is later: not started.
    expect(r.items.map(line)).toEqual([
      'failed: create a AccessDeniedException',
      'not-attempted: associate a AmazonEKSViewPolicy (stopped-after-failure)',
      'applied: create b',
      'not-attempted: associate b AmazonEKSViewPolicy (stopped-after-failure)',
      'not-attempted: create c (stopped-after-failure)',
      'not-attempted: associate c AmazonEKSViewPolicy (stopped-after-failure)',
      'not-attempted: create d (stopped-after-failure)',
      'not-attempted: associate d AmazonEKSViewPolicy (stopped-after-failure)',
      'not-attempted: delete old (stopped-after-failure)',
    ])
  })

  it('a re-run after the failure converges, then a third run makes no mutating call', async () => {
    const s = setup(want, have)
    s.fake.faults.push(onCall('CreateAccessEntry', role('c'), denied('CreateAccessEntry'), 1))
    expect((await s.run({ callConcurrency: 3 })).status).toBe('failed')
    const second = await applyCluster(replan(s, want), { api: s.fake, ...s.clock })
    expect(second.status).toBe('applied')
    const before = s.fake.mutating().length
    const third = await applyCluster(replan(s, want), { api: s.fake, ...s.clock })
    expect(third.status).toBe('unchanged')
    expect(third.mutatingCalls).toBe(0)
    expect(s.fake.mutating().length).toBe(before)
  })
})

describe('applyCluster: idempotent and converging', () => {
  it('a create that meets an existing entry (409) reconciles it', async () => {
    const s = setup([desiredAdmin(), desired(role('late'), { kubernetesGroups: ['g'], tags: { team: 'x' } })], [liveAdmin()])
    // Someone made the entry after the plan was read, untagged and without the group.
    s.fake.put(observed(role('late'), { username: 'u' }))
    const r = await s.run()
    expect(r.status).toBe('applied')
    expect(r.items.map(line)).toEqual(['applied: create late'])
    expect(r.items[0]?.detail).toBe('already existed: reconciled (groups and username updated, tags set)')
    const e = s.fake.observed().find((x) => x.principalArn === role('late'))
    expect(e?.kubernetesGroups).toEqual(['g'])
    // Not ours and no adopt: the manifest's tags, not the ownership tag.
    expect(e?.tags).toEqual({ team: 'x' })
  })

  it('a 409 on an entry of another type fails (a type cannot change in place)', async () => {
    const s = setup([desiredAdmin(), desired(role('late'))], [liveAdmin()])
    s.fake.put(observed(role('late'), { type: 'EC2_LINUX' }))
    const r = await s.run()
    expect(r.items.map(line)).toEqual(['failed: create late ResourceInUseException'])
  })

  it('a delete or disassociate that finds nothing (404) is done', async () => {
    const s = setup(
      [desiredAdmin(), desired(role('keep'))],
      [
        liveAdmin(),
        observed(role('gone'), { tags: { ...OWNED } }),
        observed(role('keep'), { tags: { ...OWNED }, accessPolicies: [policy(VIEW)] }),
      ],
    )
    s.fake.entries.delete(role('gone'))
    s.fake.entries.get(role('keep'))?.policies.clear()
    const r = await s.run()
    expect(r.items.map(line)).toEqual(['applied: delete gone', 'applied: disassociate keep AmazonEKSViewPolicy'])
    expect(r.items.map((i) => i.detail)).toEqual(['already gone', 'already gone'])
  })

  it('"principalArn is invalid" right after the IAM principal was made: retried with backoff, then applied', async () => {
    const s = setup([desiredAdmin(), desired(role('fresh'), { accessPolicies: [policy(VIEW)] })], [liveAdmin()])
    s.fake.faults.push(onCall('CreateAccessEntry', role('fresh'), invalidPrincipal, 3))
    // And the new entry is not yet visible to the association once.
    s.fake.faults.push(
      onCall(
        'AssociateAccessPolicy',
        role('fresh'),
        () => new AwsCallError('AssociateAccessPolicy', 'ResourceNotFoundException', 'The specified principalArn could not be found.', 404),
        1,
      ),
    )
    const r = await s.run()
    expect(r.items.map(line)).toEqual(['applied: create fresh', 'applied: associate fresh AmazonEKSViewPolicy'])
    expect(s.clock.sleeps).toEqual([1_000, 2_000, 4_000, 1_000])
    const tokens = s.fake.log.filter((c) => c.op === 'CreateAccessEntry').map((c) => c.token)
    expect(new Set(tokens).size).toBe(4)
  })

  it('gives up after two minutes of (virtual) time and reports the error', async () => {
    const s = setup([desiredAdmin(), desired(role('never'))], [liveAdmin()])
    s.fake.faults.push(onCall('CreateAccessEntry', role('never'), invalidPrincipal))
    const r = await s.run()
    expect(r.items.map(line)).toEqual(['failed: create never InvalidParameterException'])
    expect(r.items[0]?.error?.message).toMatch(
      /^The specified principalArn is invalid: invalid principal\. \(still failing after \d+ attempts over \d+ s\)$/,
    )
    const total = s.clock.sleeps.reduce((a, b) => a + b, 0)
    expect(total).toBeLessThanOrEqual(120_000)
    expect(total).toBeGreaterThan(100_000)
    expect(s.clock.sleeps.every((ms) => ms <= 16_000)).toBe(true)
  })

  it('does not retry "principal not found" on an existing entry (no create in its lane)', async () => {
    const s = setup(
      [desiredAdmin(), desired(role('old'), { accessPolicies: [policy(VIEW)] })],
      [liveAdmin(), observed(role('old'), { tags: { ...OWNED } })],
    )
    s.fake.entries.delete(role('old'))
    const r = await s.run()
    expect(r.items.map(line)).toEqual(['failed: associate old AmazonEKSViewPolicy ResourceNotFoundException'])
    expect(s.clock.sleeps).toEqual([])
  })
})

describe('applyCluster: safety before the first mutating call', () => {
  it('refuses the whole cluster when the applied state would hold no cluster admin', async () => {
    // The plan itself allowed it (allowNoClusterAdmin on the manifest), apply is told not to.
    const s = setup([desired(role('a'))], [liveAdmin()], { cluster: { allowNoClusterAdmin: true }, input: { allowNoClusterAdmin: false } })
    expect(s.input.plan.errors).toEqual([])
    const r = await s.run()
    expect(r.status).toBe('refused')
    expect(r.problems.map((p) => p.code)).toEqual(['no-cluster-admin'])
    expect(r.items.map(line)).toEqual([
      'not-attempted: create a (cluster-refused)',
      'not-attempted: delete platform-admins (cluster-refused)',
    ])
    expect(s.fake.log).toEqual([])
  })

  it('unowned admin entries count; allowNoClusterAdmin lets it through', async () => {
    const unownedAdmin = observed(role('creator'), { accessPolicies: [policy(ADMIN)] })
    const counted = setup([desired(role('a'))], [unownedAdmin])
    expect((await counted.run()).status).toBe('applied')
    const allowed = setup([desired(role('a'))], [liveAdmin()], { cluster: { allowNoClusterAdmin: true } })
    expect((await allowed.run()).status).toBe('applied')
  })

  it('an admin policy on a non-STANDARD entry does not count', async () => {
    const s = setup([desired(role('a'))], [liveAdmin(), observed(role('auto'), { type: 'EC2', accessPolicies: [policy(ADMIN)] })], {
      cluster: { allowNoClusterAdmin: true },
      input: { allowNoClusterAdmin: false },
    })
    expect((await s.run()).status).toBe('refused')
    expect(s.fake.log).toEqual([])
  })

  it('refuses on plan errors, with no call', async () => {
    const s = setup([desired(role('a'))], [liveAdmin()])
    expect(s.input.plan.errors.map((e) => e.code)).toEqual(['no-cluster-admin'])
    const r = await s.run()
    expect(r.status).toBe('refused')
    expect(s.fake.log).toEqual([])
  })

  it.each([
    ['a system: group', desired(role('bad'), { kubernetesGroups: ['system:masters'] })],
    ['a reserved username', desired(role('bad'), { username: 'eks:me' })],
    ['an assumed-role session', desired('arn:aws:sts::111122223333:assumed-role/x/s')],
    ['a namespace scope without namespaces', desired(role('bad'), { accessPolicies: [policy(VIEW, [])] })],
  ])('refuses the whole cluster for a malformed call (%s), before any call', async (_n, bad) => {
    const s = setup([desiredAdmin(), desired(role('good')), bad], [liveAdmin()])
    const r = await s.run()
    expect(r.status).toBe('refused')
    expect(r.problems[0]?.code).toBe('malformed-call')
    expect(s.fake.log).toEqual([])
  })
})

describe('applyCluster: lockout re-check on fresh state before the first removal', () => {
  const want = [desired(role('new-admin'), { accessPolicies: [policy(ADMIN)] })]
  const have = [observed(role('old-admin'), { tags: { ...OWNED }, accessPolicies: [policy(ADMIN)] })]

  it('does not delete when the new admin is not confirmed live', async () => {
    const s = setup(want, have)
    // Someone takes the new admin's policy away between the grant and the delete.
    s.fake.faults.push((c, fake) => {
      if (c.op === 'DescribeAccessEntry') fake.entries.get(role('new-admin'))?.policies.clear()
      return undefined
    })
    const r = await s.run()
    expect(r.status).toBe('failed')
    expect(r.problems.map((p) => p.code)).toEqual(['no-cluster-admin-live'])
    expect(r.items.map(line)).toEqual([
      'applied: create new-admin',
      'applied: associate new-admin AmazonEKSClusterAdminPolicy',
      'not-attempted: delete old-admin (lockout-recheck)',
    ])
    expect(s.fake.mutating().map(short)).not.toContain('DeleteAccessEntry old-admin')
  })

  it('waits for a just-granted admin to show (eventual consistency), then deletes', async () => {
    const s = setup(want, have)
    let reads = 0
    s.fake.faults.push((c) => {
      if (c.op === 'DescribeAccessEntry' && ++reads <= 2)
        return new AwsCallError('DescribeAccessEntry', 'ResourceNotFoundException', 'The specified principalArn could not be found.', 404)
      return undefined
    })
    const r = await s.run()
    expect(r.status).toBe('applied')
    expect(s.clock.sleeps).toEqual([1_000, 2_000])
  })

  it('makes no re-read when nothing is removed, or with allowNoClusterAdmin', async () => {
    const s = setup([desiredAdmin(), desired(role('a'))], [liveAdmin()])
    await s.run()
    expect(s.fake.log.filter((c) => !c.op.startsWith('Create') && !c.op.startsWith('Associate'))).toEqual([])
  })
})

describe('applyCluster: the reviewed plan', () => {
  it('skips an unreviewed deletion and escalation, applies an unreviewed tag change, reports all', async () => {
    const s = setup(
      [desiredAdmin(), desired(role('tagged'), { tags: { team: 'x' } }), desired(role('new'), { accessPolicies: [policy(EDIT)] })],
      [liveAdmin(), observed(role('tagged'), { tags: { ...OWNED } }), observed(role('stray'), { tags: { ...OWNED } })],
    )
    const plan = s.input.plan
    const idx = (action: string, p: string): number => plan.changes.findIndex((c) => c.action === action && c.principalArn === role(p))
    const review: ClusterReview = {
      cluster: plan.cluster,
      status: 'differs',
      unexpected: [
        { index: idx('delete', 'stray'), change: plan.changes[idx('delete', 'stray')]!, decision: 'skip', why: 'deletion' },
        { index: idx('create', 'new'), change: plan.changes[idx('create', 'new')]!, decision: 'skip', why: 'escalation: new access entry' },
        { index: idx('update', 'tagged'), change: plan.changes[idx('update', 'tagged')]!, decision: 'apply', why: 'tags set' },
      ],
    }
    const r = await applyCluster({ ...s.input, review }, { api: s.fake, ...s.clock })
    expect(r.status).toBe('applied')
    expect(r.items.map((i) => `${line(i)}${i.unreviewed === true ? ' [unreviewed]' : ''}`)).toEqual([
      'not-attempted: create new (unreviewed) [unreviewed]',
      'not-attempted: associate new AmazonEKSEditPolicy (unreviewed)',
      'not-attempted: delete stray (unreviewed) [unreviewed]',
      'applied: update tagged [unreviewed]',
    ])
    expect(r.items[1]?.detail).toBe('depends on the entry change that was skipped as unreviewed')
    expect(s.fake.mutating().map(short)).toEqual(['TagResource tagged'])
    expect(r.notes).toEqual([
      "3 changes were not in the reviewed plan: 2 skipped (the next pull request's plan shows them for review), 1 applied, and 1 more skipped because it depends on a skipped change.",
    ])
  })
})

describe('applyPlan', () => {
  it('applies clusters in parallel with a bound; one failing cluster does not stop the others', async () => {
    const keys = ['a', 'b', 'c', 'd', 'e']
    const fakes = new Map(keys.map((k) => [k, new FakeEksPort(k, [liveAdmin()])]))
    const built = buildPlanFromClusters(
      keys.map((k) => ({
        cluster: cluster({ key: k, name: k }),
        desired: [desiredAdmin(), desired(role('x'))],
        observed: fakes.get(k)!.observed(),
      })),
    )
    fakes.get('b')!.faults.push(onCall('CreateAccessEntry', role('x'), denied('CreateAccessEntry')))
    let active = 0
    let peak = 0
    const clock = virtualClock()
    const r = await applyPlan(
      { plan: built.plan, contexts: built.contexts, idempotencySeed: 's' },
      {
        ...clock,
        apiFor: async (c) => {
          if (c.cluster === 'd') throw new AwsCallError('AssumeRoleWithWebIdentity', 'AccessDenied', 'not trusted', 403)
          active += 1
          peak = Math.max(peak, active)
          const fake = fakes.get(c.cluster)!
          // count a cluster as active until its first call returns
          await fake.describeCluster(c.name)
          active -= 1
          return fake
        },
      },
      { clusterConcurrency: 2 },
    )
    expect(r.clusters.map((c) => `${c.cluster}: ${c.status}`)).toEqual(['a: applied', 'b: failed', 'c: applied', 'd: failed', 'e: applied'])
    expect(r.clusters[3]?.problems[0]?.message).toBe('no credentials for cluster d: not trusted')
    expect(r.exitCode).toBe(1)
    expect(r.ok).toBe(false)
    expect(r.counts).toEqual({ applied: 3, failed: 1, notAttempted: 1 })
    expect(peak).toBeLessThanOrEqual(2)
  })

  it('bounds clusters per account and region: another account or region never waits for a full bound', async () => {
    const specs = [
      { key: 'a1', over: {} },
      { key: 'a2', over: {} },
      { key: 'b1', over: { accountId: '444455556666' } },
      { key: 'c1', over: { region: 'us-east-1' } },
    ]
    const fakes = new Map(specs.map((s) => [s.key, new FakeEksPort(s.key, [liveAdmin()])]))
    const built = buildPlanFromClusters(
      specs.map((s) => ({
        cluster: cluster({ key: s.key, name: s.key, ...s.over }),
        desired: [desiredAdmin(), desired(role('x'))],
        observed: fakes.get(s.key)!.observed(),
      })),
    )
    const started: string[] = []
    let seenWhileA1Held: string[] = []
    const r = await applyPlan(
      { plan: built.plan, contexts: built.contexts, idempotencySeed: 's' },
      {
        ...virtualClock(),
        apiFor: async (c) => {
          started.push(c.cluster)
          // a1 holds its slot for a turn of the event loop: every fake call is a microtask, so
          // whatever can start without waiting for a1 has started by then.
          if (c.cluster === 'a1') {
            await new Promise((resolve) => setImmediate(resolve))
            seenWhileA1Held = [...started]
          }
          return fakes.get(c.cluster)!
        },
      },
      { clusterConcurrency: 1 },
    )
    expect(seenWhileA1Held).toEqual(['a1', 'b1', 'c1'])
    expect(started.indexOf('a2')).toBeGreaterThan(started.indexOf('a1'))
    expect(r.clusters.map((c) => `${c.cluster}: ${c.status}`)).toEqual(['a1: applied', 'a2: applied', 'b1: applied', 'c1: applied'])
  })

  it.each([
    {
      name: 'one account and region',
      clusters: [
        { accountId: '1', region: 'r' },
        { accountId: '1', region: 'r' },
      ],
      groups: [[0, 1]],
    },
    {
      name: 'accounts and regions apart, plan order kept within each',
      clusters: [
        { accountId: '1', region: 'r' },
        { accountId: '2', region: 'r' },
        { accountId: '1', region: 's' },
        { accountId: '1', region: 'r' },
      ],
      groups: [[0, 3], [1], [2]],
    },
  ])('paceGroups: $name', ({ clusters, groups }) => {
    expect([...paceGroups(clusters).values()]).toEqual(groups)
  })

  it('exit 0 when everything applied', async () => {
    const fake = new FakeEksPort('a', [liveAdmin()])
    const built = buildPlanFromClusters([
      { cluster: cluster({ key: 'a', name: 'a' }), desired: [desiredAdmin(), desired(role('x'))], observed: fake.observed() },
    ])
    const r = await applyPlan(
      { plan: built.plan, contexts: built.contexts, idempotencySeed: 's' },
      { ...virtualClock(), apiFor: () => fake },
    )
    expect(r.exitCode).toBe(0)
    expect(r.counts).toEqual({ applied: 1, failed: 0, notAttempted: 0 })
  })
})
