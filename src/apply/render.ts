import { code, escapeText } from '../plan/render/markdown.js'
import { policyName } from '../policies.js'
import { sanitizeForTerminal } from '../render/problems.js'
import type { AccessScope, Change } from '../types.js'
import type { ApplyCounts, ClusterApplyResult, ItemResult, PlanApplyResult } from './types.js'

/**
 * The apply result as a text report (terminal, logs) and as a Markdown job-summary section.
 * Every value that came from the manifest or from AWS (ARNs, names, tags, error messages) is
 * untrusted: sanitised for the terminal, escaped for Markdown with the plan renderer's escaper.
 * Failed items are always listed; when a cluster has more rows than `maxRowsPerCluster`, the other
 * rows are cut from the end and counted.
 */

export interface ApplyRenderOptions {
  /** Rows listed per cluster before the rest is only counted (default 300). */
  readonly maxRowsPerCluster?: number
}

const DEFAULT_MAX_ROWS = 300

const STATUS_TEXT: Readonly<Record<ItemResult['status'], string>> = {
  applied: 'applied',
  failed: 'failed',
  'not-attempted': 'not attempted',
}
const STATUS_MARK: Readonly<Record<ItemResult['status'], string>> = { applied: '✅', failed: '❌', 'not-attempted': '⏭️' }
const CLUSTER_TEXT: Readonly<Record<ClusterApplyResult['status'], string>> = {
  unchanged: 'no changes',
  applied: 'applied',
  failed: 'failed',
  refused: 'refused (nothing changed)',
}
const CLUSTER_MARK: Readonly<Record<ClusterApplyResult['status'], string>> = { unchanged: '➖', applied: '✅', failed: '❌', refused: '⛔' }

export function formatCounts(c: ApplyCounts): string {
  return `${c.applied} applied, ${c.failed} failed, ${c.notAttempted} not attempted`
}

function describeScope(s: AccessScope): string {
  return s.type === 'cluster' ? 'cluster' : `namespaces ${s.namespaces.join(', ')}`
}

/** The action, principal, policy and what it sets, as plain (untrusted) text parts. */
function parts(item: ItemResult): { action: string; principal: string; policy: string; what: string } {
  const s = item.subject
  if (s.kind === 'authentication-mode') return { action: 'authentication mode', principal: '', policy: '', what: `${s.from} → ${s.to}` }
  return { action: s.change.action, principal: s.change.principalArn, policy: policyOf(s.change), what: whatOf(s.change) }
}

function policyOf(c: Change): string {
  return c.action === 'associate' || c.action === 'disassociate' ? policyName(c.policyArn) : ''
}

function whatOf(c: Change): string {
  switch (c.action) {
    case 'create':
      return [
        c.after.type === 'STANDARD' ? '' : c.after.type,
        c.after.kubernetesGroups.length > 0 ? `groups ${c.after.kubernetesGroups.join(', ')}` : '',
      ]
        .filter((x) => x !== '')
        .join('; ')
    case 'update': {
      const out: string[] = []
      if (c.updateEntry)
        out.push(`groups [${c.after.kubernetesGroups.join(', ')}]${c.after.username === undefined ? '' : `, username ${c.after.username}`}`)
      const tags = Object.entries(c.tagsToSet).map(([k, v]) => `${k}=${v}`)
      if (tags.length > 0) out.push(`tags ${tags.join(', ')}`)
      return out.join('; ')
    }
    case 'replace':
      return `type ${c.before.type} → ${c.after.type}`
    case 'associate':
      return c.previousScope === undefined
        ? describeScope(c.accessScope)
        : `${describeScope(c.previousScope)} → ${describeScope(c.accessScope)}`
    case 'disassociate':
      return describeScope(c.accessScope)
    case 'delete':
      return c.reason === 'expired' ? `expired ${c.expiresAt ?? ''}`.trim() : ''
  }
}

function outcomeOf(item: ItemResult): string {
  if (item.status === 'failed' && item.error !== undefined) return `${item.error.code}: ${item.error.message} (${item.error.operation})`
  return item.detail ?? ''
}

/** Failed rows always; then the others in order, up to `max` rows in all. */
function rowsToShow(items: readonly ItemResult[], max: number): { shown: ItemResult[]; hidden: number } {
  if (items.length <= max) return { shown: [...items], hidden: 0 }
  const failed = items.filter((i) => i.status === 'failed').length
  let room = Math.max(0, max - failed)
  const shown = items.filter((i) => i.status === 'failed' || room-- > 0)
  return { shown, hidden: items.length - shown.length }
}

// ───────────────────────────── text ─────────────────────────────

export function renderApplyText(result: PlanApplyResult, opts: ApplyRenderOptions = {}): string {
  const t = (s: string): string => sanitizeForTerminal(s)
  const out: string[] = [
    `Apply: ${formatCounts(result.counts)} in ${result.clusters.length} cluster${result.clusters.length === 1 ? '' : 's'}`,
  ]
  for (const n of result.notes) out.push(t(n))
  for (const c of result.clusters) {
    out.push('', `${t(c.cluster)} (EKS ${t(c.name)}, ${t(c.region)}, account ${t(c.accountId)}): ${CLUSTER_TEXT[c.status]}`)
    for (const p of c.problems) out.push(`  ! ${t(p.code)}: ${t(p.message)}`)
    for (const n of c.notes) out.push(`  note: ${t(n)}`)
    const { shown, hidden } = rowsToShow(c.items, opts.maxRowsPerCluster ?? DEFAULT_MAX_ROWS)
    for (const item of shown) {
      const { action, principal, policy, what } = parts(item)
      const subject = [action, principal, policy, what === '' ? '' : `(${what})`].filter((x) => x !== '').join(' ')
      const outcome = outcomeOf(item)
      const flag = item.unreviewed === true ? ' [not in the reviewed plan]' : ''
      out.push(`  ${STATUS_TEXT[item.status].padEnd(13)}  ${t(subject)}${outcome === '' ? '' : `: ${t(outcome)}`}${flag}`)
    }
    if (hidden > 0) out.push(`  … and ${hidden} more (counted above)`)
  }
  return `${out.join('\n')}\n`
}

// ───────────────────────────── Markdown ─────────────────────────────

export function renderApplyMarkdown(result: PlanApplyResult, opts: ApplyRenderOptions = {}): string {
  const mark = result.ok ? '✅' : '❌'
  const out: string[] = [
    '## eks-access-gate apply',
    '',
    `${mark} **${formatCounts(result.counts)}** in ${result.clusters.length} cluster${result.clusters.length === 1 ? '' : 's'}`,
  ]
  for (const n of result.notes) out.push('', `> ${escapeText(n)}`)
  for (const c of result.clusters) out.push('', ...clusterMarkdown(c, opts.maxRowsPerCluster ?? DEFAULT_MAX_ROWS))
  return `${out.join('\n')}\n`
}

function clusterMarkdown(c: ClusterApplyResult, maxRows: number): string[] {
  const out = [
    `### ${CLUSTER_MARK[c.status]} ${code(c.cluster)}: ${CLUSTER_TEXT[c.status]}`,
    '',
    `EKS cluster ${code(c.name)} in ${code(c.region)}, account ${code(c.accountId)}: ${formatCounts(c.counts)}`,
  ]
  if (c.problems.length > 0) out.push('', ...c.problems.map((p) => `- **${escapeText(p.code)}**: ${escapeText(p.message)}`))
  if (c.notes.length > 0) out.push('', ...c.notes.map((n) => `> ${escapeText(n)}`))
  if (c.items.length === 0) return out
  const { shown, hidden } = rowsToShow(c.items, maxRows)
  out.push('', '| Result | Change | Principal | Policy | Detail |', '| --- | --- | --- | --- | --- |')
  for (const item of shown) {
    const { action, principal, policy, what } = parts(item)
    const detail = [what, outcomeOf(item)].filter((x) => x !== '').map(escapeText)
    if (item.unreviewed === true) detail.push('_not in the reviewed plan_')
    out.push(
      `| ${STATUS_MARK[item.status]} ${STATUS_TEXT[item.status]} | ${escapeText(action)} | ${principal === '' ? '' : code(principal)} | ${policy === '' ? '' : code(policy)} | ${detail.join('<br>')} |`,
    )
  }
  if (hidden > 0) out.push('', `… and ${hidden} more (counted above).`)
  return out
}
