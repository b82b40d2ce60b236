/**
 * `iam-policy`: least-privilege IAM permission policies and GitHub OIDC trust policies for the plan
 * and apply roles a manifest names. Pure: the merged manifest in, policy documents and text out.
 *
 * Facts used (Service Authorization Reference for Amazon EKS, "Actions, resources, and condition keys"):
 * - DescribeCluster, ListAccessEntries, CreateAccessEntry, UpdateClusterConfig, DescribeUpdate: resource `cluster`
 *   (`arn:${Partition}:eks:${Region}:${Account}:cluster/${ClusterName}`);
 * - DescribeAccessEntry, ListAssociatedAccessPolicies, UpdateAccessEntry, DeleteAccessEntry,
 *   Associate/DisassociateAccessPolicy, TagResource: resource `access-entry`
 *   (`arn:${Partition}:eks:${Region}:${Account}:access-entry/${ClusterName}/…`);
 * - ListAccessPolicies has no resource type: it needs `"Resource": "*"` (the only wildcard we write);
 * - CreateAccessEntry with tags also authorizes eks:TagResource, and for EC2 node types iam:PassRole
 *   with iam:PassedToService = ec2.amazonaws.com (EKS-API.md §4: "Creating EC2_LINUX / EC2_WINDOWS
 *   entries needs iam:PassRole on the role");
 * - condition keys: eks:policyArn (ARN), eks:principalArn (ARN), eks:accessScope (String),
 *   eks:namespaces (ArrayOfString) on Associate/DisassociateAccessPolicy; eks:principalArn also on
 *   Create/Update/DeleteAccessEntry and TagResource; eks:authenticationMode on UpdateClusterConfig.
 * UntagResource is never granted: the tool never removes tags (PRODUCT.md).
 */
import { parsePrincipalArn } from '../arn.js'
import { policyArnFor } from '../policies.js'
import type { Manifest, ManifestCluster, Partition } from '../types.js'

export type IamFormat = 'json' | 'cloudformation' | 'terraform'

/**
 * Guardrails the apply role enforces itself, as explicit Deny statements, so even a compromised
 * workflow cannot grant what the organisation forbids. Derived from the organisation rules by the
 * caller (kinds: denied-principals, namespace-scoped-policies, protected-namespaces, policy-holders).
 * Policies: short names or full ARNs. Principal patterns use IAM ArnLike: `*` and `?` match within
 * one colon-separated field of the ARN (they do not cross `:`).
 */
export interface IamGuardrails {
  /** Access policies the apply role may never associate. */
  readonly deniedPolicies?: readonly string[]
  /** Access policies that may be associated only at namespace scope. */
  readonly namespaceOnlyPolicies?: readonly string[]
  /** Principals that may never get (or keep being granted through) an entry. */
  readonly deniedPrincipals?: readonly string[]
  /** Namespaces (patterns) no policy may be scoped to. */
  readonly protectedNamespaces?: readonly string[]
  /** A policy that only the listed principals may hold. */
  readonly policyHolders?: readonly {
    readonly policy: string
    readonly principals: readonly string[]
    /** Only cluster-scope associations are restricted (namespace-scoped ones stay open). */
    readonly clusterScopeOnly?: boolean
  }[]
  /** Namespaces (patterns) only the listed principals may be granted. */
  readonly namespaceHolders?: readonly { readonly namespaces: readonly string[]; readonly principals: readonly string[] }[]
}

export interface IamPolicyOptions {
  /** OWNER/REPO of the repository whose workflows assume the roles. */
  readonly repo: string
  /** The default branch apply runs on; `main` by default. */
  readonly branch?: string
  /** OIDC audience; `sts.amazonaws.com` by default. */
  readonly audience?: string
  readonly format?: IamFormat
  readonly guardrails?: IamGuardrails
}

export interface PolicyStatement {
  readonly Sid: string
  readonly Effect: 'Allow' | 'Deny'
  readonly Action: string | readonly string[]
  /** Absent only in trust policies (a role's trust names a Principal instead). */
  readonly Resource?: string | readonly string[]
  readonly Principal?: Readonly<Record<string, string>>
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>
}

export interface PolicyDocument {
  readonly Version: '2012-10-17'
  readonly Statement: readonly PolicyStatement[]
}

export interface RolePolicies {
  /** The role ARN as the manifest names it. */
  readonly role: string
  readonly kind: 'plan' | 'apply'
  /** Logical names of the clusters this role serves, sorted. */
  readonly clusters: readonly string[]
  readonly permissions: PolicyDocument
  readonly trust: PolicyDocument
}

export type IamPolicyResult =
  | { readonly ok: true; readonly roles: readonly RolePolicies[]; readonly text: string; readonly notes: readonly string[] }
  | { readonly ok: false; readonly exitCode: 1 | 2; readonly message: string }

/** The action with no resource-level permissions; everything else is scoped. */
export const UNSCOPABLE_ACTIONS: readonly string[] = ['eks:ListAccessPolicies']

const GITHUB_OIDC = 'token.actions.githubusercontent.com'
const REPO = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9._-]{1,100}$/
const BRANCH = /^(?!\/|.*\/$|.*\.\.|.*@\{)[^\s~^:?*[\\\x00-\x1f\x7f]+$/
const NODE_TYPES_NEEDING_PASS_ROLE = new Set(['EC2_LINUX', 'EC2_WINDOWS'])

export function buildIamPolicies(manifest: Manifest, opts: IamPolicyOptions): IamPolicyResult {
  if (!REPO.test(opts.repo)) return { ok: false, exitCode: 2, message: `--repo must look like OWNER/REPO, got "${opts.repo}"` }
  const branch = opts.branch ?? 'main'
  if (!BRANCH.test(branch)) return { ok: false, exitCode: 2, message: `--branch "${branch}" is not a branch name` }
  const audience = opts.audience ?? 'sts.amazonaws.com'
  const format = opts.format ?? 'json'
  const byRole = new Map<string, { kind: 'plan' | 'apply'; role: string; clusters: ManifestCluster[] }>()
  for (const cluster of manifest.clusters) {
    for (const [kind, role] of [
      ['plan', cluster.planRoleArn],
      ['apply', cluster.roleArn],
    ] as const) {
      if (role === undefined) continue
      const key = `${kind} ${role}`
      const group = byRole.get(key) ?? { kind, role, clusters: [] }
      group.clusters.push(cluster)
      byRole.set(key, group)
    }
  }
  if (byRole.size === 0) {
    return {
      ok: false,
      exitCode: 1,
      message: 'the manifest names no roles: set planRoleArn and roleArn on its clusters, then run iam-policy again',
    }
  }
  const notes: string[] = []
  const roles = [...byRole.values()]
    .sort((a, b) => cmp(a.role, b.role) || cmp(a.kind, b.kind))
    .map((g) => {
      const clusters = [...g.clusters].sort((a, b) => cmp(a.key, b.key))
      const roleAccount = parsePrincipalArn(g.role)
      const account = roleAccount.ok ? roleAccount.value.accountId : undefined
      for (const c of clusters) {
        if (account !== undefined && c.accountId !== account) {
          notes.push(
            `${g.role} (${g.kind}) serves cluster ${c.key} in account ${c.accountId}: EKS has no resource policies, so a role can only reach clusters of its own account (${account})`,
          )
        }
      }
      const permissions =
        g.kind === 'plan' ? planPermissions(clusters, g.role) : applyPermissions(clusters, manifest, opts.guardrails ?? {})
      return {
        role: g.role,
        kind: g.kind,
        clusters: clusters.map((c) => c.key),
        permissions,
        trust: trustPolicy(g.role, g.kind, opts.repo, branch, audience),
      }
    })
  return { ok: true, roles, notes, text: renderIam(roles, format, opts.repo) }
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

// ───────────────────────────── ARNs ─────────────────────────────

export function clusterArn(c: ManifestCluster): string {
  return `arn:${c.partition}:eks:${c.region}:${c.accountId}:cluster/${c.name}`
}

export function accessEntryArns(c: ManifestCluster): string {
  return `arn:${c.partition}:eks:${c.region}:${c.accountId}:access-entry/${c.name}/*`
}

function uniqueSorted(values: readonly string[]): string[] {
  return [...new Set(values)].sort(cmp)
}

function one(values: readonly string[]): string | readonly string[] {
  return values.length === 1 ? (values[0] as string) : values
}

// ───────────────────────────── permissions ─────────────────────────────

/** The reads `plan` (and `apply`'s re-plan) makes. */
function readStatements(clusters: readonly ManifestCluster[]): PolicyStatement[] {
  return [
    {
      Sid: 'ReadClusters',
      Effect: 'Allow',
      Action: ['eks:DescribeCluster', 'eks:ListAccessEntries'],
      Resource: one(uniqueSorted(clusters.map(clusterArn))),
    },
    {
      Sid: 'ReadAccessEntries',
      Effect: 'Allow',
      Action: ['eks:DescribeAccessEntry', 'eks:ListAssociatedAccessPolicies'],
      Resource: one(uniqueSorted(clusters.map(accessEntryArns))),
    },
    // ListAccessPolicies supports no resource-level permissions: "*" is the only value IAM accepts.
    { Sid: 'ListAccessPoliciesHasNoResourceScope', Effect: 'Allow', Action: 'eks:ListAccessPolicies', Resource: '*' },
  ]
}

function planPermissions(clusters: readonly ManifestCluster[], role: string): PolicyDocument {
  const parsed = parsePrincipalArn(role)
  const statements = readStatements(clusters)
  if (parsed.ok) {
    // Dead-access checks (orphaned / stale entries) read IAM; IAM answers only for the caller's own account.
    const { partition, accountId } = parsed.value
    statements.push({
      Sid: 'FindDeadAccess',
      Effect: 'Allow',
      Action: ['iam:GetRole', 'iam:GetUser'],
      Resource: [`arn:${partition}:iam::${accountId}:role/*`, `arn:${partition}:iam::${accountId}:user/*`],
    })
  }
  return { Version: '2012-10-17', Statement: statements }
}

function applyPermissions(clusters: readonly ManifestCluster[], manifest: Manifest, guardrails: IamGuardrails): PolicyDocument {
  const clusterArns = uniqueSorted(clusters.map(clusterArn))
  const entryArns = uniqueSorted(clusters.map(accessEntryArns))
  const statements: PolicyStatement[] = [
    ...readStatements(clusters),
    { Sid: 'CreateAccessEntries', Effect: 'Allow', Action: 'eks:CreateAccessEntry', Resource: one(clusterArns) },
    {
      Sid: 'ManageAccessEntries',
      Effect: 'Allow',
      Action: [
        'eks:AssociateAccessPolicy',
        'eks:DeleteAccessEntry',
        'eks:DisassociateAccessPolicy',
        'eks:TagResource',
        'eks:UpdateAccessEntry',
      ],
      Resource: one(entryArns),
    },
  ]
  const modeClusters = clusters.filter((c) => c.authenticationMode !== undefined)
  if (modeClusters.length > 0) {
    const modes = uniqueSorted(modeClusters.map((c) => c.authenticationMode as string))
    statements.push(
      {
        Sid: 'SwitchAuthenticationMode',
        Effect: 'Allow',
        Action: 'eks:UpdateClusterConfig',
        Resource: one(uniqueSorted(modeClusters.map(clusterArn))),
        // Only the mode the manifest sets: no other cluster setting can be changed with this role.
        Condition: { StringEquals: { 'eks:authenticationMode': one(modes) } },
      },
      {
        Sid: 'WatchAuthenticationModeUpdate',
        Effect: 'Allow',
        Action: 'eks:DescribeUpdate',
        Resource: one(uniqueSorted(modeClusters.map(clusterArn))),
      },
    )
  }
  const passRoles = nodeRolesNeedingPassRole(clusters, manifest)
  if (passRoles.length > 0) {
    statements.push({
      Sid: 'PassNodeRolesToEc2NodeEntries',
      Effect: 'Allow',
      Action: 'iam:PassRole',
      Resource: one(passRoles),
      Condition: { StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } },
    })
  }
  statements.push(...guardrailStatements(clusters, clusterArns, entryArns, guardrails))
  return { Version: '2012-10-17', Statement: statements }
}

/** Principal ARNs of EC2_LINUX / EC2_WINDOWS entries that select one of these clusters. */
function nodeRolesNeedingPassRole(clusters: readonly ManifestCluster[], manifest: Manifest): string[] {
  const keys = new Set(clusters.map((c) => c.key))
  const all = manifest.clusters.map((c) => c.key)
  const out: string[] = []
  for (const e of manifest.accessEntries) {
    if (e.type === undefined || !NODE_TYPES_NEEDING_PASS_ROLE.has(e.type)) continue
    const selected = selectedKeys(e.clusters, all)
    if (selected.some((k) => keys.has(k))) out.push(e.principalArn)
  }
  return uniqueSorted(out)
}

/** Cluster selectors: plain names or globs (`*`, `?`); undefined selects every cluster. */
function selectedKeys(selectors: readonly string[] | undefined, keys: readonly string[]): string[] {
  if (selectors === undefined) return [...keys]
  return keys.filter((k) => selectors.some((s) => globToRegExp(s).test(k)))
}

function globToRegExp(glob: string): RegExp {
  const body = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.')
  return new RegExp(`^${body}$`)
}

function policyArns(refs: readonly string[], clusters: readonly ManifestCluster[]): string[] {
  const partitions = uniqueSorted(clusters.map((c) => c.partition)) as Partition[]
  return uniqueSorted(refs.flatMap((r) => partitions.map((p) => policyArnFor(r, p))))
}

function guardrailStatements(
  clusters: readonly ManifestCluster[],
  clusterArns: string[],
  entryArns: string[],
  g: IamGuardrails,
): PolicyStatement[] {
  const out: PolicyStatement[] = []
  const entries = one(entryArns)
  if (g.deniedPolicies !== undefined && g.deniedPolicies.length > 0) {
    out.push({
      Sid: 'GuardrailDeniedPolicies',
      Effect: 'Deny',
      Action: 'eks:AssociateAccessPolicy',
      Resource: entries,
      Condition: { ArnLike: { 'eks:policyArn': one(policyArns(g.deniedPolicies, clusters)) } },
    })
  }
  if (g.namespaceOnlyPolicies !== undefined && g.namespaceOnlyPolicies.length > 0) {
    out.push({
      Sid: 'GuardrailNamespaceOnlyPolicies',
      Effect: 'Deny',
      Action: 'eks:AssociateAccessPolicy',
      Resource: entries,
      Condition: {
        ArnLike: { 'eks:policyArn': one(policyArns(g.namespaceOnlyPolicies, clusters)) },
        StringEquals: { 'eks:accessScope': 'cluster' },
      },
    })
  }
  if (g.protectedNamespaces !== undefined && g.protectedNamespaces.length > 0) {
    out.push({
      Sid: 'GuardrailProtectedNamespaces',
      Effect: 'Deny',
      Action: 'eks:AssociateAccessPolicy',
      Resource: entries,
      Condition: { 'ForAnyValue:StringLike': { 'eks:namespaces': one(uniqueSorted(g.protectedNamespaces)) } },
    })
  }
  if (g.deniedPrincipals !== undefined && g.deniedPrincipals.length > 0) {
    out.push({
      Sid: 'GuardrailDeniedPrincipals',
      Effect: 'Deny',
      Action: ['eks:AssociateAccessPolicy', 'eks:CreateAccessEntry', 'eks:TagResource', 'eks:UpdateAccessEntry'],
      Resource: [...clusterArns, ...entryArns],
      Condition: { ArnLike: { 'eks:principalArn': one(uniqueSorted(g.deniedPrincipals)) } },
    })
  }
  ;(g.policyHolders ?? []).forEach((h, i) => {
    out.push({
      Sid: `GuardrailPolicyHolders${i + 1}`,
      Effect: 'Deny',
      Action: 'eks:AssociateAccessPolicy',
      Resource: entries,
      Condition: {
        ArnLike: { 'eks:policyArn': one(policyArns([h.policy], clusters)) },
        ArnNotLike: { 'eks:principalArn': one(uniqueSorted(h.principals)) },
        ...(h.clusterScopeOnly === true ? { StringEquals: { 'eks:accessScope': 'cluster' } } : {}),
      },
    })
  })
  ;(g.namespaceHolders ?? []).forEach((h, i) => {
    out.push({
      Sid: `GuardrailNamespaceHolders${i + 1}`,
      Effect: 'Deny',
      Action: 'eks:AssociateAccessPolicy',
      Resource: entries,
      Condition: {
        'ForAnyValue:StringLike': { 'eks:namespaces': one(uniqueSorted(h.namespaces)) },
        ArnNotLike: { 'eks:principalArn': one(uniqueSorted(h.principals)) },
      },
    })
  })
  return out
}

// ───────────────────────────── trust ─────────────────────────────

/**
 * Trust on GitHub's OIDC provider in the role's account. Plan: pull requests, and the default branch
 * too, because `drift` (scheduled, on the default branch) and `plan` on push assume the same
 * read-only role. Apply: the default branch only.
 */
function trustPolicy(role: string, kind: 'plan' | 'apply', repo: string, branch: string, audience: string): PolicyDocument {
  const parsed = parsePrincipalArn(role)
  const partition = parsed.ok ? parsed.value.partition : 'aws'
  const account = parsed.ok ? parsed.value.accountId : '*'
  const onBranch = `repo:${repo}:ref:refs/heads/${branch}`
  const subjects = kind === 'plan' ? [`repo:${repo}:pull_request`, onBranch] : [onBranch]
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: kind === 'plan' ? 'GitHubActionsPlan' : 'GitHubActionsApply',
        Effect: 'Allow',
        Principal: { Federated: `arn:${partition}:iam::${account}:oidc-provider/${GITHUB_OIDC}` },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: { StringEquals: { [`${GITHUB_OIDC}:aud`]: audience, [`${GITHUB_OIDC}:sub`]: one(subjects) } },
      },
    ],
  }
}

// ───────────────────────────── rendering ─────────────────────────────

function renderIam(roles: readonly RolePolicies[], format: IamFormat, repo: string): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(
        roles.map(({ role, kind, clusters, permissions, trust }) => ({ role, kind, clusters, permissions, trust })),
        null,
        2,
      )}\n`
    case 'cloudformation':
      return renderCloudFormation(roles, repo)
    case 'terraform':
      return renderTerraform(roles, repo)
  }
}

interface RoleResource {
  readonly account: string
  readonly name: string
  readonly path: string
  readonly arn: string
  readonly parts: readonly RolePolicies[]
}

/** One resource per role ARN; a role named both as plan and apply role gets both policies and both trusts. */
function roleResources(roles: readonly RolePolicies[]): RoleResource[] {
  const byArn = new Map<string, RolePolicies[]>()
  for (const r of roles) byArn.set(r.role, [...(byArn.get(r.role) ?? []), r])
  return [...byArn.entries()].map(([arn, parts]) => {
    const parsed = parsePrincipalArn(arn)
    return {
      arn,
      account: parsed.ok ? parsed.value.accountId : 'unknown',
      name: parsed.ok ? parsed.value.name : arn,
      path: parsed.ok ? parsed.value.path : '/',
      parts,
    }
  })
}

function mergedTrust(parts: readonly RolePolicies[]): PolicyDocument {
  return { Version: '2012-10-17', Statement: parts.flatMap((p) => p.trust.Statement) }
}

function identifier(name: string, style: 'pascal' | 'snake'): string {
  const words = name.split(/[^A-Za-z0-9]+/).filter((w) => w !== '')
  if (style === 'snake') {
    const id = words.join('_').toLowerCase()
    return /^[a-z_]/.test(id) ? id : `role_${id}`
  }
  const id = words.map((w) => w[0]?.toUpperCase() + w.slice(1)).join('')
  return /^[A-Za-z]/.test(id) ? id : `Role${id}`
}

function uniqueIds(resources: readonly RoleResource[], style: 'pascal' | 'snake'): Map<RoleResource, string> {
  const ids = new Map<RoleResource, string>()
  const used = new Set<string>()
  for (const r of resources) {
    const base = identifier(r.name, style)
    let id = base
    for (let n = 2; used.has(id); n++) id = `${base}${style === 'snake' ? '_' : ''}${n}`
    used.add(id)
    ids.set(r, id)
  }
  return ids
}

function byAccount(resources: readonly RoleResource[]): [string, RoleResource[]][] {
  const map = new Map<string, RoleResource[]>()
  for (const r of resources) map.set(r.account, [...(map.get(r.account) ?? []), r])
  return [...map.entries()].sort(([a], [b]) => cmp(a, b))
}

/**
 * A JSON CloudFormation template per account (a stack deploys into one account); several accounts
 * give a YAML stream of JSON documents separated by `---`.
 */
function renderCloudFormation(roles: readonly RolePolicies[], repo: string): string {
  const docs = byAccount(roleResources(roles)).map(([account, resources]) => {
    const ids = uniqueIds(resources, 'pascal')
    const Resources: Record<string, unknown> = {}
    for (const r of resources) {
      Resources[ids.get(r) as string] = {
        Type: 'AWS::IAM::Role',
        Properties: {
          RoleName: r.name,
          Path: r.path,
          Description: `eks-access-gate ${r.parts.map((p) => p.kind).join(' and ')} role for ${repo} (clusters: ${uniqueSorted(r.parts.flatMap((p) => p.clusters)).join(', ')})`,
          AssumeRolePolicyDocument: mergedTrust(r.parts),
          Policies: r.parts.map((p) => ({ PolicyName: `eks-access-gate-${p.kind}`, PolicyDocument: p.permissions })),
        },
      }
    }
    const template = {
      AWSTemplateFormatVersion: '2010-09-09',
      Description:
        `eks-access-gate IAM roles for ${repo} in account ${account}. Needs the GitHub OIDC provider ` +
        `(token.actions.githubusercontent.com) in this account. eks:ListAccessPolicies has no resource-level permissions, hence its "*".`,
      Resources,
    }
    return JSON.stringify(template, null, 2)
  })
  return docs.length === 1 ? `${docs[0]}\n` : `${docs.map((d, i) => `${i === 0 ? '' : '---\n'}${d}`).join('\n')}\n`
}

/** HCL: `jsonencode()` of the JSON document (an HCL object constructor accepts JSON syntax); `${` and `%{` escaped. */
function hclJson(value: unknown, indent: string): string {
  const json = JSON.stringify(value, null, 2).replace(/\$\{/g, '$${').replace(/%\{/g, '%%{')
  return json.split('\n').join(`\n${indent}`)
}

function renderTerraform(roles: readonly RolePolicies[], repo: string): string {
  const blocks: string[] = [
    `# eks-access-gate IAM roles for ${repo}. Each account's roles go into a configuration whose aws provider`,
    '# points at that account; the GitHub OIDC provider (token.actions.githubusercontent.com) must exist there.',
    '# eks:ListAccessPolicies has no resource-level permissions, hence its "*".',
  ]
  for (const [account, resources] of byAccount(roleResources(roles))) {
    const ids = uniqueIds(resources, 'snake')
    blocks.push('', `# ───── account ${account} ─────`)
    for (const r of resources) {
      const id = ids.get(r) as string
      blocks.push(
        '',
        `resource "aws_iam_role" "${id}" {`,
        `  name = ${JSON.stringify(r.name)}`,
        `  path = ${JSON.stringify(r.path)}`,
        `  assume_role_policy = jsonencode(${hclJson(mergedTrust(r.parts), '  ')})`,
        '}',
      )
      for (const p of r.parts) {
        blocks.push(
          '',
          `resource "aws_iam_role_policy" "${id}_${p.kind}" {`,
          `  name   = "eks-access-gate-${p.kind}"`,
          `  role   = aws_iam_role.${id}.id`,
          `  policy = jsonencode(${hclJson(p.permissions, '  ')})`,
          '}',
        )
      }
    }
  }
  return `${blocks.join('\n')}\n`
}
