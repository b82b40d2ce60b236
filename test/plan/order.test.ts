import { describe, expect, it } from 'vitest'
import { planCluster } from '../../src/plan/diff.js'
import { orderActions, type ApiCall } from '../../src/plan/order.js'
import type { ClusterPlan } from '../../src/types.js'
import { ADMIN, EDIT, OWNED, VIEW, cluster, desired, live, observed, policy, role, shuffled } from './build.js'

const short = (c: ApiCall): string => {
  const who = 'principalArn' in c ? c.principalArn.split('/').pop() : ''
  const what = 'policyArn' in c ? ` ${c.policyArn.split('/').pop()}` : ''
  return c.call === 'updateAuthenticationMode' ? `${c.call} ${c.from}->${c.to}` : `${c.call} ${who}${what}`
}

/** A cluster where the old admin is deleted, a new admin created, and one of everything else happens. */
function bigPlan(seed = 0): ClusterPlan {
  const want = [
    desired(role('new-admin'), { accessPolicies: [policy(ADMIN)] }),
    desired(role('grow'), { accessPolicies: [policy(EDIT)] }),
    desired(role('groups'), { kubernetesGroups: ['g'], tags: { t: '1' } }),
    desired(role('swap'), { type: 'STANDARD', accessPolicies: [policy(VIEW)] }),
    desired(role('shrink'), { accessPolicies: [] }),
  ]
  const have = [
    observed(role('old-admin'), { tags: OWNED, accessPolicies: [policy(ADMIN)] }),
    observed(role('grow'), { tags: OWNED, accessPolicies: [policy(EDIT, ['a'])] }),
    observed(role('groups'), { tags: OWNED, username: 'u' }),
    observed(role('swap'), { type: 'EC2_LINUX', tags: OWNED }),
    observed(role('shrink'), { tags: OWNED, accessPolicies: [policy(VIEW)] }),
  ]
  return planCluster({
    cluster: cluster({ authenticationMode: 'API' }),
    desired: shuffled(want, seed),
    expired: [],
    observed: live(shuffled(have, seed + 1), { authenticationMode: 'API_AND_CONFIG_MAP' }),
  })
}

describe('orderActions', () => {
  it('mode first, then grants, updates, replaces per principal, disassociates, deletes last', () => {
    expect(orderActions(bigPlan()).map(short)).toEqual([
      'updateAuthenticationMode API_AND_CONFIG_MAP->API',
      'associateAccessPolicy grow AmazonEKSEditPolicy',
      'createAccessEntry new-admin',
      'associateAccessPolicy new-admin AmazonEKSClusterAdminPolicy',
      'updateAccessEntry groups',
      'tagResource groups',
      'deleteAccessEntry swap',
      'createAccessEntry swap',
      'associateAccessPolicy swap AmazonEKSViewPolicy',
      'disassociateAccessPolicy shrink AmazonEKSViewPolicy',
      'deleteAccessEntry old-admin',
    ])
  })

  it('each call names the change it carries out', () => {
    const p = bigPlan()
    for (const c of orderActions(p)) {
      if (c.call === 'updateAuthenticationMode') continue
      expect(p.changes[c.change]?.principalArn).toBe(c.principalArn)
    }
    // every change is carried out by at least one call
    const covered = new Set(orderActions(p).flatMap((c) => (c.call === 'updateAuthenticationMode' ? [] : [c.change])))
    expect(covered.size).toBe(p.changes.length)
  })

  it('sends both groups and username on UpdateAccessEntry, and only the tags to set', () => {
    const calls = orderActions(bigPlan())
    expect(calls.find((c) => c.call === 'updateAccessEntry')).toMatchObject({ username: 'u', kubernetesGroups: ['g'] })
    expect(calls.find((c) => c.call === 'tagResource')).toMatchObject({ tags: { t: '1' } })
    expect(calls.find((c) => c.call === 'createAccessEntry')).toMatchObject({ tags: OWNED, type: 'STANDARD', kubernetesGroups: [] })
  })

  it('never drops below the admin floor: the new admin is associated before the old one is deleted', () => {
    const names = orderActions(bigPlan()).map(short)
    expect(names.indexOf('associateAccessPolicy new-admin AmazonEKSClusterAdminPolicy')).toBeLessThan(names.indexOf('deleteAccessEntry old-admin'))
  })

  it('is identical for shuffled inputs', () => {
    const one = orderActions(bigPlan(0))
    for (const seed of [1, 2, 3, 7, 42]) expect(orderActions(bigPlan(seed))).toEqual(one)
  })

  it('a plan with errors gives no calls at all (not even the irreversible mode step)', () => {
    const p = planCluster({
      cluster: cluster({ authenticationMode: 'API' }),
      desired: [],
      expired: [],
      observed: live([observed(role('old'), { tags: OWNED, accessPolicies: [policy(ADMIN)] })], { authenticationMode: 'API_AND_CONFIG_MAP' }),
    })
    expect(p.errors.map((e) => e.code)).toEqual(['no-cluster-admin'])
    expect(p.authenticationMode).toBeDefined()
    expect(orderActions(p)).toEqual([])
  })

  it('an in-place scope change is a single associate call', () => {
    const p = planCluster({
      cluster: cluster(),
      desired: [desired(role('a'), { accessPolicies: [policy(ADMIN, ['x'])] }), desired(role('b'), { accessPolicies: [policy(ADMIN)] })],
      expired: [],
      observed: live([observed(role('a'), { tags: OWNED, accessPolicies: [policy(ADMIN)] }), observed(role('b'), { tags: OWNED, accessPolicies: [policy(ADMIN)] })]),
    })
    expect(orderActions(p).map(short)).toEqual(['associateAccessPolicy a AmazonEKSClusterAdminPolicy'])
  })
})
