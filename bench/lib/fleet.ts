// The generated 5,000-entry manifest (issue 2) that bench/validate.ts and bench/rules.ts both
// measure: `access/00-clusters.yaml` (20 clusters, platform entries) and 49 team files, made by
// code at run time and identical on every run. No imports from src/: loading this module costs the
// validate benchmark's import figure nothing.

export const FLEET_FILES = 50
export const FLEET_ENTRIES = 5000
/** The clock the benchmarks validate at: the fixture's `expiresAt` dates are far after it. */
export const FLEET_NOW = new Date('2026-11-15T12:00:00Z')

export interface ManifestText {
  /** Relative path, e.g. `access/team-01.yaml`. */
  readonly file: string
  readonly text: string
}

interface Env {
  readonly env: string
  readonly account: string
}

interface Cluster extends Env {
  readonly key: string
  readonly region: string
}

/** [policy name or ARN, namespaces (null: cluster scope)] */
type PolicyRef = readonly [string, readonly string[] | null]

interface Entry {
  readonly principalArn: string
  readonly type?: string
  readonly clusters: readonly string[]
  readonly username?: string
  readonly groups?: readonly string[]
  readonly tags?: Readonly<Record<string, string>>
  readonly expiresAt?: string
  readonly policies?: readonly PolicyRef[]
}

const ENVS: readonly Env[] = [
  { env: 'prod', account: '111122223333' },
  { env: 'staging', account: '222233334444' },
  { env: 'dev', account: '333344445555' },
  { env: 'sandbox', account: '444455556666' },
]
const REGIONS: readonly (readonly [region: string, short: string])[] = [
  ['eu-west-1', 'euw1'],
  ['us-east-1', 'use1'],
  ['eu-central-1', 'euc1'],
  ['ap-southeast-2', 'apse2'],
  ['us-west-2', 'usw2'],
]
const NODE_TYPES = ['EC2_LINUX', 'FARGATE_LINUX', 'EC2_WINDOWS', 'HYBRID_LINUX'] as const
const q = (v: string): string => JSON.stringify(v)

/** Index into a list the generator itself made non-empty (keeps noUncheckedIndexedAccess honest). */
function at<T>(list: readonly T[], i: number): T {
  const v = list[i % list.length]
  if (v === undefined) throw new Error(`bench bug: index ${i} into an empty list`)
  return v
}

/** 20 clusters: 4 environments (one account each) × 5 regions. */
function clusters(): Cluster[] {
  return REGIONS.flatMap(([region, short]) => ENVS.map(({ env, account }) => ({ key: `${env}-${short}`, env, region, account })))
}

function clustersYaml(list: readonly Cluster[]): string[] {
  const lines = ['clusters:']
  for (const c of list) {
    lines.push(`  ${c.key}:`)
    if (c.env === 'prod') lines.push(`    name: ${c.env}`)
    lines.push(`    region: ${c.region}`, `    accountId: ${q(c.account)}`)
    if (c.env === 'prod' || c.env === 'staging')
      lines.push(
        `    roleArn: arn:aws:iam::${c.account}:role/eks-access-apply`,
        `    planRoleArn: arn:aws:iam::${c.account}:role/eks-access-plan`,
      )
    if (c.env === 'sandbox') lines.push('    prune: all', '    authenticationMode: API')
    if (c.env === 'staging') lines.push('    adopt: true', '    authenticationMode: API_AND_CONFIG_MAP')
  }
  return lines
}

function entryYaml(e: Entry): string[] {
  const lines = [`  - principalArn: ${e.principalArn}`]
  if (e.type) lines.push(`    type: ${e.type}`)
  lines.push(`    clusters: [${e.clusters.map(q).join(', ')}]`)
  if (e.username) lines.push(`    username: ${q(e.username)}`)
  if (e.groups) lines.push(`    kubernetesGroups: [${e.groups.map(q).join(', ')}]`)
  if (e.tags)
    lines.push(
      `    tags: { ${Object.entries(e.tags)
        .map(([k, v]) => `${k}: ${q(v)}`)
        .join(', ')} }`,
    )
  if (e.expiresAt) lines.push(`    expiresAt: ${e.expiresAt}`)
  if (e.policies) {
    lines.push('    accessPolicies:')
    for (const [policyArn, namespaces] of e.policies) {
      lines.push(`      - policyArn: ${policyArn}`)
      lines.push(
        namespaces
          ? `        accessScope: { type: namespace, namespaces: [${namespaces.map(q).join(', ')}] }`
          : '        accessScope: { type: cluster }',
      )
    }
  }
  return lines
}

/** The platform team's entries (in the clusters file): an admin per cluster, then org-wide roles. */
function platformEntries(list: readonly Cluster[], count: number): Entry[] {
  const out: Entry[] = list.map((c) => ({
    principalArn: `arn:aws:iam::${c.account}:role/platform/admins-${c.key}`,
    clusters: [c.key],
    tags: { owner: 'platform' },
    policies: [['AmazonEKSClusterAdminPolicy', null]],
  }))
  for (let i = out.length; i < count; i++)
    out.push({
      principalArn: `arn:aws:iam::111122223333:role/platform/ops/operator-${i}`,
      clusters: i % 2 ? ['*'] : ['prod-*', 'staging-*'],
      groups: ['platform-ops'],
      tags: { owner: 'platform', 'cost-center': `cc-${100 + (i % 7)}` },
      policies: [
        ['AmazonEKSViewPolicy', null],
        ['arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy', ['ops', 'monitoring', 'ingress-*']],
      ],
    })
  return out
}

/** One team's entries: roles with paths, IAM users, CI roles, node roles (same account as their cluster). */
function teamEntries(t: number, count: number, list: readonly Cluster[]): Entry[] {
  const team = `team-${String(t).padStart(2, '0')}`
  const home = at(ENVS, t).account
  const out: Entry[] = []
  for (let j = 0; j < count; j++) {
    const g = t * 1000 + j
    if (j < count * 0.6) {
      const selectors = at([['staging-*', 'dev-*'], ['dev-*'], ['prod-*'], [`sandbox-${at(REGIONS, j)[1]}`]], j)
      out.push({
        principalArn: `arn:aws:iam::${home}:role/teams/${team}/developer-${g}`,
        clusters: selectors,
        ...(j % 10 === 0 ? { username: `${team}-dev:{{SessionName}}` } : {}),
        ...(j % 2 === 0 ? { groups: [`${team}-readers`] } : {}),
        tags: { owner: team, 'cost-center': `cc-${200 + (t % 13)}` },
        policies: [
          ['AmazonEKSViewPolicy', [team, `${team}-*`]],
          ...(j % 3 === 0 ? [['AmazonEKSEditPolicy', [`${team}-apps`]] as const] : []),
        ],
      })
    } else if (j < count * 0.75) {
      out.push({
        principalArn: `arn:aws:iam::${home}:user/people/${team}/person-${g}`,
        clusters: ['dev-*', 'sandbox-*'],
        username: `person-${g}`,
        ...(j % 5 === 0 ? { expiresAt: '2099-06-30' } : {}),
        tags: { owner: team },
        policies: [['arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy', [team]]],
      })
    } else if (j < count * 0.9) {
      out.push({
        principalArn: `arn:aws:iam::${home}:role/ci/${team}/deployer-${g}`,
        clusters: j % 2 ? ['staging-*', 'prod-*'] : ['dev-*'],
        groups: [`${team}-deployers`],
        tags: { owner: team, pipeline: 'github-actions' },
        policies: [
          ['AmazonEKSAdminPolicy', [team, `${team}-jobs`]],
          ['AmazonEKSAdminViewPolicy', null],
        ],
      })
    } else {
      // Node roles must live in their cluster's account (EKS-API.md §4).
      const c = at(list, t * 7 + j)
      out.push({
        principalArn: `arn:aws:iam::${c.account}:role/nodes/${team}/node-group-${g}`,
        type: at(NODE_TYPES, j),
        clusters: [c.key],
      })
    }
  }
  return out
}

/** Deterministic files: `00-clusters.yaml` (20 clusters + platform entries) and one file per team. */
export function generateManifestFiles(fileCount = FLEET_FILES, entryCount = FLEET_ENTRIES): ManifestText[] {
  const list = clusters()
  const perFile = Math.floor(entryCount / fileCount)
  const files: ManifestText[] = []
  const head = ['# yaml-language-server: $schema=../schemas/eks-access.schema.json', 'version: 1', ...clustersYaml(list), 'accessEntries:']
  for (const e of platformEntries(list, entryCount - perFile * (fileCount - 1))) head.push(...entryYaml(e))
  files.push({ file: 'access/00-clusters.yaml', text: head.join('\n') + '\n' })
  for (let t = 1; t < fileCount; t++) {
    const lines = ['version: 1', 'accessEntries:']
    for (const e of teamEntries(t, perFile, list)) lines.push(...entryYaml(e))
    files.push({ file: `access/team-${String(t).padStart(2, '0')}.yaml`, text: lines.join('\n') + '\n' })
  }
  return files
}
