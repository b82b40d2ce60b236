import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { runCli, type CliIO } from '../../src/cli.js'
import { guardrailsFromRules, type GuardrailRule } from '../../src/commands/iam-policy.js'
import { validateSources } from '../../src/manifest/validate.js'
import { buildIamPolicies, type PolicyDocument } from '../../src/onboarding/index.js'

/** `iam-policy` through the CLI adapter, on the onboarding fixture manifest (test/onboarding/iam). */
const fixture = resolve(import.meta.dirname, '..', 'onboarding', 'iam', 'manifest.yaml')
const dir = mkdtempSync(join(tmpdir(), 'eag-iam-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
copyFileSync(fixture, join(dir, 'eks-access.yaml'))
writeFileSync(join(dir, 'broken.yaml'), 'version: 1\nclusters:\n  prod: { region: eu-west-1 }\n')
writeFileSync(
  join(dir, 'no-roles.yaml'),
  'version: 1\nclusters:\n  prod: { region: eu-west-1, accountId: "111122223333", allowNoClusterAdmin: true }\n',
)
const withRules = join(dir, 'with-rules')
mkdirSync(join(withRules, '.github'), { recursive: true })
copyFileSync(fixture, join(withRules, 'eks-access.yaml'))
copyFileSync(
  resolve(import.meta.dirname, '..', '..', 'examples', 'eks-access-rules.yaml'),
  join(withRules, '.github', 'eks-access-rules.yaml'),
)

async function cli(argv: string[], cwd = dir): Promise<{ code: number; out: string; err: string }> {
  let out = ''
  let err = ''
  const io: CliIO = {
    stdout: (t) => void (out += t),
    stderr: (t) => void (err += t),
    cwd,
    env: {},
    now: () => new Date('2026-11-28T12:00:00Z'),
    isTTY: false,
  }
  return { code: await runCli(argv, io), out, err }
}

interface RoleJson {
  role: string
  kind: 'plan' | 'apply'
  permissions: PolicyDocument
  trust: PolicyDocument
}

describe('iam-policy', () => {
  it('prints JSON: {role, kind, permissions, trust} per role the manifest names', async () => {
    const r = await cli(['iam-policy', '--repo', 'acme/platform-access'])
    expect(r.code).toBe(0)
    const roles = JSON.parse(r.out) as RoleJson[]
    expect(roles.map((x) => `${x.kind} ${x.role}`)).toEqual([
      'apply arn:aws-cn:iam::444455556666:role/ci/eks-access-apply',
      'plan arn:aws-cn:iam::444455556666:role/ci/eks-access-plan',
      'apply arn:aws:iam::111122223333:role/eks-access-apply',
      'plan arn:aws:iam::111122223333:role/eks-access-plan',
    ])
    // the same text the core renders for these options
    expect(r.out).toBe(expectedText('json'))
  })

  it('the plan role can run the dead-access checks (iam:GetRole / iam:GetUser in its own account)', async () => {
    const roles = JSON.parse((await cli(['iam-policy', '--repo', 'acme/platform-access'])).out) as RoleJson[]
    const plan = roles.find((x) => x.role === 'arn:aws:iam::111122223333:role/eks-access-plan')
    const dead = plan?.permissions.Statement.find((s) => s.Sid === 'FindDeadAccess')
    expect(dead).toMatchObject({
      Effect: 'Allow',
      Action: ['iam:GetRole', 'iam:GetUser'],
      Resource: ['arn:aws:iam::111122223333:role/*', 'arn:aws:iam::111122223333:user/*'],
    })
  })

  it('--branch and --audience reach the trust policies', async () => {
    const r = await cli(['iam-policy', '--repo', 'acme/platform-access', '--branch', 'release', '--audience', 'sts.example.com'])
    const apply = (JSON.parse(r.out) as RoleJson[]).find((x) => x.kind === 'apply')
    expect(apply?.trust.Statement[0]?.Condition).toEqual({
      StringEquals: {
        'token.actions.githubusercontent.com:aud': 'sts.example.com',
        'token.actions.githubusercontent.com:sub': 'repo:acme/platform-access:ref:refs/heads/release',
      },
    })
  })

  it.each(['cloudformation', 'terraform'] as const)('--format %s', async (format) => {
    const r = await cli(['iam-policy', '--repo', 'acme/platform-access', '--format', format])
    expect(r.code).toBe(0)
    expect(r.out).toBe(expectedText(format))
    if (format === 'cloudformation') expect(r.out).toContain('"AWS::IAM::Role"')
    else expect(r.out).toContain('resource "aws_iam_role"')
  })

  it('--manifest names another file', async () => {
    const r = await cli(['iam-policy', '--repo', 'a/b', '--manifest', 'eks-access.yaml'])
    expect(r.code).toBe(0)
  })

  it.each([
    [['iam-policy', '--repo', 'not-a-repo'], '--repo must look like OWNER/REPO, got "not-a-repo"'],
    [['iam-policy', '--repo', 'a/b/c'], '--repo must look like OWNER/REPO, got "a/b/c"'],
    [['iam-policy'], 'missing --repo'],
    [['iam-policy', '--repo', 'a/b', '--format', 'yaml'], '--format must be one of json, cloudformation, terraform'],
    [['iam-policy', '--repo', 'a/b', '--audience', 'two words'], '--audience must be one token'],
    [['iam-policy', '--repo', 'a/b', '--branch', 'bad..branch'], '--branch "bad..branch" is not a branch name'],
    [['iam-policy', '--repo', 'a/b', '--manifest', 'missing.yaml'], 'missing.yaml'],
    [['iam-policy', '--repo', 'a/b', '--rules', 'missing-rules.yaml'], 'rules file "missing-rules.yaml" not found'],
  ])('%j is exit 2 with a clear message and nothing on stdout', async (argv, message) => {
    const r = await cli(argv)
    expect(r.code).toBe(2)
    expect(r.out).toBe('')
    expect(r.err).toContain(message)
  })

  it('an invalid manifest is exit 1 with its problems, and no policies', async () => {
    const r = await cli(['iam-policy', '--repo', 'a/b', '--manifest', 'broken.yaml'])
    expect(r.code).toBe(1)
    expect(r.out).toBe('')
    expect(r.err).toMatch(/^broken\.yaml:3:\d+: error /m)
  })

  it('a manifest that names no roles is exit 1 and says what to set', async () => {
    const r = await cli(['iam-policy', '--repo', 'a/b', '--manifest', 'no-roles.yaml'])
    expect(r).toMatchObject({ code: 1, out: '' })
    expect(r.err).toContain('set planRoleArn and roleArn')
  })

  it('the organisation rules (default file) become Deny guardrails; rules IAM cannot carry are warnings', async () => {
    const r = await cli(['iam-policy', '--repo', 'a/b'], withRules)
    expect(r.code).toBe(0)
    const apply = (JSON.parse(r.out) as RoleJson[]).find((x) => x.role === 'arn:aws:iam::111122223333:role/eks-access-apply')
    const denies = apply?.permissions.Statement.filter((s) => s.Effect === 'Deny').map((s) => s.Sid)
    expect(denies).toEqual(['GuardrailDeniedPrincipals', 'GuardrailPolicyHolders1', 'GuardrailNamespaceHolders1'])
    expect(r.err).toContain(
      'rule namespaced-write (namespace-scoped-policies) is not enforced by the apply role: it applies to some manifest files only',
    )
    const plan = (JSON.parse(r.out) as RoleJson[]).find((x) => x.kind === 'plan')
    expect(plan?.permissions.Statement.some((s) => s.Effect === 'Deny')).toBe(false)
  })

  it('--rules FILE is read instead of the default', async () => {
    writeFileSync(
      join(withRules, 'other-rules.yaml'),
      'version: 1\nrules:\n  - { id: ns, kind: namespace-scoped-policies, policies: [AmazonEKSEditPolicy] }\n',
    )
    const r = await cli(['iam-policy', '--repo', 'a/b', '--rules', 'other-rules.yaml'], withRules)
    expect(r.code).toBe(0)
    expect(r.out).toContain('GuardrailNamespaceOnlyPolicies')
    expect(r.out).not.toContain('GuardrailPolicyHolders1')
  })

  it('a broken rules file is exit 1 with its problems, and no policies', async () => {
    writeFileSync(join(withRules, 'broken-rules.yaml'), 'version: 1\nrules:\n  - { id: x, kind: denied-principalz }\n')
    const r = await cli(['iam-policy', '--repo', 'a/b', '--rules', 'broken-rules.yaml'], withRules)
    expect(r).toMatchObject({ code: 1, out: '' })
    expect(r.err).toMatch(/^broken-rules\.yaml:3:\d+: error /m)
  })
})

function expectedText(format: 'json' | 'cloudformation' | 'terraform'): string {
  // The core's own output for the fixture (its goldens are in test/onboarding/iam).
  return buildIamPoliciesFromFixture(format)
}

function buildIamPoliciesFromFixture(format: 'json' | 'cloudformation' | 'terraform'): string {
  const checked = validateSources([{ file: 'eks-access.yaml', text: readFileSync(fixture, 'utf8') }], {
    now: new Date('2026-11-28T12:00:00Z'),
    expiryWarningDays: 7,
  })
  const r = buildIamPolicies(checked.manifest, { repo: 'acme/platform-access', format })
  if (!r.ok) throw new Error(r.message)
  return r.text
}

describe('guardrailsFromRules: organisation rule kinds → IAM guardrails', () => {
  const rule = (kind: string, extra: Partial<GuardrailRule> = {}): GuardrailRule => ({ id: kind, kind, ...extra })

  it.each<[string, GuardrailRule[], object]>([
    [
      'denied-principals',
      [rule('denied-principals', { principals: ['arn:aws:iam::*:user/*'] })],
      { deniedPrincipals: ['arn:aws:iam::*:user/*'] },
    ],
    [
      'namespace-scoped-policies',
      [rule('namespace-scoped-policies', { policies: ['AmazonEKSEditPolicy'] })],
      { namespaceOnlyPolicies: ['AmazonEKSEditPolicy'] },
    ],
    [
      'protected-namespaces',
      [rule('protected-namespaces', { namespaces: ['kube-system', 'kube-*'] })],
      { protectedNamespaces: ['kube-system', 'kube-*'] },
    ],
    [
      'policy-holders',
      [rule('policy-holders', { policy: 'AmazonEKSClusterAdminPolicy', principals: ['arn:aws:iam::111122223333:role/platform-admins'] })],
      { policyHolders: [{ policy: 'AmazonEKSClusterAdminPolicy', principals: ['arn:aws:iam::111122223333:role/platform-admins'] }] },
    ],
    [
      'policy-holders held by nobody',
      [rule('policy-holders', { policies: ['AmazonEKSAdminViewPolicy'], principals: [] })],
      { deniedPolicies: ['AmazonEKSAdminViewPolicy'] },
    ],
    ['a warning rule (never blocks)', [rule('denied-principals', { severity: 'warning', principals: ['arn:aws:iam::*:user/*'] })], {}],
    ['kinds with no condition key', [rule('cluster-admins'), rule('required-tags'), rule('cel'), rule('allowed-accounts')], {}],
  ])('%s', (_name, rules, expected) => {
    expect(guardrailsFromRules(rules).guardrails).toEqual(expected)
  })

  it.each<[string, GuardrailRule, string]>([
    ['files', rule('denied-principals', { files: ['teams/**'], principals: ['arn:aws:iam::*:user/*'] }), 'IAM does not see files'],
    ['clusters', rule('namespace-scoped-policies', { clusters: ['prod-*'], policies: ['AmazonEKSEditPolicy'] }), 'some clusters only'],
    [
      'an allow pattern ArnLike reads differently',
      rule('policy-holders', { policy: 'AmazonEKSClusterAdminPolicy', principals: ['*/admins'] }),
      'IAM ArnLike cannot match */admins',
    ],
  ])('a rule limited to %s is skipped and says why', (_name, r, why) => {
    const mapped = guardrailsFromRules([r])
    expect(mapped.guardrails).toEqual({})
    expect(mapped.skipped).toHaveLength(1)
    expect(mapped.skipped[0]).toContain(why)
  })

  it.each<[string, GuardrailRule, object]>([
    [
      'cluster scope only',
      rule('policy-holders', {
        policy: 'AmazonEKSClusterAdminPolicy',
        principals: ['arn:aws:iam::*:role/platform-*'],
        clusterScopeOnly: true,
      }),
      {
        policyHolders: [{ policy: 'AmazonEKSClusterAdminPolicy', principals: ['arn:aws:iam::*:role/platform-*'], clusterScopeOnly: true }],
      },
    ],
    [
      'cluster scope only, held by nobody',
      rule('policy-holders', { policy: 'AmazonEKSAdminPolicy', principals: [], clusterScopeOnly: true }),
      { namespaceOnlyPolicies: ['AmazonEKSAdminPolicy'] },
    ],
    [
      'protected namespaces with allowed principals',
      rule('protected-namespaces', { namespaces: ['kube-system'], principals: ['arn:aws:iam::*:role/platform-*'] }),
      { namespaceHolders: [{ namespaces: ['kube-system'], principals: ['arn:aws:iam::*:role/platform-*'] }] },
    ],
  ])('%s', (_name, r, expected) => {
    expect(guardrailsFromRules([r])).toEqual({ guardrails: expected, skipped: [] })
  })

  it('a denied pattern IAM cannot read is dropped with a warning; *:NAME becomes arn:*:*:*:*:NAME', () => {
    const mapped = guardrailsFromRules([rule('denied-principals', { principals: ['arn:aws:iam::*:user/*', '*:root', 'arn:aws:iam::*'] })])
    expect(mapped.guardrails).toEqual({ deniedPrincipals: ['arn:aws:iam::*:user/*', 'arn:*:*:*:*:root'] })
    expect(mapped.skipped).toEqual([
      expect.stringContaining('only partly enforced by the apply role: IAM ArnLike cannot match arn:aws:iam::*'),
    ])
  })

  it('the mapped guardrails become Deny statements on the apply role', () => {
    const checked = validateSources([{ file: 'eks-access.yaml', text: readFileSync(fixture, 'utf8') }], {
      now: new Date('2026-11-28T12:00:00Z'),
      expiryWarningDays: 7,
    })
    const { guardrails } = guardrailsFromRules([
      rule('denied-principals', { principals: ['arn:aws:iam::*:user/*'] }),
      rule('namespace-scoped-policies', { policies: ['AmazonEKSEditPolicy'] }),
    ])
    const r = buildIamPolicies(checked.manifest, { repo: 'a/b', guardrails })
    if (!r.ok) throw new Error(r.message)
    const apply = r.roles.find((x) => x.kind === 'apply')
    expect(apply?.permissions.Statement.filter((s) => s.Effect === 'Deny').map((s) => s.Sid)).toEqual([
      'GuardrailNamespaceOnlyPolicies',
      'GuardrailDeniedPrincipals',
    ])
  })
})
