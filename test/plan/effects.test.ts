import { describe, expect, it } from 'vitest'
import { describeEffects, type EntryAccess } from '../../src/plan/effects.js'
import { planCluster } from '../../src/plan/diff.js'
import {
  ACCOUNT,
  ADMIN,
  EDIT,
  OTHER_ACCOUNT,
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
} from './build.js'

const P = role('dev')
const access = (
  accessPolicies: EntryAccess['accessPolicies'],
  kubernetesGroups: readonly string[] = [],
  type = 'STANDARD',
): EntryAccess => ({
  type,
  kubernetesGroups,
  accessPolicies,
})
const kinds = (before: EntryAccess | undefined, after: EntryAccess | undefined, principalArn = P, extra = {}) =>
  describeEffects([{ principalArn, ...(before ? { before } : {}), ...(after ? { after } : {}), ...extra }], ACCOUNT).map((e) => [
    e.kind,
    e.escalation,
  ])

describe('describeEffects', () => {
  it.each([
    [
      'new principal with cluster admin',
      undefined,
      access([policy(ADMIN)]),
      [
        ['cluster-admin-granted', true],
        ['new-principal', false],
      ],
    ],
    ['cluster admin revoked', access([policy(ADMIN)]), access([]), [['cluster-admin-revoked', false]]],
    ['admin at namespace scope granted is a policy grant', access([]), access([policy(ADMIN, ['a'])]), [['policy-granted', true]]],
    ['admin widened namespaces → cluster', access([policy(ADMIN, ['a'])]), access([policy(ADMIN)]), [['cluster-admin-granted', true]]],
    ['admin narrowed cluster → namespaces', access([policy(ADMIN)]), access([policy(ADMIN, ['a'])]), [['cluster-admin-revoked', false]]],
    ['scope widened', access([policy(EDIT, ['a'])]), access([policy(EDIT)]), [['scope-widened', true]]],
    ['scope narrowed', access([policy(EDIT)]), access([policy(EDIT, ['a'])]), [['scope-narrowed', false]]],
    [
      'namespaces added and removed',
      access([policy(EDIT, ['a', 'b'])]),
      access([policy(EDIT, ['b', 'c'])]),
      [
        ['namespaces-added', true],
        ['namespaces-removed', false],
      ],
    ],
    ['policy granted', access([]), access([policy(VIEW)]), [['policy-granted', true]]],
    ['policy revoked', access([policy(VIEW)]), access([]), [['policy-revoked', false]]],
    [
      'groups added and removed',
      access([], ['a', 'b']),
      access([], ['b', 'c']),
      [
        ['groups-added', true],
        ['groups-removed', false],
      ],
    ],
    [
      'access removed',
      access([policy(VIEW)]),
      undefined,
      [
        ['access-removed', false],
        ['policy-revoked', false],
      ],
    ],
    ['nothing changes', access([policy(VIEW)], ['g']), access([policy(VIEW)], ['g']), []],
  ])('%s', (_n, before, after, expected) => {
    expect(kinds(before, after)).toEqual(expected)
  })

  it('flags a new principal from another account as an escalation', () => {
    expect(kinds(undefined, access([]), role('x', OTHER_ACCOUNT))).toEqual([
      ['other-account-principal', true],
      ['new-principal', false],
    ])
  })

  it('flags an access gap on replace', () => {
    expect(kinds(access([], [], 'EC2_LINUX'), access([]), P, { replaced: true })).toEqual([['access-gap', false]])
  })

  it('is sorted by principal, then kind, regardless of input order', () => {
    const t = [
      { principalArn: role('b'), after: access([policy(VIEW)]) },
      { principalArn: role('a'), before: access([policy(ADMIN)]) },
    ]
    const one = describeEffects(t, ACCOUNT)
    expect(describeEffects([...t].reverse(), ACCOUNT)).toEqual(one)
    expect(one.map((e) => `${e.principalArn.split('/').pop()} ${e.kind}`)).toEqual([
      'a cluster-admin-revoked',
      'a access-removed',
      'b new-principal',
      'b policy-granted',
    ])
  })
})

describe('effects in a cluster plan', () => {
  it('describes what each principal gains or loses, and nothing for untouched or unmanaged entries', () => {
    const p = planCluster({
      cluster: cluster(),
      desired: [
        desiredAdmin(),
        desired(role('ext', OTHER_ACCOUNT), { accessPolicies: [policy(VIEW)] }),
        desired(P, { accessPolicies: [policy(EDIT)] }),
      ],
      expired: [],
      observed: live([liveAdmin(), observed(P, { tags: OWNED, accessPolicies: [policy(EDIT, ['a'])] }), observed(role('stranger'))]),
    })
    expect(p.effects.map((e) => [e.principalArn.split('/').pop(), e.kind, e.escalation])).toEqual([
      ['dev', 'scope-widened', true],
      ['ext', 'other-account-principal', true],
      ['ext', 'new-principal', false],
      ['ext', 'policy-granted', true],
    ])
    expect(p.effects[0]?.detail).toBe('AmazonEKSEditPolicy: namespaces a → the cluster')
  })

  it('node entries with no desired groups show no group effect', () => {
    const node = role('node')
    const p = planCluster({
      cluster: cluster({ adopt: true }),
      desired: [desiredAdmin(), desired(node, { type: 'EC2_LINUX' })],
      expired: [],
      observed: live([liveAdmin(), observed(node, { type: 'EC2_LINUX', kubernetesGroups: ['system:nodes'] })]),
    })
    expect(p.changes).toMatchObject([{ action: 'update', adopt: true }])
    expect(p.effects).toEqual([])
  })
})
