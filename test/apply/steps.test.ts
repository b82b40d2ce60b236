import { describe, expect, it } from 'vitest'
import { groupSteps } from '../../src/apply/steps.js'
import { planCluster } from '../../src/plan/diff.js'
import { orderActions, type ApiCall } from '../../src/plan/order.js'
import type { DesiredEntry, ObservedEntry } from '../../src/types.js'
import { ADMIN, EDIT, OWNED, VIEW, cluster, desired, desiredAdmin, live, liveAdmin, observed, policy, role } from '../plan/build.js'

const short = (c: ApiCall): string =>
  c.call === 'updateAuthenticationMode'
    ? `mode ${c.to}`
    : `${c.call.replace('AccessEntry', '').replace('AccessPolicy', '')} ${c.principalArn.split('/').pop() ?? ''}${'policyArn' in c ? ` ${c.policyArn.split('/').pop()?.replace('AmazonEKS', '').replace('Policy', '') ?? ''}` : ''}`

function stepsOf(
  want: readonly DesiredEntry[],
  have: readonly ObservedEntry[],
  mode?: 'API' | 'API_AND_CONFIG_MAP',
): string[][][] | string {
  const from = mode === 'API' ? 'API_AND_CONFIG_MAP' : mode === 'API_AND_CONFIG_MAP' ? 'CONFIG_MAP' : 'API'
  const plan = planCluster({
    cluster: cluster(mode === undefined ? {} : { authenticationMode: mode }),
    desired: want,
    expired: [],
    observed: live(have, { authenticationMode: from }),
  })
  const r = groupSteps(plan, orderActions(plan))
  return r.ok ? r.steps.map((s) => [[s.kind], ...s.lanes.map((l) => l.map(short))]) : r.message
}

describe('groupSteps: orderActions output as steps of parallel lanes', () => {
  it.each([
    {
      name: 'a new entry carries its associations in its lane; associations on existing entries are lanes of their own',
      want: [
        desiredAdmin(),
        desired(role('a'), { accessPolicies: [policy(VIEW), policy(EDIT, ['n'])] }),
        desired(role('b'), { accessPolicies: [policy(VIEW)] }),
      ],
      have: [liveAdmin(), observed(role('b'), { tags: OWNED })],
      steps: [[['grant'], ['create a', 'associate a Edit', 'associate a View'], ['associate b View']]],
    },
    {
      name: 'update and tag of one entry share a lane; removals come after, deletes last',
      want: [desiredAdmin(), desired(role('u'), { kubernetesGroups: ['g'], tags: { t: '1' } }), desired(role('s'))],
      have: [
        liveAdmin(),
        observed(role('u'), { tags: OWNED, username: 'x' }),
        observed(role('s'), { tags: OWNED, accessPolicies: [policy(VIEW)] }),
        observed(role('d'), { tags: OWNED }),
      ],
      steps: [
        [['update'], ['update u', 'tagResource u']],
        [['revoke'], ['disassociate s View']],
        [['delete'], ['delete d']],
      ],
    },
    {
      name: 'a widening re-scope is a grant, a narrowing one waits with the removals',
      want: [
        desiredAdmin(),
        desired(role('w'), { accessPolicies: [policy(EDIT)] }),
        desired(role('n'), { accessPolicies: [policy(EDIT, ['a'])] }),
      ],
      have: [
        liveAdmin(),
        observed(role('w'), { tags: OWNED, accessPolicies: [policy(EDIT, ['a'])] }),
        observed(role('n'), { tags: OWNED, accessPolicies: [policy(EDIT)] }),
      ],
      steps: [
        [['grant'], ['associate w Edit']],
        [['revoke'], ['associate n Edit']],
      ],
    },
    {
      name: 'a type change is one lane per principal: delete, create, associations',
      want: [desiredAdmin(), desired(role('t'), { accessPolicies: [policy(VIEW)] })],
      have: [liveAdmin(), observed(role('t'), { type: 'EC2_LINUX', tags: OWNED })],
      steps: [[['replace'], ['delete t', 'create t', 'associate t View']]],
    },
    {
      name: 'the step out of CONFIG_MAP first',
      want: [desired(role('admin'), { accessPolicies: [policy(ADMIN)] })],
      have: [],
      mode: 'API_AND_CONFIG_MAP' as const,
      steps: [
        [['mode-first'], ['mode API_AND_CONFIG_MAP']],
        [['grant'], ['create admin', 'associate admin ClusterAdmin']],
      ],
    },
    {
      name: 'the step to API last',
      want: [desiredAdmin(), desired(role('a'))],
      have: [liveAdmin(), observed(role('d'), { tags: OWNED })],
      mode: 'API' as const,
      steps: [
        [['grant'], ['create a']],
        [['delete'], ['delete d']],
        [['mode-last'], ['mode API']],
      ],
    },
  ])('$name', ({ want, have, mode, steps }) => {
    expect(stepsOf(want, have, mode)).toEqual(steps)
  })

  it('refuses calls that do not follow the documented phases', () => {
    const plan = planCluster({
      cluster: cluster(),
      desired: [desiredAdmin(), desired(role('a'))],
      expired: [],
      observed: live([liveAdmin(), observed(role('d'), { tags: OWNED })]),
    })
    const calls = orderActions(plan)
    const r = groupSteps(plan, [...calls].reverse())
    expect(r.ok).toBe(false)
  })
})
