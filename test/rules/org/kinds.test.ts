/**
 * Every built-in rule kind over one small manifest (two files, two clusters in two accounts), table
 * by table: passing and failing entries, the exact location of each violation, severity, and
 * `files` / `clusters` scoping. Locations are real: the manifest goes through validateSources.
 */
import { describe, expect, it } from 'vitest'
import { brief, evaluate, oneRule } from './support.js'

const A = 'eks-access.yaml'
const B = 'teams/b.yaml'

/**  A: line 3 prod-eu (111…), line 4 dev-eu (444…); entries at 6 (platform-admins), 10 (alice, an IAM user).
 *   B: entry at 3 (team-b from account 999…, cluster admin on prod-*). */
const MANIFEST = {
  [A]: `
    version: 1
    clusters:
      prod-eu: { region: eu-west-1, accountId: "111122223333" }
      dev-eu: { region: eu-west-1, accountId: "444455556666" }
    accessEntries:
      - principalArn: arn:aws:iam::111122223333:role/platform-admins
        accessPolicies:
          - policyArn: AmazonEKSClusterAdminPolicy
            accessScope: { type: cluster }
      - principalArn: arn:aws:iam::111122223333:user/alice
        clusters: [dev-eu]
        username: alice
        kubernetesGroups: [readers, cluster-admins]
        tags: { owner: team-a, ticket: OPS-1 }
        accessPolicies:
          - policyArn: AmazonEKSEditPolicy
            accessScope: { type: namespace, namespaces: [team-a, kube-system, "kube-*"] }
  `,
  [B]: `
    version: 1
    accessEntries:
      - principalArn: arn:aws:iam::999988887777:role/team-b
        clusters: ["prod-*"]
        username: "team-b:{{SessionName}}"
        tags: { owner: team-b }
        accessPolicies:
          - policyArn: AmazonEKSClusterAdminPolicy
            accessScope: { type: cluster }
  `,
}

interface Case {
  readonly name: string
  readonly rule: string
  readonly expected: readonly string[]
}

function run(cases: readonly Case[]): void {
  it.each(cases)('$name', ({ rule, expected }) => {
    expect(evaluate(oneRule(rule), MANIFEST).map(brief)).toEqual(expected)
  })
}

const E = (file: string, line: number, column: number, id: string, severity = 'error'): string =>
  `${file}:${line}:${column} ${severity} rule:${id}`

describe('allowed-accounts', () => {
  run([
    {
      name: 'principals of other accounts need crossAccount; same-account principals need accounts',
      rule: 'id: acc\nkind: allowed-accounts\naccounts: ["111122223333", "444455556666"]',
      expected: [E(A, 6, 19, 'acc'), E(A, 10, 19, 'acc'), E(B, 3, 19, 'acc')],
    },
    {
      name: 'crossAccount lets an account reach clusters in other accounts',
      rule: 'id: acc\nkind: allowed-accounts\naccounts: ["111122223333"]\ncrossAccount: ["111122223333"]',
      expected: [E(B, 3, 19, 'acc')],
    },
    {
      name: 'a same-account principal outside accounts fails even when cross-account access is open',
      rule: 'id: acc\nkind: allowed-accounts\naccounts: ["444455556666"]\ncrossAccount: ["*"]',
      expected: [E(A, 6, 19, 'acc')],
    },
  ])
})

describe('denied-principals and allowed-principals', () => {
  run([
    {
      name: 'IAM users denied',
      rule: 'id: no-users\nkind: denied-principals\nprincipals: ["*:user/*", "*:root"]',
      expected: [E(A, 10, 19, 'no-users')],
    },
    { name: 'nothing denied', rule: 'id: no-root\nkind: denied-principals\nprincipals: ["*:root"]', expected: [] },
    {
      name: 'only roles of one account allowed (* spans : and /)',
      rule: 'id: roles\nkind: allowed-principals\nprincipals: ["arn:aws:iam::111122223333:role/*"]',
      expected: [E(A, 10, 19, 'roles'), E(B, 3, 19, 'roles')],
    },
    { name: 'every principal allowed', rule: 'id: any\nkind: allowed-principals\nprincipals: ["arn:*"]', expected: [] },
  ])
})

describe('policy-holders', () => {
  run([
    {
      name: 'cluster admin only for platform roles (at the policyArn)',
      rule: 'id: admins\nkind: policy-holders\npolicy: AmazonEKSClusterAdminPolicy\nprincipals: ["*:role/platform-*"]',
      expected: [E(B, 8, 20, 'admins')],
    },
    {
      name: 'a full policy ARN in the rule matches a short name in the manifest',
      rule: 'id: admins\nkind: policy-holders\npolicy: arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy\nprincipals: ["*:role/platform-*", "*:role/team-b"]',
      expected: [],
    },
    {
      name: 'any holder of a namespaced policy',
      rule: 'id: edit\nkind: policy-holders\npolicy: AmazonEKSEditPolicy\nprincipals: ["*:role/*"]',
      expected: [E(A, 16, 20, 'edit')],
    },
    {
      name: 'clusterScopeOnly leaves namespace-scoped associations alone',
      rule: 'id: edit\nkind: policy-holders\npolicy: AmazonEKSEditPolicy\nprincipals: ["*:role/*"]\nclusterScopeOnly: true',
      expected: [],
    },
  ])
})

describe('namespace-scoped-policies', () => {
  run([
    {
      name: 'cluster admin must be namespaced',
      rule: 'id: ns\nkind: namespace-scoped-policies\npolicies: [AmazonEKSClusterAdminPolicy]',
      expected: [E(A, 8, 20, 'ns'), E(B, 8, 20, 'ns')],
    },
    { name: 'edit is namespaced already', rule: 'id: ns\nkind: namespace-scoped-policies\npolicies: [AmazonEKSEditPolicy]', expected: [] },
  ])
})

describe('protected-namespaces', () => {
  run([
    {
      name: 'kube-system by name and by wildcard, at each item',
      rule: 'id: kube\nkind: protected-namespaces\nnamespaces: [kube-system]\nprincipals: ["*:role/platform-*"]',
      expected: [E(A, 17, 62, 'kube'), E(A, 17, 75, 'kube')],
    },
    {
      name: 'a protected prefix covers names and overlapping wildcards',
      rule: 'id: kube\nkind: protected-namespaces\nnamespaces: ["kube-*"]',
      expected: [E(A, 17, 62, 'kube'), E(A, 17, 75, 'kube')],
    },
    {
      name: 'a listed principal may be granted them',
      rule: 'id: kube\nkind: protected-namespaces\nnamespaces: [kube-system]\nprincipals: ["*:user/alice"]',
      expected: [],
    },
    {
      name: 'allowWildcards: false — even a listed principal must name them exactly',
      rule: 'id: kube\nkind: protected-namespaces\nnamespaces: [kube-system]\nprincipals: ["*:user/alice"]\nallowWildcards: false',
      expected: [E(A, 17, 75, 'kube')],
    },
    {
      name: 'unrelated namespaces pass',
      rule: 'id: kube\nkind: protected-namespaces\nnamespaces: [istio-system, "monitoring-*"]',
      expected: [],
    },
  ])
})

describe('cluster-admins (at the cluster key)', () => {
  run([
    { name: 'max 1: prod-eu has two', rule: 'id: admins\nkind: cluster-admins\nmin: 1\nmax: 1', expected: [E(A, 3, 3, 'admins')] },
    { name: 'min 2: dev-eu has one', rule: 'id: floor\nkind: cluster-admins\nmin: 2', expected: [E(A, 4, 3, 'floor')] },
    { name: 'clusters scoping', rule: 'id: floor\nkind: cluster-admins\nmin: 2\nclusters: ["prod-*"]', expected: [] },
    {
      name: 'files scoping matches the file defining the cluster',
      rule: 'id: floor\nkind: cluster-admins\nmin: 2\nfiles: ["teams/**"]',
      expected: [],
    },
  ])

  it('does not count expired admins when the clock is given', () => {
    const manifest = {
      [A]: `
        version: 1
        clusters:
          prod-eu: { region: eu-west-1, accountId: "111122223333" }
        accessEntries:
          - principalArn: arn:aws:iam::111122223333:role/break-glass
            expiresAt: 2026-01-01
            accessPolicies:
              - policyArn: AmazonEKSClusterAdminPolicy
                accessScope: { type: cluster }
      `,
    }
    const rules = oneRule('id: floor\nkind: cluster-admins\nmin: 1')
    expect(evaluate(rules, manifest).map(brief)).toEqual([])
    expect(evaluate(rules, manifest, { now: new Date('2026-11-15T00:00:00Z') }).map(brief)).toEqual([E(A, 3, 3, 'floor')])
  })
})

describe('required-tags', () => {
  run([
    {
      name: 'list of keys: missing ones at tags, else the entry',
      rule: 'id: tags\nkind: required-tags\ntags: [owner, ticket]',
      expected: [E(A, 6, 5, 'tags'), E(B, 6, 11, 'tags')],
    },
    {
      name: 'map of value patterns: a wrong value at the tag key',
      rule: 'id: tags\nkind: required-tags\ntags: { owner: "team-a*" }',
      expected: [E(A, 6, 5, 'tags'), E(B, 6, 13, 'tags')],
    },
  ])
})

describe('forbidden-groups and username-patterns', () => {
  run([
    { name: 'group item', rule: 'id: groups\nkind: forbidden-groups\ngroups: ["cluster-admin*"]', expected: [E(A, 13, 33, 'groups')] },
    { name: 'no forbidden group', rule: 'id: groups\nkind: forbidden-groups\ngroups: [wheel]', expected: [] },
    {
      name: 'usernames must carry the session name',
      rule: 'id: users\nkind: username-patterns\npatterns: ["*:{{SessionName}}"]',
      expected: [E(A, 12, 15, 'users')],
    },
  ])
})

describe('severity, files and clusters scoping', () => {
  run([
    {
      name: 'warning severity',
      rule: 'id: no-users\nkind: denied-principals\nseverity: warning\nprincipals: ["*:user/*"]',
      expected: [E(A, 10, 19, 'no-users', 'warning')],
    },
    {
      name: 'files: only teams/**',
      rule: 'id: roles\nkind: allowed-principals\nprincipals: ["*:role/platform-*"]\nfiles: ["teams/**"]',
      expected: [E(B, 3, 19, 'roles')],
    },
    {
      name: 'files: a glob that matches nothing',
      rule: 'id: roles\nkind: allowed-principals\nprincipals: ["*:role/platform-*"]\nfiles: ["other/*.yaml"]',
      expected: [],
    },
    {
      name: 'clusters: only entries that select dev-*',
      rule: 'id: roles\nkind: allowed-principals\nprincipals: ["*:role/platform-*"]\nclusters: ["dev-*"]',
      expected: [E(A, 10, 19, 'roles')],
    },
    {
      name: 'clusters by plain name',
      rule: 'id: roles\nkind: allowed-principals\nprincipals: ["*:role/platform-*"]\nclusters: [prod-eu]',
      expected: [E(B, 3, 19, 'roles')],
    },
  ])
})

describe('messages', () => {
  it('start with the rule message, placeholders interpolated', () => {
    const [p] = evaluate(
      oneRule(
        'id: no-users\nkind: denied-principals\nmessage: "{principalArn} is a person, not a role ({cluster}, {file})"\nprincipals: ["*:user/*"]',
      ),
      MANIFEST,
    )
    expect(p?.message).toBe(
      'arn:aws:iam::111122223333:user/alice is a person, not a role (dev-eu, eks-access.yaml): principal "arn:aws:iam::111122223333:user/alice" matches denied pattern "*:user/*"',
    )
  })

  it('files globs see paths relative to the repository root (cwdFromRoot)', () => {
    const rules = oneRule('id: roles\nkind: allowed-principals\nprincipals: ["*:role/platform-*"]\nfiles: ["infra/teams/**"]')
    expect(evaluate(rules, MANIFEST).map(brief)).toEqual([])
    expect(evaluate(rules, MANIFEST, { cwdFromRoot: 'infra' }).map(brief)).toEqual([E(B, 3, 19, 'roles')])
  })

  it('problems come sorted whatever the rule order', () => {
    const rules = `version: 1\nrules:\n  - { id: z, kind: denied-principals, principals: ["*:user/*"] }\n  - { id: a, kind: allowed-principals, principals: ["*:user/*"] }\n`
    expect(evaluate(rules, MANIFEST).map(brief)).toEqual([E(A, 6, 19, 'a'), E(A, 10, 19, 'z'), E(B, 3, 19, 'a')])
  })
})
