import { describe, expect, it } from 'vitest'
import { checkAccessScopes, namespaceDefect } from '../../../src/rules/eks/access-scope.js'
import { checkDuplicatePolicies } from '../../../src/rules/eks/duplicate-policy.js'
import { checkPolicyReferences } from '../../../src/rules/eks/policy-catalogue.js'
import type { ScopeType } from '../../../src/types.js'
import { entry, manifest } from '../build.js'
import { context, problem, ROLE } from './support.js'

const VIEW = 'AmazonEKSViewPolicy'

describe('eks:access-scope', () => {
  const scoped = (type: ScopeType, namespaces?: readonly string[]) =>
    entry({ principalArn: ROLE, accessPolicies: [{ policyArn: VIEW, accessScope: { type, ...(namespaces && { namespaces }) } }] })

  it.each<[ScopeType, readonly string[] | undefined]>([
    ['cluster', undefined],
    ['cluster', []],
    ['namespace', ['team-a']],
    ['namespace', ['team-a', 'team-a-*', 'dev*', 'a', '0abc', 'x'.repeat(63), 'x'.repeat(63) + '*']],
  ])('accepts %s scope with %o', (type, namespaces) => {
    expect(checkAccessScopes(manifest({ entries: [scoped(type, namespaces)] }))).toEqual([])
  })

  it('rejects namespaces on cluster scope, at the namespaces list', () => {
    const e = scoped('cluster', ['team-a'])
    expect(checkAccessScopes(manifest({ entries: [e] }))).toEqual([
      problem({
        loc: e.accessPolicies[0]!.locs.namespaces!,
        severity: 'error',
        code: 'eks:access-scope',
        says: ['type cluster takes no namespaces', '[team-a]'],
      }),
    ])
  })

  it.each([[[]], [undefined]])('rejects namespace scope with namespaces %o', (namespaces) => {
    const e = scoped('namespace', namespaces)
    const p = e.accessPolicies[0]!
    expect(checkAccessScopes(manifest({ entries: [e] }))).toEqual([
      problem({
        loc: p.locs.namespaces ?? p.locs.accessScope,
        severity: 'error',
        code: 'eks:access-scope',
        says: ['needs at least one namespace'],
      }),
    ])
  })

  it.each([
    ['*-x', 'not the last character'],
    ['a*b', 'not the last character'],
    ['**', 'not the last character'],
    ['Team-A', 'upper-case', '"team-a"'],
    ['team_a', 'not a valid namespace name'],
    ['-team', 'not a valid namespace name'],
    ['team-', 'not a valid namespace name'],
    ['team.a', 'not a valid namespace name'],
    ['-*', 'not a valid namespace name'],
    ['x'.repeat(64), '64 characters'],
    ['', 'is empty'],
  ])('rejects namespace item %s at the item', (bad, ...says) => {
    const e = scoped('namespace', ['ok', bad])
    expect(checkAccessScopes(manifest({ entries: [e] }))).toEqual([
      problem({
        loc: e.accessPolicies[0]!.locs.namespaceItems[1]!,
        severity: 'error',
        code: 'eks:access-scope',
        says: [`"${bad}"`, ...says],
      }),
    ])
  })

  it('warns about a bare * (EKS documents prefix wildcards only)', () => {
    const e = scoped('namespace', ['*'])
    expect(checkAccessScopes(manifest({ entries: [e] }))).toEqual([
      problem({
        loc: e.accessPolicies[0]!.locs.namespaceItems[0]!,
        severity: 'warning',
        code: 'eks:access-scope',
        says: ['every namespace'],
      }),
    ])
  })

  it('warns about a duplicate namespace at its second occurrence, naming the first', () => {
    const e = scoped('namespace', ['a', 'b', 'a'])
    const items = e.accessPolicies[0]!.locs.namespaceItems
    expect(checkAccessScopes(manifest({ entries: [e] }))).toEqual([
      problem({
        loc: items[2]!,
        severity: 'warning',
        code: 'eks:access-scope',
        says: ['"a" is listed twice', `eks-access.yaml:${items[0]!.line}`],
      }),
    ])
  })

  it('namespaceDefect accepts the trailing wildcard only', () => {
    expect([namespaceDefect('team-a-*'), namespaceDefect('team-a')]).toEqual([undefined, undefined])
    expect(namespaceDefect('team-*-a')).toContain('trailing wildcard')
  })
})

describe('eks:duplicate-policy', () => {
  it.each([[[VIEW, 'AmazonEKSEditPolicy']], [['AmazonEKSClusterAdminPolicy', 'AmazonEKSAdminPolicy']]])('accepts %o', (refs) => {
    const m = manifest({ entries: [{ principalArn: ROLE, accessPolicies: refs.map((policyArn) => ({ policyArn })) }] })
    expect(checkDuplicatePolicies(m)).toEqual([])
  })

  it.each([
    [[VIEW, VIEW], ['policy AmazonEKSViewPolicy is already associated']],
    [[VIEW, `arn:aws:eks::aws:cluster-access-policy/${VIEW}`], ['as "AmazonEKSViewPolicy"']],
    [[`arn:aws-cn:eks::aws:cluster-access-policy/${VIEW}`, VIEW], [`as "arn:aws-cn:eks::aws:cluster-access-policy/${VIEW}"`]],
  ])('rejects %o at the second policyArn, naming the first', (refs, says) => {
    const e = entry({ principalArn: ROLE, accessPolicies: refs.map((policyArn) => ({ policyArn })) })
    const [first, second] = e.accessPolicies
    expect(checkDuplicatePolicies(manifest({ entries: [e] }))).toEqual([
      problem({
        loc: second!.locs.policyArn,
        severity: 'error',
        code: 'eks:duplicate-policy',
        says: [...says, `eks-access.yaml:${first!.locs.policyArn.line}`],
      }),
    ])
  })

  it('reports every later repetition', () => {
    const e = entry({ principalArn: ROLE, accessPolicies: [VIEW, VIEW, VIEW].map((policyArn) => ({ policyArn })) })
    expect(checkDuplicatePolicies(manifest({ entries: [e] })).map((p) => p.line)).toEqual([
      e.accessPolicies[1]!.locs.policyArn.line,
      e.accessPolicies[2]!.locs.policyArn.line,
    ])
  })
})

describe('policy references', () => {
  const clusters = [
    { key: 'prod-eu', region: 'eu-west-1' },
    { key: 'prod-cn', region: 'cn-north-1' },
  ]
  const check = (policyArn: string, selected: readonly string[] = ['prod-eu'], catalogue = context().catalogue) => {
    const e = entry({ principalArn: ROLE, clusters: selected, accessPolicies: [{ policyArn }] })
    return {
      problems: checkPolicyReferences(manifest({ clusters, entries: [e] }), context({ catalogue })),
      loc: e.accessPolicies[0]!.locs.policyArn,
    }
  }

  it.each([
    [VIEW, ['prod-eu']],
    [VIEW, ['prod-cn']],
    ['AmazonEKSAutoNodePolicy', ['prod-*']],
    [`arn:aws:eks::aws:cluster-access-policy/${VIEW}`, ['prod-eu']],
    [`arn:aws-cn:eks::aws:cluster-access-policy/${VIEW}`, ['prod-cn']],
  ])('accepts %s on %o', (policyArn, selected) => {
    expect(check(policyArn, selected).problems).toEqual([])
  })

  it.each([
    ['AmazonEKSClusterAdmin', 'did you mean "AmazonEKSClusterAdminPolicy"?'],
    ['amazoneksviewpolicy', 'did you mean "AmazonEKSViewPolicy"?'],
    ['AmazonEKSVeiwPolicy', 'did you mean "AmazonEKSViewPolicy"?'],
    ['cluster-admin', 'aws eks list-access-policies'],
  ])('rejects unknown short name %s', (policyArn, says) => {
    const { problems, loc } = check(policyArn)
    expect(problems).toEqual([problem({ loc, severity: 'error', code: 'eks:unknown-policy', says: [`"${policyArn}"`, says] })])
  })

  it('gives no did-you-mean for a name far from every policy', () => {
    expect(check('cluster-admin').problems[0]?.message).not.toContain('did you mean')
  })

  it('uses the injected catalogue', () => {
    const catalogue = [{ name: 'AmazonEKSNewPolicy', arn: 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSNewPolicy' }]
    expect(check('AmazonEKSNewPolicy', ['prod-eu'], catalogue).problems).toEqual([])
    expect(check(VIEW, ['prod-eu'], catalogue).problems.map((p) => p.code)).toEqual(['eks:unknown-policy'])
  })

  it.each([
    ['arn:aws:eks::aws:cluster-access-policy/AmazonEKSBrandNewPolicy', []],
    ['arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicyy', ['did you mean "AmazonEKSViewPolicy"?']],
  ])('warns about a full ARN missing from the catalogue: %s', (policyArn, says) => {
    const { problems, loc } = check(policyArn)
    expect(problems).toEqual([
      problem({ loc, severity: 'warning', code: 'eks:unknown-policy', says: ['not in the known access-policy catalogue', ...says] }),
    ])
  })

  it.each([
    ['arn:aws:iam::aws:policy/AmazonEKSClusterPolicy', 'is an IAM policy, not an EKS access policy'],
    ['arn:aws-iso:eks::aws:cluster-access-policy/AmazonEKSViewPolicy', 'partition "aws-iso"'],
    ['arn:aws:ecs::aws:cluster-access-policy/AmazonEKSViewPolicy', 'service "ecs"'],
    ['arn:aws:eks:eu-west-1:aws:cluster-access-policy/AmazonEKSViewPolicy', 'region "eu-west-1"'],
    ['arn:aws:eks::111122223333:cluster-access-policy/AmazonEKSViewPolicy', 'account "111122223333"'],
    ['arn:aws:eks::aws:access-policy/AmazonEKSViewPolicy', 'resource "access-policy/AmazonEKSViewPolicy"'],
    ['arn:aws:eks::aws:cluster-access-policy/', 'empty or invalid policy name'],
  ])('rejects malformed ARN %s', (policyArn, says) => {
    const { problems, loc } = check(policyArn)
    expect(problems).toEqual([
      problem({
        loc,
        severity: 'error',
        code: 'eks:policy-arn',
        says: [`"${policyArn}"`, says, 'arn:<partition>:eks::aws:cluster-access-policy/<Name>'],
      }),
    ])
  })

  it.each([
    [`arn:aws:eks::aws:cluster-access-policy/${VIEW}`, ['prod-cn'], ['partition aws', '"prod-cn" (partition aws-cn)']],
    [`arn:aws-cn:eks::aws:cluster-access-policy/${VIEW}`, ['prod-*'], ['partition aws-cn', '"prod-eu" (partition aws)']],
  ])('rejects %s for clusters %o in another partition', (policyArn, selected, says) => {
    const { problems, loc } = check(policyArn, selected)
    expect(problems).toEqual([
      problem({ loc, severity: 'error', code: 'eks:policy-partition', says: [...says, 'write the short name AmazonEKSViewPolicy'] }),
    ])
  })
})
