import { describe, expect, it } from 'vitest'
import { checkNodePrincipals } from '../../../src/rules/eks/node-principal.js'
import { checkPrincipalArns } from '../../../src/rules/eks/principal-arn.js'
import { checkPrincipalPartitions } from '../../../src/rules/eks/principal-partition.js'
import { entry, manifest } from '../build.js'
import { problem, ROLE, USER } from './support.js'

describe('eks:principal-arn', () => {
  it.each([
    ROLE,
    USER,
    'arn:aws:iam::111122223333:role/sre/on-call',
    'arn:aws-cn:iam::111122223333:role/admin',
    'arn:aws-us-gov:iam::111122223333:user/ops/bob',
    'arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_Admin_0123',
  ])('accepts %s', (principalArn) => {
    expect(checkPrincipalArns(manifest({ entries: [{ principalArn }] }))).toEqual([])
  })

  it.each([
    [
      'arn:aws:sts::111122223333:assumed-role/admin/alice',
      'error',
      'eks:principal-arn',
      ['is an STS session', 'need the IAM role ARN, e.g. arn:aws:iam::111122223333:role/admin'],
    ],
    [
      'arn:aws:iam::111122223333:role/aws-service-role/eks.amazonaws.com/AWSServiceRoleForAmazonEKS',
      'error',
      'eks:principal-arn',
      ['service-linked role'],
    ],
    ['arn:aws:sts::111122223333:federated-user/bob', 'error', 'eks:principal-arn', ['federated-user session']],
    ['arn:aws-iso:iam::111122223333:role/x', 'error', 'eks:principal-arn', ['partition "aws-iso"', 'expected arn:aws:iam::']],
    ['arn:aws:iam::1111222233:role/x', 'error', 'eks:principal-arn', ['account "1111222233" is not 12 digits']],
    ['arn:aws:iam::111122223333:policy/x', 'error', 'eks:principal-arn', ['resource type "policy"']],
    ['arn:aws:iam::111122223333:role/', 'error', 'eks:principal-arn', ['empty']],
    ['platform-admins', 'error', 'eks:principal-arn', ['"platform-admins" is not a valid IAM principal ARN']],
    [
      'arn:aws:iam::111122223333:role/AWSReservedSSO_Admin_0123',
      'warning',
      'eks:sso-role-path',
      ['without its path', 'role/aws-reserved/sso.amazonaws.com/[region/]AWSReservedSSO_Admin_0123'],
    ],
  ] as const)('rejects %s with %s %s', (principalArn, severity, code, says) => {
    const e = entry({ principalArn })
    expect(checkPrincipalArns(manifest({ entries: [e] }))).toEqual([
      problem({ loc: e.locs.principalArn, severity, code, says: [`"${principalArn}"`, ...says] }),
    ])
  })
})

describe('eks:principal-partition', () => {
  const clusters = [
    { key: 'prod-eu', region: 'eu-west-1' },
    { key: 'prod-cn', region: 'cn-north-1' },
    { key: 'gov', region: 'us-gov-west-1' },
  ]

  it.each([
    [ROLE, ['prod-eu']],
    ['arn:aws-cn:iam::111122223333:role/x', ['prod-cn']],
    ['arn:aws-us-gov:iam::111122223333:user/x', ['gov']],
    ['not-an-arn', ['prod-cn']], // eks:principal-arn's job
  ])('accepts %s for %o', (principalArn, selected) => {
    expect(checkPrincipalPartitions(manifest({ clusters, entries: [{ principalArn, clusters: selected }] }))).toEqual([])
  })

  it.each([
    [ROLE, ['prod-*'], ['partition aws', '"prod-cn" (cn-north-1, partition aws-cn)']],
    [ROLE, undefined, ['"prod-cn"', '"gov" (us-gov-west-1, partition aws-us-gov)', 'every cluster']],
    ['arn:aws-cn:iam::111122223333:role/x', ['prod-eu'], ['partition aws-cn', '"prod-eu" (eu-west-1, partition aws)']],
  ])('rejects %s selecting %o', (principalArn, selected, says) => {
    const e = entry({ principalArn, ...(selected !== undefined && { clusters: selected }) })
    expect(checkPrincipalPartitions(manifest({ clusters, entries: [e] }))).toEqual([
      problem({ loc: e.locs.principalArn, severity: 'error', code: 'eks:principal-partition', says }),
    ])
  })

  it('does not name clusters of the right partition', () => {
    const e = entry({ principalArn: ROLE })
    const [p] = checkPrincipalPartitions(manifest({ clusters, entries: [e] }))
    expect(p?.message).not.toContain('"prod-eu"')
  })
})

describe('eks:node-principal', () => {
  const clusters = [
    { key: 'prod-eu', accountId: '111122223333' },
    { key: 'staging-eu', accountId: '444455556666' },
  ]
  const NODE_TYPES = ['EC2_LINUX', 'EC2_WINDOWS', 'FARGATE_LINUX', 'HYBRID_LINUX', 'EC2', 'HYPERPOD_LINUX']

  it.each(NODE_TYPES)('accepts a same-account role for %s', (type) => {
    const m = manifest({ clusters, entries: [{ principalArn: ROLE, type, clusters: ['prod-eu'] }] })
    expect(checkNodePrincipals(m)).toEqual([])
  })

  it.each([
    [undefined, USER, ['staging-eu']],
    ['STANDARD', 'arn:aws:iam::999988887777:user/x', undefined],
    ['EC2_LINUX', 'arn:aws:sts::111122223333:assumed-role/x/y', ['prod-eu']], // eks:principal-arn's job
  ])('ignores type %s with %s', (type, principalArn, selected) => {
    const e = { principalArn, ...(type !== undefined && { type }), ...(selected !== undefined && { clusters: selected }) }
    expect(checkNodePrincipals(manifest({ clusters, entries: [e] }))).toEqual([])
  })

  it.each(NODE_TYPES)('rejects an IAM user for %s', (type) => {
    const e = entry({ principalArn: USER, type, clusters: ['prod-eu'] })
    expect(checkNodePrincipals(manifest({ clusters, entries: [e] }))).toEqual([
      problem({
        loc: e.locs.principalArn,
        severity: 'error',
        code: 'eks:node-principal',
        says: [`type ${type} needs an IAM role`, 'is an IAM user'],
      }),
    ])
  })

  it.each([
    ['EC2_LINUX', 'error'],
    ['FARGATE_LINUX', 'error'],
    ['EC2', 'error'],
    ['HYPERPOD_LINUX', 'warning'], // same-account is UNCONFIRMED for HyperPod
  ] as const)('flags a role of another account for %s as %s', (type, severity) => {
    const e = entry({ principalArn: ROLE, type })
    expect(checkNodePrincipals(manifest({ clusters, entries: [e] }))).toEqual([
      problem({
        loc: e.locs.principalArn,
        severity,
        code: 'eks:node-principal',
        says: ['in account 111122223333', '"staging-eu" (account 444455556666)'],
      }),
    ])
  })
})
