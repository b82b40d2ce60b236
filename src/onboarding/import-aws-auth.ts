/**
 * `import-aws-auth`: an aws-auth ConfigMap → manifest entries for one cluster, warnings for what
 * cannot carry over, and the ConfigMap that should remain (`--residual`). Pure: text in, strings out.
 *
 * Mapping rules (EKS-API.md §7; eksctl's migrator; aws-iam-authenticator's semantics):
 * - groups with system:node-proxier → FARGATE_LINUX; with eks:kube-proxy-windows → EC2_WINDOWS;
 *   with system:nodes → EC2_LINUX; node entries carry no username and no groups (EKS sets them);
 * - system:masters → STANDARD + AmazonEKSClusterAdminPolicy at cluster scope, in the principal's partition;
 * - other groups kept, other `system:` groups dropped (EKS rejects them); usernames kept unless reserved;
 * - mapUsers → STANDARD user entries; mapAccounts has no equivalent.
 * A mapping that cannot be migrated as written is skipped with a warning and stays in the residual.
 */
import { Document, isMap, isSeq, YAMLMap, YAMLSeq } from 'yaml'
import { parsePrincipalArn, type PrincipalArn } from '../arn.js'
import { CLUSTER_ADMIN_POLICY, policyArnFor } from '../policies.js'
import { RESERVED_USERNAME_PREFIXES } from '../rules/eks/username.js'
import type { Problem } from '../types.js'
import { MAP_KEYS, readAwsAuthInput, type AwsAuthInput, type DataValue, type InputShape } from './aws-auth-input.js'
import { parseAccountsSection, parseMappingSection, type ParsedSection, type RawMapping } from './aws-auth-mappings.js'
import { renderResidual, type ResidualPlan } from './aws-auth-residual.js'

export interface ImportOptions {
  /** Logical cluster name (the key under `clusters:`), from `--cluster`. */
  readonly cluster: string
  /** Shown in problems and comments: the file path, or `-` / `<stdin>`. */
  readonly sourceName: string
  /** Written into the cluster block when given (the output then validates on its own). */
  readonly region?: string
  readonly accountId?: string
  /**
   * Full ARNs of IAM Identity Center roles, keyed by the path-less ARN aws-auth names (lower-case),
   * e.g. from `aws iam list-roles --path-prefix /aws-reserved/sso.amazonaws.com/` or an IAM lookup the
   * command makes. A path-stripped AWSReservedSSO_ role found here is imported with its real ARN.
   */
  readonly ssoRoleArns?: Readonly<Record<string, string>>
}

export interface ImportWarning {
  /** Stable code, see WARNING_CODES. */
  readonly code: WarningCode
  /** The principal ARN as written, or `mapRoles[i]` / `mapUsers[i]` / `mapAccounts[i]` / a data key. */
  readonly subject: string
  /** What happened and what to do. */
  readonly message: string
}

/** One manifest access entry as written (member order as in PRODUCT.md). */
export interface ImportedEntry {
  readonly principalArn: string
  readonly type?: 'EC2_LINUX' | 'EC2_WINDOWS' | 'FARGATE_LINUX'
  readonly username?: string
  readonly clusters: readonly string[]
  readonly kubernetesGroups?: readonly string[]
  readonly accessPolicies?: readonly { readonly policyArn: string; readonly accessScope: { readonly type: 'cluster' } }[]
}

export interface Coverage {
  /** mapRoles + mapUsers + mapAccounts items. */
  readonly total: number
  /** Items that became an access entry. */
  readonly migrated: number
  /** total − migrated: items skipped (kept in the residual) or superseded by a duplicate. */
  readonly attention: number
}

export type ImportResult =
  | {
      readonly ok: true
      /** Manifest YAML for stdout (`version: 1`, `clusters: {NAME: …}`, entries with `clusters: [NAME]`). */
      readonly manifestYaml: string
      /** `--format json` body: `{accessEntries, warnings}`. */
      readonly json: { readonly accessEntries: readonly ImportedEntry[]; readonly warnings: readonly ImportWarning[] }
      readonly coverage: Coverage
      /** "12 of 14 mappings migrated, 2 need attention" */
      readonly coverageLine: string
      /** One line per warning, for stderr. */
      readonly warningLines: readonly string[]
      /** The aws-auth ConfigMap that should remain (`--residual FILE`). */
      readonly residualYaml: string
      readonly shape: InputShape
    }
  | {
      readonly ok: false
      /** 1: the input was read and is wrong (problems located in it); 2: an option is invalid. */
      readonly exitCode: 1 | 2
      readonly problems: readonly Problem[]
    }

export const WARNING_CODES = [
  'malformed',
  'duplicate',
  'sso-matcher',
  'wildcard-arn',
  'sso-role-path',
  'role-path',
  'assumed-role-arn',
  'service-linked-role',
  'node-role',
  'node-fields-dropped',
  'reserved-group',
  'reserved-username',
  'username-template',
  'map-accounts',
  'ignored-key',
  'not-aws-auth',
  'no-mappings',
] as const
export type WarningCode = (typeof WARNING_CODES)[number]

const CLUSTER_KEY = /^[A-Za-z0-9][A-Za-z0-9._-]*$/

export function importAwsAuth(text: string, opts: ImportOptions): ImportResult {
  if (!CLUSTER_KEY.test(opts.cluster) || opts.cluster.length > 100) {
    return {
      ok: false,
      exitCode: 2,
      problems: [
        usageProblem(
          `--cluster "${opts.cluster}" is not a manifest cluster name: letters, digits, '.', '_' and '-', starting with a letter or digit`,
        ),
      ],
    }
  }
  const read = readAwsAuthInput(text, opts.sourceName)
  if (!read.ok) return { ok: false, exitCode: 1, problems: read.problems }
  const sections = parseSections(read.input, opts.sourceName)
  if (!sections.ok) return { ok: false, exitCode: 1, problems: sections.problems }
  return convert(read.input, sections.value, opts)
}

function usageProblem(message: string): Problem {
  return { severity: 'error', code: 'usage', message, file: '', line: 0, column: 0 }
}

// ───────────────────────────── sections ─────────────────────────────

interface Sections {
  readonly mapRoles: ParsedSection
  readonly mapUsers: ParsedSection
  readonly accounts: readonly string[]
  readonly other: readonly DataValue[]
}

function parseSections(input: AwsAuthInput, file: string): { ok: true; value: Sections } | { ok: false; problems: Problem[] } {
  const problems: Problem[] = []
  const empty: ParsedSection = { mappings: [] }
  let mapRoles = empty
  let mapUsers = empty
  let accounts: string[] = []
  for (const value of input.data) {
    if (value.key === 'mapRoles' || value.key === 'mapUsers') {
      const parsed = parseMappingSection(file, value, value.key)
      if (parsed.ok) {
        if (value.key === 'mapRoles') mapRoles = parsed.value
        else mapUsers = parsed.value
      } else problems.push(...parsed.problems)
    } else if (value.key === 'mapAccounts') {
      const parsed = parseAccountsSection(file, value)
      if (parsed.ok) accounts = parsed.value.accounts
      else problems.push(...parsed.problems)
    }
  }
  if (problems.length > 0) return { ok: false, problems }
  return { ok: true, value: { mapRoles, mapUsers, accounts, other: input.data.filter((d) => !MAP_KEYS.includes(d.key)) } }
}

// ───────────────────────────── conversion ─────────────────────────────

/** What became of one mapping. */
interface Outcome {
  readonly mapping: RawMapping
  readonly entry?: ImportedEntry
  /** true: remove from the residual (it became a STANDARD entry, or a duplicate it loses to did). */
  readonly remove: boolean
  /** Comment on a mapping kept in the residual. */
  readonly keepNote?: string
}

const NODE_GROUPS = new Set(['system:bootstrappers', 'system:nodes', 'system:node-proxier', 'eks:kube-proxy-windows'])
const NODE_USERNAME: Record<string, string> = {
  EC2_LINUX: 'system:node:{{EC2PrivateDNSName}}',
  EC2_WINDOWS: 'system:node:{{EC2PrivateDNSName}}',
  FARGATE_LINUX: 'system:node:{{SessionName}}',
}

function subjectOf(m: RawMapping): string {
  return m.arn ?? `${m.section}[${m.index}]`
}

function where(m: RawMapping): string {
  return `${m.section}[${m.index}]`
}

function convert(input: AwsAuthInput, sections: Sections, opts: ImportOptions): ImportResult {
  const warnings: ImportWarning[] = []
  const warn = (code: WarningCode, subject: string, message: string): void => {
    warnings.push({ code, subject, message })
  }
  if (input.name !== undefined && input.name !== 'aws-auth')
    warn('not-aws-auth', 'metadata.name', `the ConfigMap is "${input.name}", not aws-auth: EKS reads only kube-system/aws-auth`)
  if (input.namespace !== undefined && input.namespace !== 'kube-system')
    warn(
      'not-aws-auth',
      'metadata.namespace',
      `the namespace is "${input.namespace}", not kube-system: EKS reads only kube-system/aws-auth`,
    )
  for (const other of sections.other) {
    const near = MAP_KEYS.find((k) => k.toLowerCase() === other.key.toLowerCase())
    if (near !== undefined)
      warn(
        'ignored-key',
        other.key,
        `aws-iam-authenticator reads data keys case-sensitively and ignores "${other.key}"; it never took effect (did you mean ${near}?). Not imported; kept in the residual`,
      )
  }

  // A role mapping is looked up before a user mapping, and within a key the last mapping wins.
  const all = [...sections.mapRoles.mappings, ...sections.mapUsers.mappings]
  const winners = duplicateWinners(all)
  const outcomes = new Map<RawMapping, Outcome>()
  for (const m of all) {
    const key = m.defect === undefined && m.arn !== undefined ? m.arn.toLowerCase() : undefined
    const winner = key === undefined ? undefined : winners.get(key)
    if (winner !== undefined && winner !== m) continue // decided after the winner
    outcomes.set(m, convertMapping(m, warn, opts))
  }
  for (const m of all) {
    const key = m.defect === undefined && m.arn !== undefined ? m.arn.toLowerCase() : undefined
    const winner = key === undefined ? undefined : winners.get(key)
    if (winner === undefined || winner === m) continue
    const winnerOutcome = outcomes.get(winner)
    warn(
      'duplicate',
      subjectOf(m),
      `${where(m)} maps the same ARN as ${where(winner)}; aws-iam-authenticator uses ${where(winner)} (a role mapping before a user mapping, else the last one), so only that one is imported`,
    )
    // A loser is dead today; it must leave the residual with its winner, or it would take effect.
    outcomes.set(m, { mapping: m, remove: winnerOutcome?.remove ?? false, keepNote: `superseded by ${where(winner)} (duplicate ARN)` })
  }

  sections.accounts.forEach((account, i) => {
    warn(
      'map-accounts',
      `mapAccounts[${i}]`,
      `account ${account}: mapAccounts lets every IAM principal of the account in under its ARN as username, and access entries have no equivalent. ` +
        'Kept in the residual; before switching the cluster to API, add an entry for each principal of that account that needs access',
    )
  })

  const ordered = all.map((m) => outcomes.get(m) as Outcome)
  const entries = ordered.flatMap((o) => (o.entry === undefined ? [] : [o.entry]))
  const total = all.length + sections.accounts.length
  const migrated = entries.length
  if (total === 0) warn('no-mappings', 'data', 'the ConfigMap has no mapRoles, mapUsers or mapAccounts entries: nothing to import')
  const coverage: Coverage = { total, migrated, attention: total - migrated }
  const coverageLine = formatCoverage(coverage)
  const residualPlan: ResidualPlan = {
    input,
    sections,
    outcomes: ordered.map((o) => ({ mapping: o.mapping, remove: o.remove, ...(o.keepNote === undefined ? {} : { note: o.keepNote }) })),
  }
  return {
    ok: true,
    manifestYaml: renderManifest(entries, ordered, opts, coverageLine),
    json: { accessEntries: entries, warnings },
    coverage,
    coverageLine,
    warningLines: warnings.map(formatWarning),
    residualYaml: renderResidual(residualPlan, opts.sourceName),
    shape: input.shape,
  }
}

/** Lower-cased ARN → the mapping aws-iam-authenticator uses, for ARNs mapped more than once. */
function duplicateWinners(all: readonly RawMapping[]): Map<string, RawMapping> {
  const byKey = new Map<string, RawMapping[]>()
  for (const m of all) {
    if (m.defect !== undefined || m.arn === undefined) continue
    const key = m.arn.toLowerCase()
    byKey.set(key, [...(byKey.get(key) ?? []), m])
  }
  const winners = new Map<string, RawMapping>()
  for (const [key, list] of byKey) {
    if (list.length < 2) continue
    const roles = list.filter((m) => m.section === 'mapRoles')
    winners.set(key, (roles.length > 0 ? roles[roles.length - 1] : list[list.length - 1]) as RawMapping)
  }
  return winners
}

type Warn = (code: WarningCode, subject: string, message: string) => void

const skipped = (m: RawMapping, code: WarningCode): Outcome => ({ mapping: m, remove: false, keepNote: `not imported (${code})` })

function convertMapping(m: RawMapping, warn: Warn, opts: ImportOptions): Outcome {
  const subject = subjectOf(m)
  if (m.defect !== undefined) {
    warn(
      'malformed',
      subject,
      `${where(m)}: ${m.defect}. aws-iam-authenticator does not read it as intended either; fix it by hand. Not imported, kept in the residual`,
    )
    return skipped(m, 'malformed')
  }
  if (m.sso !== undefined) {
    warn(
      'sso-matcher',
      subject,
      `${where(m)} matches IAM Identity Center roles by permission set (sso:), which access entries cannot express. ` +
        'Add an entry for the full role ARN (arn:…:role/aws-reserved/sso.amazonaws.com/…/AWSReservedSSO_NAME_SUFFIX) by hand; kept in the residual',
    )
    return skipped(m, 'sso-matcher')
  }
  const arn = m.arn as string
  if (/[*?]/.test(arn)) {
    warn(
      'wildcard-arn',
      subject,
      `${where(m)} uses a wildcard; access entries name one principal each. Add an entry per principal by hand; kept in the residual`,
    )
    return skipped(m, 'wildcard-arn')
  }
  const parsed = parsePrincipalArn(arn)
  if (!parsed.ok) {
    warn('malformed', subject, `${where(m)}: not an IAM role or user ARN: ${parsed.error.reason}; not imported, kept in the residual`)
    return skipped(m, 'malformed')
  }
  const principal = parsed.value
  switch (principal.kind) {
    case 'assumed-role':
    case 'federated-user':
      warn(
        'assumed-role-arn',
        subject,
        `${where(m)} names an STS session, which never matched in aws-auth (the authenticator compares the role ARN) and which EKS refuses as a principal. ` +
          `Use the role ARN with its path instead; skipped, kept in the residual`,
      )
      return skipped(m, 'assumed-role-arn')
    case 'service-linked-role':
      warn(
        'service-linked-role',
        subject,
        `${where(m)} names a service-linked role, which access entries do not support; skipped, kept in the residual`,
      )
      return skipped(m, 'service-linked-role')
    default:
      break
  }
  if (principal.kind === 'role' && principal.path !== '/') {
    warn(
      'role-path',
      subject,
      `${where(m)} is written with the path ${principal.path}: aws-iam-authenticator compares the role ARN without its path, so this mapping never matched ` +
        'and the role has no access through it today. Importing it would grant new access, so it is skipped; add the entry by hand if that access is intended',
    )
    return skipped(m, 'role-path')
  }
  if (principal.kind === 'role' && principal.name.startsWith('AWSReservedSSO_')) {
    const full = resolvedSsoArn(principal, opts)
    if (full !== undefined) {
      warn(
        'sso-role-path',
        subject,
        `${where(m)} is an IAM Identity Center role written without its path; imported with its real ARN ${full}`,
      )
      const outcome = standardOutcome(m, principal, warn, opts)
      return outcome.entry === undefined ? outcome : { ...outcome, entry: { ...outcome.entry, principalArn: full } }
    }
    warn(
      'sso-role-path',
      subject,
      `${where(m)} is an IAM Identity Center role written without its path, as aws-auth requires; EKS needs the real ARN, which has a path. ` +
        `Find it with \`aws iam list-roles --path-prefix /aws-reserved/sso.amazonaws.com/ --query "Roles[?RoleName=='${principal.name}'].Arn"\` ` +
        'and add the entry with that ARN; skipped, kept in the residual',
    )
    return skipped(m, 'sso-role-path')
  }
  const nodeType = m.section === 'mapRoles' && principal.kind === 'role' ? nodeTypeOf(m.groups) : undefined
  if (nodeType !== undefined) return nodeOutcome(m, principal, nodeType, warn, opts)
  return standardOutcome(m, principal, warn, opts)
}

/** The real ARN of a path-stripped SSO role, when the caller knows it and it names the same role. */
function resolvedSsoArn(principal: PrincipalArn, opts: ImportOptions): string | undefined {
  const full = opts.ssoRoleArns?.[principal.arn.toLowerCase()]
  if (full === undefined) return undefined
  const parsed = parsePrincipalArn(full)
  const same =
    parsed.ok && parsed.value.kind === 'role' && parsed.value.name === principal.name && parsed.value.accountId === principal.accountId
  return same ? full : undefined
}

function nodeTypeOf(groups: readonly string[]): 'EC2_LINUX' | 'EC2_WINDOWS' | 'FARGATE_LINUX' | undefined {
  if (groups.includes('system:node-proxier')) return 'FARGATE_LINUX'
  if (!groups.includes('system:nodes')) return undefined
  return groups.includes('eks:kube-proxy-windows') ? 'EC2_WINDOWS' : 'EC2_LINUX'
}

function nodeOutcome(
  m: RawMapping,
  principal: PrincipalArn,
  type: 'EC2_LINUX' | 'EC2_WINDOWS' | 'FARGATE_LINUX',
  warn: Warn,
  opts: ImportOptions,
): Outcome {
  const subject = subjectOf(m)
  const what = type === 'FARGATE_LINUX' ? 'a Fargate pod execution role' : 'a node role'
  warn(
    'node-role',
    subject,
    `${where(m)} is ${what}, imported as type ${type}. EKS creates this entry itself for managed node groups and Fargate profiles once access entries are on; ` +
      'if it exists the plan leaves it as it is. The mapping stays in the residual so nodes keep joining until the entry exists; remove it before switching to API',
  )
  const extraGroups = m.groups.filter((g) => !NODE_GROUPS.has(g))
  const customUser = m.username !== undefined && m.username !== NODE_USERNAME[type]
  if (extraGroups.length > 0 || customUser) {
    const parts = [
      ...(customUser ? [`username "${m.username}"`] : []),
      ...(extraGroups.length > 0 ? [`groups ${extraGroups.join(', ')}`] : []),
    ]
    warn(
      'node-fields-dropped',
      subject,
      `${where(m)}: ${parts.join(' and ')} dropped: EKS sets a node entry's username and groups itself. Bind RBAC to system:nodes instead`,
    )
  }
  if (opts.accountId !== undefined && principal.accountId !== opts.accountId) {
    warn(
      'node-role',
      subject,
      `${where(m)}: node entries must name a role of the cluster's account ${opts.accountId}, this one is in ${principal.accountId}`,
    )
  }
  return {
    mapping: m,
    entry: { principalArn: m.arn as string, type, clusters: [opts.cluster] },
    remove: false,
    keepNote: `node role, imported as ${type}: kept so nodes keep joining until the access entry exists; remove before switching to API`,
  }
}

const SESSION_PLACEHOLDER = /\{\{SessionName(?:Raw)?\}\}/
const OTHER_TEMPLATES = /\{\{(AccountID|AccessKeyID|EC2PrivateDNSName)\}\}/

function standardOutcome(m: RawMapping, principal: PrincipalArn, warn: Warn, opts: ImportOptions): Outcome {
  const subject = subjectOf(m)
  const admin = m.groups.includes('system:masters')
  const reserved = m.groups.filter((g) => g.startsWith('system:') && g !== 'system:masters')
  if (reserved.length > 0) {
    warn(
      'reserved-group',
      subject,
      `${where(m)}: groups ${reserved.join(', ')} dropped: EKS rejects groups that start with system:, and access entries have no equivalent`,
    )
  }
  const groups = [...new Set(m.groups.filter((g) => g !== '' && !g.startsWith('system:')))].sort()
  const username = checkedUsername(m, warn)
  const entry: ImportedEntry = {
    principalArn: m.arn as string,
    ...(username === undefined ? {} : { username }),
    clusters: [opts.cluster],
    ...(groups.length > 0 ? { kubernetesGroups: groups } : {}),
    ...(admin
      ? {
          accessPolicies: [
            { policyArn: policyArnFor(CLUSTER_ADMIN_POLICY, principal.partition), accessScope: { type: 'cluster' as const } },
          ],
        }
      : {}),
  }
  return { mapping: m, entry, remove: true }
}

function checkedUsername(m: RawMapping, warn: Warn): string | undefined {
  const username = m.username
  if (username === undefined) return undefined
  const subject = subjectOf(m)
  const prefix = RESERVED_USERNAME_PREFIXES.find((p) => username.startsWith(p))
  if (prefix !== undefined) {
    warn(
      'reserved-username',
      subject,
      `${where(m)}: username "${username}" dropped: EKS reserves the prefix "${prefix}". The entry gets the username EKS generates; update RBAC bindings that name "${username}"`,
    )
    return undefined
  }
  const placeholder = SESSION_PLACEHOLDER.exec(username)
  if (placeholder !== null && !username.slice(0, placeholder.index).includes(':')) {
    warn(
      'username-template',
      subject,
      `${where(m)}: username "${username}" dropped: EKS needs a colon before ${placeholder[0]} (e.g. "${username.slice(0, placeholder.index)}:${username.slice(placeholder.index)}"). ` +
        'Set the username by hand and update RBAC bindings that name it',
    )
    return undefined
  }
  const other = OTHER_TEMPLATES.exec(username)
  if (other !== null) {
    warn(
      'username-template',
      subject,
      `${where(m)}: username "${username}" uses ${other[0]}, an aws-iam-authenticator template that access entries are not documented to accept; check it before applying`,
    )
  }
  return username
}

// ───────────────────────────── rendering ─────────────────────────────

export function formatCoverage(c: Coverage): string {
  const mappings = c.total === 1 ? 'mapping' : 'mappings'
  const need = c.attention === 1 ? 'needs' : 'need'
  return `${c.migrated} of ${c.total} ${mappings} migrated, ${c.attention} ${need} attention`
}

/** `warning CODE SUBJECT: MESSAGE` — one line per warning, for stderr. */
export function formatWarning(w: ImportWarning): string {
  return `warning ${w.code} ${w.subject}: ${w.message}`
}

function renderManifest(
  entries: readonly ImportedEntry[],
  outcomes: readonly Outcome[],
  opts: ImportOptions,
  coverageLine: string,
): string {
  const clusterBlock: Record<string, string> = {}
  if (opts.region !== undefined) clusterBlock['region'] = opts.region
  if (opts.accountId !== undefined) clusterBlock['accountId'] = opts.accountId
  const doc = new Document({ version: 1, clusters: { [opts.cluster]: clusterBlock }, accessEntries: entries.map((e) => ({ ...e })) })
  const seq = doc.get('accessEntries', true)
  const sources = outcomes.filter((o) => o.entry !== undefined)
  if (isSeq(seq)) {
    seq.items.forEach((node, i) => {
      if (!isMap(node)) return
      styleEntry(node)
      const o = sources[i]
      if (o !== undefined) node.commentBefore = ` from ${where(o.mapping)}`
      if (i > 0) node.spaceBefore = true
    })
  }
  if (entries.length === 0) doc.set('accessEntries', new YAMLSeq())
  const block = doc.getIn(['clusters', opts.cluster], true)
  if (isMap(block) && block.items.length < 2) {
    block.flow = true
    block.comment = ' add region and accountId, or merge accessEntries into the manifest that defines this cluster'
  }
  doc.commentBefore = [
    ' yaml-language-server: $schema=./schemas/eks-access.schema.json',
    '',
    ` Imported by \`eks-access-gate import-aws-auth\` from ${opts.sourceName} for cluster ${opts.cluster}.`,
    ` ${coverageLine}; review the warnings before applying.`,
    ' Entries EKS made itself (node groups, Fargate profiles) are never deleted by `prune: owned`.',
  ].join('\n')
  return doc.toString({ lineWidth: 0 })
}

function styleEntry(node: YAMLMap): void {
  for (const key of ['clusters', 'kubernetesGroups']) {
    const child = node.get(key, true)
    if (child instanceof YAMLSeq) child.flow = true
  }
  const policies = node.get('accessPolicies', true)
  for (const item of isSeq(policies) ? policies.items : []) {
    const scope = isMap(item) ? item.get('accessScope', true) : undefined
    if (isMap(scope)) scope.flow = true
  }
}
