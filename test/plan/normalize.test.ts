import { describe, expect, it } from 'vitest'
import {
  generatedUsername,
  groupsDiffer,
  normalizeDesiredEntry,
  normalizeObservedEntry,
  normalizePolicies,
  normalizeScope,
  normalizeType,
  sortedSet,
  tagsToSet,
  usernameDiffers,
} from '../../src/plan/normalize.js'
import { ACCOUNT, VIEW, desired, observed, role, user } from './build.js'

describe('generatedUsername', () => {
  it.each([
    ['STANDARD role', role('dev'), 'STANDARD', `arn:aws:sts::${ACCOUNT}:assumed-role/dev/{{SessionName}}`],
    ['role with a path (path removed)', role('teams/a/dev'), 'STANDARD', `arn:aws:sts::${ACCOUNT}:assumed-role/dev/{{SessionName}}`],
    ['type absent = STANDARD', role('dev'), undefined, `arn:aws:sts::${ACCOUNT}:assumed-role/dev/{{SessionName}}`],
    ['role in aws-cn', `arn:aws-cn:iam::${ACCOUNT}:role/x/dev`, 'STANDARD', `arn:aws-cn:sts::${ACCOUNT}:assumed-role/dev/{{SessionName}}`],
    ['STANDARD user', user('alice'), 'STANDARD', user('alice')],
    ['user with a path', `arn:aws:iam::${ACCOUNT}:user/ops/alice`, 'STANDARD', `arn:aws:iam::${ACCOUNT}:user/ops/alice`],
    ['EC2_LINUX', role('node'), 'EC2_LINUX', 'system:node:{{EC2PrivateDNSName}}'],
    ['EC2_WINDOWS', role('node'), 'EC2_WINDOWS', 'system:node:{{EC2PrivateDNSName}}'],
    ['FARGATE_LINUX', role('pod'), 'FARGATE_LINUX', 'system:node:{{SessionName}}'],
    ['HYBRID_LINUX', role('hybrid'), 'HYBRID_LINUX', 'system:node:{{SessionName}}'],
    ['EC2 (unconfirmed)', role('auto'), 'EC2', undefined],
    ['HYPERPOD_LINUX (unconfirmed)', role('hp'), 'HYPERPOD_LINUX', undefined],
    ['not an IAM principal', 'arn:aws:sts::111122223333:assumed-role/x/y', 'STANDARD', undefined],
  ])('%s', (_name, arn, type, expected) => {
    expect(generatedUsername(arn, type)).toBe(expected)
  })
})

describe('sets, types and scopes', () => {
  it.each([
    [undefined, []],
    [[], []],
    [
      ['b', 'a', 'b'],
      ['a', 'b'],
    ],
    [
      ['team-a-*', 'team-a', 'Team'],
      ['Team', 'team-a', 'team-a-*'],
    ],
  ])('sortedSet(%j)', (input, expected) => {
    expect(sortedSet(input)).toEqual(expected)
  })

  it.each([
    [undefined, 'STANDARD'],
    ['', 'STANDARD'],
    ['STANDARD', 'STANDARD'],
    ['EC2_LINUX', 'EC2_LINUX'],
  ])('normalizeType(%j) = %s', (input, expected) => {
    expect(normalizeType(input)).toBe(expected)
  })

  it.each([
    [{ type: 'cluster' as const }, { type: 'cluster', namespaces: [] }],
    [
      { type: 'cluster' as const, namespaces: ['x'] },
      { type: 'cluster', namespaces: [] },
    ],
    [
      { type: 'namespace' as const, namespaces: ['b', 'a', 'a'] },
      { type: 'namespace', namespaces: ['a', 'b'] },
    ],
    [{ type: 'namespace' as const }, { type: 'namespace', namespaces: [] }],
  ])('normalizeScope(%j)', (input, expected) => {
    expect(normalizeScope(input)).toEqual(expected)
  })

  it.each([
    ['short name', 'AmazonEKSViewPolicy', 'aws', VIEW],
    ['full ARN', VIEW, 'aws', VIEW],
    ['short name in aws-cn', 'AmazonEKSViewPolicy', 'aws-cn', 'arn:aws-cn:eks::aws:cluster-access-policy/AmazonEKSViewPolicy'],
    ['short name in aws-us-gov', 'AmazonEKSViewPolicy', 'aws-us-gov', 'arn:aws-us-gov:eks::aws:cluster-access-policy/AmazonEKSViewPolicy'],
  ] as const)('policy ARN: %s', (_n, ref, partition, expected) => {
    expect(normalizePolicies([{ policyArn: ref, accessScope: { type: 'cluster' } }], partition)).toEqual([
      { policyArn: expected, accessScope: { type: 'cluster', namespaces: [] } },
    ])
  })

  it('sorts policies by ARN and keeps one per ARN', () => {
    const out = normalizePolicies(
      [
        { policyArn: 'AmazonEKSViewPolicy', accessScope: { type: 'namespace', namespaces: ['a'] } },
        { policyArn: 'AmazonEKSAdminPolicy', accessScope: { type: 'cluster' } },
        { policyArn: VIEW, accessScope: { type: 'namespace', namespaces: ['b'] } },
      ],
      'aws',
    )
    expect(out.map((p) => p.policyArn)).toEqual(['arn:aws:eks::aws:cluster-access-policy/AmazonEKSAdminPolicy', VIEW])
    expect(out[1]?.accessScope.namespaces).toEqual(['b'])
  })
})

describe('entry comparison', () => {
  const n = (e: Parameters<typeof normalizeDesiredEntry>[0]) => normalizeDesiredEntry(e, 'aws')
  const o = (e: Parameters<typeof normalizeObservedEntry>[0]) => normalizeObservedEntry(e, 'aws')

  it.each([
    [
      'no desired username = the EKS default: another live one differs',
      desired(role('a')),
      observed(role('a'), { username: 'someone-else' }),
      true,
    ],
    [
      'no desired username = the EKS default: equal',
      desired(role('p/a')),
      observed(role('p/a'), { username: `arn:aws:sts::${ACCOUNT}:assumed-role/a/{{SessionName}}` }),
      false,
    ],
    ['no desired username, snapshot has none', desired(role('a')), observed(role('a')), false],
    ['empty desired username = not set = the default', desired(role('a'), { username: '' }), observed(role('a'), { username: 'x' }), true],
    [
      'node type: no desired username never differs',
      desired(role('n'), { type: 'EC2_LINUX' }),
      observed(role('n'), { type: 'EC2_LINUX', username: 'x' }),
      false,
    ],
    [
      'same explicit username',
      desired(role('a'), { username: 'dev:{{SessionName}}' }),
      observed(role('a'), { username: 'dev:{{SessionName}}' }),
      false,
    ],
    ['different explicit username', desired(role('a'), { username: 'dev' }), observed(role('a'), { username: 'ops' }), true],
    [
      'explicit = generated, snapshot has none',
      desired(role('p/a'), { username: `arn:aws:sts::${ACCOUNT}:assumed-role/a/{{SessionName}}` }),
      observed(role('p/a')),
      false,
    ],
  ])('username: %s', (_n, want, have, expected) => {
    expect(usernameDiffers(n(want), o(have))).toBe(expected)
  })

  it.each([
    [
      'unsorted/duplicate vs sorted',
      desired(role('a'), { kubernetesGroups: ['b', 'a', 'b'] }),
      observed(role('a'), { kubernetesGroups: ['a', 'b'] }),
      false,
    ],
    ['[] vs absent-equivalent', desired(role('a'), { kubernetesGroups: [] }), observed(role('a')), false],
    ['STANDARD: live has extra', desired(role('a'), { kubernetesGroups: [] }), observed(role('a'), { kubernetesGroups: ['x'] }), true],
    [
      'node type with no desired groups accepts system:nodes',
      desired(role('n'), { type: 'EC2_LINUX' }),
      observed(role('n'), { type: 'EC2_LINUX', kubernetesGroups: ['system:nodes'] }),
      false,
    ],
  ])('groups: %s', (_n, want, have, expected) => {
    expect(groupsDiffer(n(want), o(have))).toBe(expected)
  })

  it('fills in the username EKS generates when a snapshot omits it', () => {
    expect(o(observed(role('n'), { type: 'FARGATE_LINUX' })).username).toBe('system:node:{{SessionName}}')
    expect(o(observed(role('a'), { username: 'kept' })).username).toBe('kept')
  })

  it('tagsToSet lists only missing or different tags, never removals', () => {
    expect(tagsToSet({ a: '1', b: '2', c: '3' }, { a: '1', b: 'x', z: 'left' })).toEqual({ b: '2', c: '3' })
    expect(tagsToSet({}, { z: 'left' })).toEqual({})
  })
})
