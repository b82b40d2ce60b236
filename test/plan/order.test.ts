import { describe, expect, it } from 'vitest'
import { planCluster } from '../../src/plan/diff.js'
import { orderActions, type ApiCall } from '../../src/plan/order.js'
import type { ClusterPlan } from '../../src/types.js'
import { ACCOUNT, ADMIN, EDIT, OWNED, VIEW, cluster, desired, live, observed, policy, role, shuffled, user } from './build.js'

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
    desired(role('groups'), { username: 'u', kubernetesGroups: ['g'], tags: { t: '1' } }),
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
  it('grants, updates, replaces per principal, disassociates, deletes, and the switch to API last', () => {
    expect(orderActions(bigPlan()).map(short)).toEqual([
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
      'updateAuthenticationMode API_AND_CONFIG_MAP->API',
    ])
  })

  // Switching to API turns the aws-auth ConfigMap off (EKS-API.md §5, §7): every mapping must exist
  // as an access entry first, or those principals (admins, nodes) lose access mid-apply — and if a
  // create then fails, apply stops with them locked out. Out of CONFIG_MAP it is the other way
  // round: no access-entry call works until the step is done.
  it.each([
    ['CONFIG_MAP', 'API_AND_CONFIG_MAP', 'first'],
    ['API_AND_CONFIG_MAP', 'API', 'last'],
  ] as const)('the step %s → %s comes %s', (from, to, where) => {
    const p = planCluster({
      cluster: cluster({ authenticationMode: to }),
      desired: [desired(role('admin'), { accessPolicies: [policy(ADMIN)] })],
      expired: [],
      observed: live([], { authenticationMode: from }),
    })
    const names = orderActions(p).map(short)
    expect(names).toHaveLength(3)
    expect(names.indexOf(`updateAuthenticationMode ${from}->${to}`)).toBe(where === 'first' ? 0 : 2)
  })

  // A re-scope from the cluster to namespaces takes access away: done among the grants (in
  // principal order) it could remove the only cluster admin before the new one exists.
  it('narrows a scope only after every grant (the new admin exists before the old one is narrowed)', () => {
    const p = planCluster({
      cluster: cluster(),
      desired: [
        desired(role('a-old'), { accessPolicies: [policy(ADMIN, ['ns'])] }),
        desired(role('b-new'), { accessPolicies: [policy(ADMIN)] }),
        desired(role('c-wide'), { accessPolicies: [policy(EDIT)] }),
      ],
      expired: [],
      observed: live([
        observed(role('a-old'), { tags: OWNED, accessPolicies: [policy(ADMIN)] }),
        observed(role('c-wide'), { tags: OWNED, accessPolicies: [policy(EDIT, ['x'])] }),
      ]),
    })
    expect(orderActions(p).map(short)).toEqual([
      'createAccessEntry b-new',
      'associateAccessPolicy b-new AmazonEKSClusterAdminPolicy',
      'associateAccessPolicy c-wide AmazonEKSEditPolicy',
      'associateAccessPolicy a-old AmazonEKSClusterAdminPolicy',
    ])
  })

  it.each([
    ['namespaces added only: a grant', ['a'], ['a', 'b'], 0],
    ['namespaces removed: a narrowing', ['a', 'b'], ['a'], 2],
    ['namespaces swapped: a narrowing', ['a'], ['b'], 2],
  ] as const)('in-place namespace change (%s)', (_n, from, to, at) => {
    const p = planCluster({
      cluster: cluster(),
      desired: [desired(role('a'), { accessPolicies: [policy(EDIT, to)] }), desired(role('b'), { accessPolicies: [policy(ADMIN)] })],
      expired: [],
      observed: live([observed(role('a'), { tags: OWNED, accessPolicies: [policy(EDIT, from)] })]),
    })
    expect(orderActions(p).map(short).indexOf('associateAccessPolicy a AmazonEKSEditPolicy')).toBe(at)
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
    expect(names.indexOf('associateAccessPolicy new-admin AmazonEKSClusterAdminPolicy')).toBeLessThan(
      names.indexOf('deleteAccessEntry old-admin'),
    )
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
      observed: live([observed(role('old'), { tags: OWNED, accessPolicies: [policy(ADMIN)] })], {
        authenticationMode: 'API_AND_CONFIG_MAP',
      }),
    })
    expect(p.errors.map((e) => e.code)).toEqual(['no-cluster-admin'])
    expect(p.authenticationMode).toBeDefined()
    expect(orderActions(p)).toEqual([])
  })

  // EKS's own default username for a role, `arn:aws:sts::ACCT:assumed-role/NAME/{{SessionName}}`,
  // breaks the rule EKS applies to usernames it is sent ({{SessionName}} must follow a colon,
  // EKS-API.md §4; the fake refuses it): it is never sent, kept or restored (order.ts
  // omitsUsername). A user's default is its ARN and is sent.
  it.each([
    ['unchanged EKS default: left out', role('r'), `arn:aws:sts::${ACCOUNT}:assumed-role/r/{{SessionName}}`, undefined, undefined],
    ['unchanged custom username: sent', role('r'), 'custom:{{SessionName}}', 'custom:{{SessionName}}', 'custom:{{SessionName}}'],
    // No manifest username means EKS's default: a live custom one is restored (issue 12).
    [
      'no manifest username, custom live one: role default restored by leaving it out',
      role('r'),
      'custom:{{SessionName}}',
      undefined,
      undefined,
    ],
    [
      'manifest names the role default, live custom: left out',
      role('r'),
      'custom',
      `arn:aws:sts::${ACCOUNT}:assumed-role/r/{{SessionName}}`,
      undefined,
    ],
    ['no manifest username, user with a custom live one: the user ARN is sent', user('u'), 'custom', undefined, user('u')],
  ] as const)('UpdateAccessEntry username: %s', (_n, principal, liveName, wantName, sent) => {
    const p = planCluster({
      cluster: cluster({ allowNoClusterAdmin: true }),
      desired: [desired(principal, { kubernetesGroups: ['new'], ...(wantName === undefined ? {} : { username: wantName }) })],
      expired: [],
      observed: live([observed(principal, { tags: OWNED, username: liveName, kubernetesGroups: ['old'] })]),
    })
    const [call] = orderActions(p)
    expect(call).toMatchObject({ call: 'updateAccessEntry', kubernetesGroups: ['new'] })
    if (sent === undefined) expect(call).not.toHaveProperty('username')
    else expect(call).toHaveProperty('username', sent)
  })

  it('a username changed outside the repo is an update even when nothing else differs', () => {
    const p = planCluster({
      cluster: cluster({ allowNoClusterAdmin: true }),
      desired: [desired(role('r')), desired(user('u'))],
      expired: [],
      observed: live([
        observed(role('r'), { tags: OWNED, username: 'intruder' }),
        observed(user('u'), { tags: OWNED, username: 'intruder' }),
      ]),
    })
    expect(p.changes.map((c) => [c.action, c.principalArn])).toEqual([
      ['update', role('r')],
      ['update', user('u')],
    ])
    expect(orderActions(p)).toEqual([
      { call: 'updateAccessEntry', change: 0, principalArn: role('r'), kubernetesGroups: [] },
      { call: 'updateAccessEntry', change: 1, principalArn: user('u'), kubernetesGroups: [], username: user('u') },
    ])
  })

  it('an in-place scope change is a single associate call', () => {
    const p = planCluster({
      cluster: cluster(),
      desired: [desired(role('a'), { accessPolicies: [policy(ADMIN, ['x'])] }), desired(role('b'), { accessPolicies: [policy(ADMIN)] })],
      expired: [],
      observed: live([
        observed(role('a'), { tags: OWNED, accessPolicies: [policy(ADMIN)] }),
        observed(role('b'), { tags: OWNED, accessPolicies: [policy(ADMIN)] }),
      ]),
    })
    expect(orderActions(p).map(short)).toEqual(['associateAccessPolicy a AmazonEKSClusterAdminPolicy'])
  })
})
