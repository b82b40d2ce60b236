import { policyName } from '../../policies.js'
import type {
  AccessEffect,
  AccessScope,
  AssociatedPolicy,
  AuthenticationModeChange,
  Change,
  ClusterPlan,
  EffectKind,
  EntryFields,
  Plan,
  PlanSummary,
  Problem,
  UnmanagedEntry,
} from '../../types.js'
import { showInvisible } from '../../render/safe.js'

/**
 * Plain-text plan for terminals. The pieces that describe one change (`describeChange`,
 * `describeAuthModeStep`) are shared with the Markdown renderer, whose ```diff block shows
 * the same lines, so both formats always say the same thing.
 */

export interface TextOptions {
  /** ANSI colours. The CLI decides (stdout is a TTY and NO_COLOR is unset); off by default. */
  readonly color?: boolean
}

// ───────────────────────────── values made safe to print ─────────────────────────────

export { showInvisible }

const v = showInvisible

// ───────────────────────────── shared descriptions ─────────────────────────────

export type ChangeSign = '+' | '~' | '-' | '-/+'

export interface ChangeLine {
  readonly sign: ChangeSign
  /** Safe to print: every user value went through `showInvisible`. Never contains a newline. */
  readonly text: string
}

export function formatList(items: readonly string[]): string {
  return `[${items.map(v).join(', ')}]`
}

export function formatTags(tags: Readonly<Record<string, string>>): string {
  const pairs = Object.keys(tags)
    .sort()
    .map((k) => `${v(k)}=${v(tags[k] ?? '')}`)
  return `{${pairs.join(', ')}}`
}

export function formatScope(scope: AccessScope): string {
  return scope.type === 'cluster' ? 'cluster scope' : `namespaces ${formatList(scope.namespaces)}`
}

/** Short name for AWS-managed policies (what users write), the full ARN otherwise. */
export function formatPolicy(policyArn: string): string {
  return v(policyName(policyArn))
}

function formatPolicies(policies: readonly AssociatedPolicy[]): string {
  return policies.map((p) => `${formatPolicy(p.policyArn)} at ${formatScope(p.accessScope)}`).join(', ')
}

function formatEntryFields(fields: EntryFields): string {
  const parts = [`type ${v(fields.type)}`]
  if (fields.username !== undefined) parts.push(`username ${v(fields.username)}`)
  if (fields.kubernetesGroups.length > 0) parts.push(`groups ${formatList(fields.kubernetesGroups)}`)
  if (Object.keys(fields.tags).length > 0) parts.push(`tags ${formatTags(fields.tags)}`)
  return parts.join(', ')
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i])
}

function describeUpdate(change: Extract<Change, { action: 'update' }>): string {
  const { before, after } = change
  const parts: string[] = []
  if (change.updateEntry) {
    if (!sameList(before.kubernetesGroups, after.kubernetesGroups)) {
      parts.push(`groups ${formatList(before.kubernetesGroups)} → ${formatList(after.kubernetesGroups)}`)
    }
    if (before.username !== after.username) {
      parts.push(`username ${v(before.username ?? '(EKS default)')} → ${v(after.username ?? '(EKS default)')}`)
    }
    if (parts.length === 0) parts.push('groups and username re-sent')
  }
  if (Object.keys(change.tagsToSet).length > 0) parts.push(`set tags ${formatTags(change.tagsToSet)}`)
  // Adopting puts the ownership tag on an entry EKS or someone else made; worth saying so.
  if (change.adopt) parts.push('adopt: now managed by eks-access-gate')
  return parts.join('; ')
}

function describeExpiry(change: Change): string {
  if (change.reason !== 'expired') return ''
  return change.expiresAt !== undefined ? ` [expired ${v(change.expiresAt)}]` : ' [expired]'
}

/** One line per change: sign and words, the same in text and in the Markdown diff block. */
export function describeChange(change: Change): ChangeLine {
  const arn = v(change.principalArn)
  const expiry = describeExpiry(change)
  switch (change.action) {
    case 'create':
      return { sign: '+', text: `create ${arn} (${formatEntryFields(change.after)})${expiry}` }
    case 'update':
      return { sign: '~', text: `update ${arn}: ${describeUpdate(change)}${expiry}` }
    case 'replace':
      return {
        sign: '-/+',
        text:
          `replace ${arn}: type ${v(change.before.type)} → ${v(change.after.type)} ` +
          `(ACCESS GAP: deleted, then re-created; no access in between)${expiry}`,
      }
    case 'delete': {
      const policies = change.accessPolicies.length > 0 ? `; with ${formatPolicies(change.accessPolicies)}` : ''
      return { sign: '-', text: `delete ${arn} (type ${v(change.before.type)}${policies})${expiry}` }
    }
    case 'associate': {
      const policy = formatPolicy(change.policyArn)
      if (change.previousScope !== undefined) {
        const how = change.inPlace ? 'in place, no access gap' : 'disassociated, then associated'
        return {
          sign: '~',
          text: `associate ${arn} ${policy}: ${formatScope(change.previousScope)} → ${formatScope(change.accessScope)} (${how})${expiry}`,
        }
      }
      return { sign: '+', text: `associate ${arn} ${policy} at ${formatScope(change.accessScope)}${expiry}` }
    }
    case 'disassociate':
      return {
        sign: '-',
        text: `disassociate ${arn} ${formatPolicy(change.policyArn)} at ${formatScope(change.accessScope)}${expiry}`,
      }
    default:
      return assertNever(change)
  }
}

export function describeAuthModeStep(step: AuthenticationModeChange): string {
  return `authentication mode ${step.from} → ${step.to} (IRREVERSIBLE: EKS never switches back)`
}

export const EFFECT_LABELS: Readonly<Record<EffectKind, string>> = {
  'cluster-admin-granted': 'cluster admin granted',
  'cluster-admin-revoked': 'cluster admin revoked',
  'scope-widened': 'scope widened',
  'scope-narrowed': 'scope narrowed',
  'namespaces-added': 'namespaces added',
  'namespaces-removed': 'namespaces removed',
  'policy-granted': 'policy granted',
  'policy-revoked': 'policy revoked',
  'groups-added': 'groups added',
  'groups-removed': 'groups removed',
  'new-principal': 'new principal',
  'other-account-principal': 'principal from another account',
  'access-removed': 'access removed',
  'access-gap': 'access gap',
}

/**
 * Escalations to call out: effects the diff marks as escalations. Access gaps are left out
 * here because every replace change is called out on its own (the change is the source of truth).
 */
export function escalationsOf(cluster: ClusterPlan): AccessEffect[] {
  return cluster.effects.filter((e) => e.escalation && e.kind !== 'access-gap')
}

export const UNMANAGED_REASONS: Readonly<Record<UnmanagedEntry['reason'], string>> = {
  unowned: 'not created by eks-access-gate (no managed-by tag)',
  'node-type': 'node entry; deleted only when owned, since deleting it breaks nodes',
  'prune-none': 'the cluster sets prune: none',
}

export type SummaryCounts = Readonly<Record<keyof PlanSummary, number>>

export const SUMMARY_ORDER: readonly (keyof PlanSummary)[] = [
  'create',
  'update',
  'replace',
  'delete',
  'associate',
  'disassociate',
  'unchanged',
]

/** `Plan: 2 to create, 1 to update, …, 4 unchanged.` plus a note on failed clusters. */
export function formatSummaryLine(plan: Plan): string {
  const s = plan.summary
  const parts = SUMMARY_ORDER.map((k) => (k === 'unchanged' ? `${s[k]} unchanged` : `${s[k]} to ${k}`))
  const failed = plan.clusters.filter((c) => c.errors.length > 0).length
  const failures = failed > 0 ? ` ${failed} ${failed === 1 ? 'cluster' : 'clusters'} with errors.` : ''
  return `Plan: ${parts.join(', ')}.${failures}`
}

/** Per-cluster counts in the same terms as the plan summary. */
export function countChanges(cluster: ClusterPlan): SummaryCounts {
  const counts = { create: 0, update: 0, replace: 0, delete: 0, associate: 0, disassociate: 0, unchanged: cluster.unchanged }
  for (const change of cluster.changes) counts[change.action] += 1
  return counts
}

export function formatProblem(p: Problem): string {
  return `${v(p.file)}:${p.line}:${p.column}: ${p.severity} ${v(p.code)}: ${v(p.message)}`
}

export function assertNever(x: never): never {
  throw new Error(`unexpected value: ${JSON.stringify(x)}`)
}

// ───────────────────────────── text rendering ─────────────────────────────

type Paint = (codes: string, s: string) => string

function painter(color: boolean): Paint {
  return color ? (codes, s) => `\u001b[${codes}m${s}\u001b[0m` : (_codes, s) => s
}

const SIGN_COLOURS: Readonly<Record<ChangeSign, string>> = { '+': '32', '~': '33', '-': '31', '-/+': '35' }

function renderClusterHeader(cluster: ClusterPlan, paint: Paint): string {
  const where = `EKS cluster ${v(cluster.name)}, ${v(cluster.region)}, account ${v(cluster.accountId)}`
  return `${paint('1', `Cluster ${v(cluster.cluster)}`)} (${where})`
}

function renderClusterLines(cluster: ClusterPlan, paint: Paint): string[] {
  const lines = [renderClusterHeader(cluster, paint)]
  for (const e of cluster.errors) lines.push(`  ${paint('1;31', `error ${v(e.code)}`)}: ${v(e.message)}`)
  if (cluster.authenticationMode !== undefined) {
    lines.push(`  ${paint('1;35', `${'!'.padEnd(3)} ${describeAuthModeStep(cluster.authenticationMode)}`)}`)
  }
  for (const change of cluster.changes) {
    const { sign, text } = describeChange(change)
    lines.push(`  ${paint(SIGN_COLOURS[sign], `${sign.padEnd(3)} ${text}`)}`)
  }
  for (const e of escalationsOf(cluster)) {
    lines.push(`  ${paint('1;33', `${'!'.padEnd(3)} escalation: ${EFFECT_LABELS[e.kind]}`)}: ${v(e.principalArn)}: ${v(e.detail)}`)
  }
  if (cluster.changes.length === 0 && cluster.authenticationMode === undefined && cluster.errors.length === 0) {
    lines.push('  no changes')
  }
  for (const note of cluster.notes ?? []) lines.push(`  ${paint('36', 'note:')} ${v(note)}`)
  if (cluster.unmanaged.length > 0) {
    lines.push(`  ${paint('2', 'unmanaged, left alone:')}`)
    for (const u of cluster.unmanaged) {
      lines.push(`    ${v(u.principalArn)} (${v(u.type)}): ${UNMANAGED_REASONS[u.reason]}`)
    }
  }
  if (cluster.errors.length === 0) lines.push(`  ${paint('2', `${cluster.unchanged} unchanged`)}`)
  return lines
}

/** Plain text for terminals; ANSI colours only with `color: true`. Ends with a newline. */
export function renderTextPlan(plan: Plan, opts: TextOptions = {}): string {
  const paint = painter(opts.color === true)
  const blocks: string[] = []
  if (plan.problems.length > 0) {
    blocks.push(plan.problems.map((p) => paint(p.severity === 'error' ? '31' : '33', formatProblem(p))).join('\n'))
  }
  if (plan.manifestCommit !== undefined) blocks.push(`Manifest commit ${v(plan.manifestCommit)}`)
  for (const cluster of plan.clusters) blocks.push(renderClusterLines(cluster, paint).join('\n'))
  if (plan.clusters.length === 0) blocks.push('No clusters selected.')
  blocks.push(paint('1', formatSummaryLine(plan)))
  return `${blocks.join('\n\n')}\n`
}
