import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  buildIamPolicies,
  UNSCOPABLE_ACTIONS,
  type IamFormat,
  type IamPolicyOptions,
  type PolicyDocument,
} from '../../src/onboarding/iam-policy.js'
import { validateSources } from '../../src/manifest/validate.js'
import type { Manifest } from '../../src/types.js'

const DIR = path.join(import.meta.dirname, 'iam')
const UPDATE = process.env['UPDATE_GOLDEN'] === '1'

function manifest(): Manifest {
  const out = validateSources([{ file: 'manifest.yaml', text: readFileSync(path.join(DIR, 'manifest.yaml'), 'utf8') }], {
    now: new Date('2026-01-01T00:00:00Z'),
    expiryWarningDays: 7,
  })
  expect(out.problems.filter((p) => p.severity === 'error')).toEqual([])
  return out.manifest
}

function build(opts: Partial<IamPolicyOptions> = {}) {
  const r = buildIamPolicies(manifest(), { repo: 'acme/platform-access', ...opts })
  if (!r.ok) throw new Error(r.message)
  return r
}

function golden(file: string, actual: string): void {
  const target = path.join(DIR, file)
  if (UPDATE || !existsSync(target)) writeFileSync(target, actual)
  expect(actual).toBe(readFileSync(target, 'utf8'))
}

const ACTION = /^(eks|iam|sts):[A-Za-z]+$/

/** A valid IAM policy document; permission policies scope every action but the unscopable ones. */
function expectValidPolicy(doc: PolicyDocument, kind: 'permissions' | 'trust'): void {
  expect(doc.Version).toBe('2012-10-17')
  expect(Array.isArray(doc.Statement)).toBe(true)
  expect(doc.Statement.length).toBeGreaterThan(0)
  const sids = doc.Statement.map((s) => s.Sid)
  expect(new Set(sids).size).toBe(sids.length)
  for (const s of doc.Statement) {
    expect(['Allow', 'Deny']).toContain(s.Effect)
    const actions = typeof s.Action === 'string' ? [s.Action] : s.Action
    expect(actions.length).toBeGreaterThan(0)
    for (const a of actions) expect(a).toMatch(ACTION)
    if (kind === 'trust') {
      expect(s.Principal).toBeDefined()
      expect(s.Resource).toBeUndefined()
      continue
    }
    expect(s.Resource).toBeDefined()
    const resources = typeof s.Resource === 'string' ? [s.Resource] : (s.Resource as readonly string[])
    expect(resources.length).toBeGreaterThan(0)
    for (const r of resources) {
      if (r === '*') expect(actions.every((a) => UNSCOPABLE_ACTIONS.includes(a))).toBe(true)
      else expect(r).toMatch(/^arn:aws(-cn|-us-gov)?:(eks|iam):/)
    }
  }
}

describe('iam-policy', () => {
  it('one plan and one apply policy per role the manifest names; clusters without roles are left out', () => {
    const r = build()
    expect(r.roles.map((x) => [x.role, x.kind, x.clusters.join(',')])).toEqual([
      ['arn:aws-cn:iam::444455556666:role/ci/eks-access-apply', 'apply', 'china'],
      ['arn:aws-cn:iam::444455556666:role/ci/eks-access-plan', 'plan', 'china'],
      ['arn:aws:iam::111122223333:role/eks-access-apply', 'apply', 'prod-eu,staging-eu'],
      ['arn:aws:iam::111122223333:role/eks-access-plan', 'plan', 'prod-eu,staging-eu'],
    ])
  })

  it.each<IamFormat>(['json', 'cloudformation', 'terraform'])('%s output matches its golden file', (format) => {
    const r = build({ format, guardrails: { deniedPolicies: ['AmazonEKSAdminViewPolicy'] } })
    golden(`policies.${format === 'json' ? 'json' : format === 'cloudformation' ? 'cfn.json' : 'tf'}`, r.text)
  })

  it('every document is a valid policy with no wildcard resource except ListAccessPolicies', () => {
    const r = build({
      guardrails: {
        deniedPolicies: ['AmazonEKSAdminViewPolicy'],
        namespaceOnlyPolicies: ['AmazonEKSEditPolicy'],
        deniedPrincipals: ['arn:aws:iam::*:user/*'],
        protectedNamespaces: ['kube-system'],
        policyHolders: [{ policy: 'AmazonEKSClusterAdminPolicy', principals: ['arn:aws:iam::111122223333:role/platform-admins'] }],
      },
    })
    for (const role of r.roles) {
      expectValidPolicy(role.permissions, 'permissions')
      expectValidPolicy(role.trust, 'trust')
    }
  })

  it('the JSON output parses back to the same documents', () => {
    const r = build()
    const parsed = JSON.parse(r.text) as { role: string; kind: string; permissions: PolicyDocument; trust: PolicyDocument }[]
    expect(parsed.map((p) => p.role)).toEqual(r.roles.map((x) => x.role))
    for (const p of parsed) {
      expectValidPolicy(p.permissions, 'permissions')
      expectValidPolicy(p.trust, 'trust')
    }
  })

  it('cloudformation: one JSON template per account, AWS::IAM::Role resources with valid documents', () => {
    const r = build({ format: 'cloudformation' })
    const templates = r.text.split('\n---\n').map(
      (t) =>
        JSON.parse(t) as {
          AWSTemplateFormatVersion: string
          Resources: Record<
            string,
            {
              Type: string
              Properties: { AssumeRolePolicyDocument: PolicyDocument; Policies: { PolicyDocument: PolicyDocument }[]; Path: string }
            }
          >
        },
    )
    expect(templates).toHaveLength(2)
    for (const t of templates) {
      expect(t.AWSTemplateFormatVersion).toBe('2010-09-09')
      for (const res of Object.values(t.Resources)) {
        expect(res.Type).toBe('AWS::IAM::Role')
        expectValidPolicy(res.Properties.AssumeRolePolicyDocument, 'trust')
        for (const p of res.Properties.Policies) expectValidPolicy(p.PolicyDocument, 'permissions')
      }
    }
    expect(templates[0]?.Resources['EksAccessApply']?.Properties.Path).toBe('/')
    expect(templates[1]?.Resources['EksAccessApply']?.Properties.Path).toBe('/ci/')
  })

  it('terraform: every jsonencode() argument is a valid policy document', () => {
    const r = build({ format: 'terraform' })
    const docs = jsonencodeArguments(r.text)
    expect(docs).toHaveLength(8)
    expect(r.text.match(/resource "aws_iam_role" /g)).toHaveLength(4)
    for (const d of docs) expectValidPolicy(d, d.Statement.some((s) => s.Principal !== undefined) ? 'trust' : 'permissions')
  })

  it('plan role: reads only; apply role: the mutating access-entry actions, never UntagResource', () => {
    const r = build()
    const actionsOf = (kind: string, account: string) =>
      new Set(
        r.roles
          .filter((x) => x.kind === kind && x.role.includes(account))
          .flatMap((x) => x.permissions.Statement.flatMap((s) => (typeof s.Action === 'string' ? [s.Action] : s.Action))),
      )
    const plan = actionsOf('plan', '111122223333')
    expect([...plan].sort()).toEqual([
      'eks:DescribeAccessEntry',
      'eks:DescribeCluster',
      'eks:ListAccessEntries',
      'eks:ListAccessPolicies',
      'eks:ListAssociatedAccessPolicies',
      'iam:GetRole',
      'iam:GetUser',
    ])
    const apply = actionsOf('apply', '111122223333')
    for (const a of [
      'eks:CreateAccessEntry',
      'eks:UpdateAccessEntry',
      'eks:DeleteAccessEntry',
      'eks:AssociateAccessPolicy',
      'eks:DisassociateAccessPolicy',
      'eks:TagResource',
      'eks:UpdateClusterConfig',
      'eks:DescribeUpdate',
      'iam:PassRole',
    ])
      expect(apply).toContain(a)
    expect(apply).not.toContain('eks:UntagResource')
    // no cluster of the China role sets authenticationMode, and it has no EC2 node entries
    const cn = actionsOf('apply', '444455556666')
    expect(cn).not.toContain('eks:UpdateClusterConfig')
    expect(cn).not.toContain('eks:DescribeUpdate')
    expect(cn).not.toContain('iam:PassRole')
  })

  it('UpdateClusterConfig only for clusters that set a mode, and only to that mode; PassRole only for EC2 node roles, to ec2', () => {
    const apply = build().roles.find((x) => x.kind === 'apply' && x.role.includes('111122223333'))
    const byId = Object.fromEntries((apply?.permissions.Statement ?? []).map((s) => [s.Sid, s]))
    expect(byId['SwitchAuthenticationMode']).toMatchObject({
      Resource: 'arn:aws:eks:eu-west-1:111122223333:cluster/prod',
      Condition: { StringEquals: { 'eks:authenticationMode': 'API_AND_CONFIG_MAP' } },
    })
    expect(byId['PassNodeRolesToEc2NodeEntries']).toMatchObject({
      Resource: ['arn:aws:iam::111122223333:role/karpenter-node', 'arn:aws:iam::111122223333:role/windows-node'],
      Condition: { StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } },
    })
    expect(byId['ManageAccessEntries']?.Resource).toEqual([
      'arn:aws:eks:eu-west-1:111122223333:access-entry/prod/*',
      'arn:aws:eks:eu-west-1:111122223333:access-entry/staging-eu/*',
    ])
  })

  it("trust: GitHub OIDC in the role's partition and account, audience and subjects", () => {
    const r = build({ branch: 'release', audience: 'sts.amazonaws.com' })
    const plan = r.roles.find((x) => x.kind === 'plan' && x.role.includes('aws-cn'))
    expect(plan?.trust.Statement[0]).toEqual({
      Sid: 'GitHubActionsPlan',
      Effect: 'Allow',
      Principal: { Federated: 'arn:aws-cn:iam::444455556666:oidc-provider/token.actions.githubusercontent.com' },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: {
        StringEquals: {
          'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
          'token.actions.githubusercontent.com:sub': [
            'repo:acme/platform-access:pull_request',
            'repo:acme/platform-access:ref:refs/heads/release',
          ],
        },
      },
    })
    const apply = r.roles.find((x) => x.kind === 'apply' && x.role.includes('aws-cn'))
    expect(apply?.trust.Statement[0]?.Condition?.['StringEquals']?.['token.actions.githubusercontent.com:sub']).toBe(
      'repo:acme/platform-access:ref:refs/heads/release',
    )
  })

  it('guardrails become Deny statements on the EKS condition keys', () => {
    const r = build({
      guardrails: {
        deniedPolicies: ['AmazonEKSAdminViewPolicy'],
        namespaceOnlyPolicies: ['AmazonEKSEditPolicy'],
        deniedPrincipals: ['arn:aws:iam::*:user/*'],
        protectedNamespaces: ['kube-system'],
        policyHolders: [{ policy: 'AmazonEKSClusterAdminPolicy', principals: ['arn:aws:iam::111122223333:role/platform-admins'] }],
      },
    })
    const apply = r.roles.find((x) => x.kind === 'apply' && x.role.includes('111122223333'))
    const denies = Object.fromEntries(
      (apply?.permissions.Statement ?? []).filter((s) => s.Effect === 'Deny').map((s) => [s.Sid, s.Condition]),
    )
    expect(denies).toEqual({
      GuardrailDeniedPolicies: { ArnLike: { 'eks:policyArn': 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSAdminViewPolicy' } },
      GuardrailNamespaceOnlyPolicies: {
        ArnLike: { 'eks:policyArn': 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy' },
        StringEquals: { 'eks:accessScope': 'cluster' },
      },
      GuardrailProtectedNamespaces: { 'ForAnyValue:StringLike': { 'eks:namespaces': 'kube-system' } },
      GuardrailDeniedPrincipals: { ArnLike: { 'eks:principalArn': 'arn:aws:iam::*:user/*' } },
      GuardrailPolicyHolders1: {
        ArnLike: { 'eks:policyArn': 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy' },
        ArnNotLike: { 'eks:principalArn': 'arn:aws:iam::111122223333:role/platform-admins' },
      },
    })
    // the plan role gets no guardrails: it cannot change anything
    const plan = r.roles.find((x) => x.kind === 'plan' && x.role.includes('111122223333'))
    expect(plan?.permissions.Statement.some((s) => s.Effect === 'Deny')).toBe(false)
  })

  it.each([
    ['not-a-repo', '--repo must look like OWNER/REPO, got "not-a-repo"'],
    ['acme/', '--repo must look like OWNER/REPO, got "acme/"'],
    ['a/b/c', '--repo must look like OWNER/REPO, got "a/b/c"'],
  ])('--repo %s is a usage error (exit 2)', (repo, message) => {
    const r = buildIamPolicies(manifest(), { repo })
    expect(r).toEqual({ ok: false, exitCode: 2, message })
  })

  it('a manifest with no roles says so (exit 1)', () => {
    const m = manifest()
    const r = buildIamPolicies({ ...m, clusters: m.clusters.filter((c) => c.key === 'unmanaged') }, { repo: 'a/b' })
    expect(r.ok === false && r.exitCode).toBe(1)
  })
})

/** The JSON argument of each `jsonencode(…)` in HCL, with HCL's `$${` / `%%{` escapes undone. */
function jsonencodeArguments(hcl: string): PolicyDocument[] {
  const out: PolicyDocument[] = []
  let at = hcl.indexOf('jsonencode(')
  while (at >= 0) {
    const start = at + 'jsonencode('.length
    let depth = 0
    let inString = false
    let end = start
    for (let i = start; i < hcl.length; i++) {
      const ch = hcl[i]
      if (inString) {
        if (ch === '\\') i++
        else if (ch === '"') inString = false
        continue
      }
      if (ch === '"') inString = true
      else if (ch === '{' || ch === '[') depth++
      else if (ch === '}' || ch === ']') {
        depth--
        if (depth === 0) {
          end = i + 1
          break
        }
      }
    }
    out.push(
      JSON.parse(
        hcl
          .slice(start, end)
          .replace(/\$\$\{/g, '${')
          .replace(/%%\{/g, '%{'),
      ) as PolicyDocument,
    )
    at = hcl.indexOf('jsonencode(', end)
  }
  return out
}
