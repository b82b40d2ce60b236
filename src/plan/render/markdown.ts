import type { ClusterPlan, Plan } from '../../types.js'
import {
  EFFECT_LABELS,
  SUMMARY_ORDER,
  UNMANAGED_REASONS,
  countChanges,
  describeAuthModeStep,
  describeChange,
  escalationsOf,
  formatSummaryLine,
} from './text.js'
import { escapeMarkdownText, escapeMarkdownValue } from '../../render/safe.js'

/**
 * Markdown plan for the sticky PR comment and the job summary.
 *
 * Escaping: every user-controlled value (ARNs, usernames, groups, tags, namespaces, cluster
 * names, messages) goes through `escapeMarkdown` (HTML entities plus backslash escapes, control
 * characters made visible). Values shown as names are wrapped in `<code>`, which also keeps
 * GitHub from turning `@team` into a mention or `#12` into a link. Inside the ```diff block
 * values are shown raw but on one line that always starts with our own sign, and the fence is
 * longer than any backtick run in the block, so nothing can close it early.
 *
 * Size: the result never exceeds `maxLength` (GitHub rejects comments over 65,536 characters).
 * Per-cluster detail is dropped from the end first; the marker, title, escalations and summary
 * table stay, and a note says where the full plan is.
 */

export const DEFAULT_MAX_LENGTH = 65_536
/** Per-cluster sections with more changes than this start collapsed. */
export const COLLAPSE_THRESHOLD = 10

export interface MarkdownOptions {
  readonly maxLength?: number
}

// ───────────────────────────── escaping ─────────────────────────────

/** Plan values in Markdown: the escapers live in render/safe.ts (names kept for the renderers). */
export const escapeMarkdown = escapeMarkdownValue
export const escapeText = escapeMarkdownText

/** A user value shown as a name: escaped and in `<code>` (GitHub makes no mentions there). */
export function code(value: string): string {
  return `<code>${escapeMarkdown(value)}</code>`
}

/**
 * The hidden marker the sticky-comment code looks for. The JSON is escaped so that no hash
 * value could contain `>` and close the comment.
 */
export function renderMarker(planHash: string): string {
  const json = JSON.stringify({ v: 1, planHash }).replace(/[<>&]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`)
  return `<!-- eks-access-gate ${json} -->`
}

/** A fence longer than any backtick run in the content, so the content cannot close it. */
export function fenceFor(lines: readonly string[]): string {
  let longest = 0
  for (const line of lines) for (const run of line.match(/`+/g) ?? []) longest = Math.max(longest, run.length)
  return '`'.repeat(Math.max(3, longest + 1))
}

// ───────────────────────────── truncatable lists ─────────────────────────────

/** A list that can be shown in part: `head`, the first k `items`, a "more" line, `tail`. */
interface ListBlock {
  readonly head: string
  readonly items: readonly string[]
  readonly tail: string
  /** Replaces the items left out when only some are shown. */
  readonly more: (omitted: number) => string
  /** Replaces the whole block when none of its items is shown. */
  readonly omitted: (count: number) => string
}

function renderBlock(block: ListBlock, k: number): string {
  const n = block.items.length
  if (n === 0) return ''
  if (k <= 0) return block.omitted(n)
  const shown = Math.min(k, n)
  const more = shown < n ? block.more(n - shown) : ''
  return `${block.head}${block.items.slice(0, shown).join('')}${more}${block.tail}`
}

function totalItems(blocks: readonly ListBlock[]): number {
  return blocks.reduce((sum, b) => sum + b.items.length, 0)
}

/** Shows the first k items across blocks, in order; blocks after the k-th item are `omitted`. */
function renderBlocks(blocks: readonly ListBlock[], k: number): string[] {
  let left = k
  return blocks.map((block) => {
    const take = Math.min(left, block.items.length)
    left -= take
    return renderBlock(block, take)
  })
}

/**
 * The largest k in [0, max] with `fits(k)`, or -1 when not even 0 fits. Length grows with k
 * (almost monotonically: a "more" line disappears as a block completes), and every k returned
 * is checked, so the limit holds even where it is not monotone.
 */
function largestFitting(max: number, fits: (k: number) => boolean): number {
  if (!fits(0)) return -1
  let lo = 0
  let hi = max
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2)
    if (fits(mid)) lo = mid
    else hi = mid - 1
  }
  return lo
}

// ───────────────────────────── document parts ─────────────────────────────

function renderHead(plan: Plan): string {
  const lines = [renderMarker(plan.planHash), '## eks-access-gate plan', '']
  if (plan.manifestCommit !== undefined) lines.push(`Manifest commit ${code(plan.manifestCommit)}`, '')
  lines.push(`**${formatSummaryLine(plan)}**`, '')
  if (plan.clusters.length === 0) lines.push('No clusters selected.', '')
  return `${lines.join('\n')}\n`
}

function attentionItems(plan: Plan): string[] {
  const items: string[] = []
  for (const c of plan.clusters) {
    const where = `on ${code(c.cluster)}`
    if (c.authenticationMode !== undefined) {
      const step = c.authenticationMode
      items.push(
        `- ⚠️ **Irreversible authentication-mode step** ${where}: ${escapeMarkdown(`${step.from} → ${step.to}`)}; EKS never switches back\n`,
      )
    }
    for (const change of c.changes) {
      if (change.action !== 'replace') continue
      items.push(
        `- ⚠️ **Access gap** ${where}: ${code(change.principalArn)} is deleted and re-created ` +
          `(type ${code(change.before.type)} → ${code(change.after.type)}) and has no access in between\n`,
      )
    }
    for (const e of escalationsOf(c)) {
      const label = EFFECT_LABELS[e.kind]
      const title = `${label.charAt(0).toUpperCase()}${label.slice(1)}`
      items.push(`- ⚠️ **${title}** ${where}: ${code(e.principalArn)}: ${escapeText(e.detail)}\n`)
    }
  }
  return items
}

function attentionBlock(plan: Plan): ListBlock {
  return {
    head: '### ⚠️ Needs a careful review\n\n',
    items: attentionItems(plan),
    tail: '\n',
    more: (n) => `- ⚠️ …and ${n} more (plan truncated; see the full plan)\n`,
    omitted: (n) => `### ⚠️ ${n} escalations need a careful review (not shown: plan truncated; see the full plan)\n\n`,
  }
}

const TABLE_COLUMNS = ['Create', 'Update', 'Replace', 'Delete', 'Associate', 'Disassociate', 'Unchanged', 'Errors']

function tableRow(name: string, cells: readonly (string | number)[]): string {
  return `| ${name} | ${cells.join(' | ')} |\n`
}

function clusterRow(c: ClusterPlan): string {
  const counts = countChanges(c)
  const errors = c.errors.length > 0 ? `❌ ${c.errors.length}` : 0
  return tableRow(code(c.cluster), [...SUMMARY_ORDER.map((k) => counts[k]), errors])
}

function tableBlock(plan: Plan): ListBlock {
  const errors = plan.clusters.reduce((sum, c) => sum + c.errors.length, 0)
  const total = tableRow('**Total**', [...SUMMARY_ORDER.map((k) => plan.summary[k]), errors])
  const blank = TABLE_COLUMNS.map(() => '')
  return {
    head: `${tableRow('Cluster', TABLE_COLUMNS)}|${'---|'.repeat(TABLE_COLUMNS.length + 1)}\n`,
    items: plan.clusters.map(clusterRow),
    tail: `${total}\n`,
    more: (n) => tableRow(`…and ${n} more clusters`, blank),
    omitted: (n) => `${n} clusters (table not shown: plan truncated; see the full plan)\n\n`,
  }
}

function problemsBlock(plan: Plan): ListBlock {
  return {
    head: '### Problems\n\n',
    items: plan.problems.map(
      (p) => `- **${p.severity}** ${code(p.code)} at ${code(`${p.file}:${p.line}:${p.column}`)}: ${escapeText(p.message)}\n`,
    ),
    tail: '\n',
    more: (n) => `- …and ${n} more problems (plan truncated)\n`,
    omitted: (n) => `${n} problems (not shown: plan truncated; see the full plan)\n\n`,
  }
}

// ───────────────────────────── per-cluster sections ─────────────────────────────

interface ClusterSection {
  readonly header: string
  readonly blocks: readonly ListBlock[]
}

function errorsBlock(c: ClusterPlan): ListBlock {
  return {
    head: '**Errors**\n\n',
    items: c.errors.map((e) => `- ❌ ${code(e.code)}: ${escapeText(e.message)}\n`),
    tail: '\n',
    more: (n) => `- …and ${n} more errors (plan truncated)\n`,
    omitted: (n) => `_${n} errors not shown (plan truncated)._\n\n`,
  }
}

function diffLines(c: ClusterPlan): string[] {
  const lines: string[] = []
  if (c.authenticationMode !== undefined) lines.push(`${'!'.padEnd(3)} ${describeAuthModeStep(c.authenticationMode)}`)
  for (const change of c.changes) {
    const { sign, text } = describeChange(change)
    lines.push(`${sign.padEnd(3)} ${text}`)
  }
  return lines
}

function diffBlock(c: ClusterPlan): ListBlock {
  const lines = diffLines(c)
  const fence = fenceFor(lines)
  const n = c.changes.length
  const open = n > COLLAPSE_THRESHOLD ? '<details>' : '<details open>'
  return {
    head: `${open}\n<summary>${n} ${n === 1 ? 'change' : 'changes'}</summary>\n\n${fence}diff\n`,
    items: lines.map((l) => `${l}\n`),
    tail: `${fence}\n\n</details>\n\n`,
    more: (k) => `… ${k} more lines not shown (plan truncated)\n`,
    omitted: (k) => `_${k} changes not shown (plan truncated)._\n\n`,
  }
}

function unmanagedBlock(c: ClusterPlan): ListBlock {
  return {
    head: '**Unmanaged entries** (left alone)\n\n',
    items: c.unmanaged.map((u) => `- ${code(u.principalArn)} (${code(u.type)}): ${UNMANAGED_REASONS[u.reason]}\n`),
    tail: '\n',
    more: (n) => `- …and ${n} more (plan truncated)\n`,
    omitted: (n) => `_${n} unmanaged entries not shown (plan truncated)._\n\n`,
  }
}

function clusterSection(c: ClusterPlan): ClusterSection {
  const header =
    `### ${code(c.cluster)}: EKS cluster ${code(c.name)} in ${code(c.region)}, account ${code(c.accountId)}\n\n` +
    (c.changes.length === 0 && c.authenticationMode === undefined && c.errors.length === 0 ? 'No changes.\n\n' : '') +
    // Guidance is one or two sentences per cluster: part of the header, so truncation keeps it.
    (c.notes ?? []).map((note) => `> [!NOTE]\n> ${escapeText(note)}\n\n`).join('')
  return { header, blocks: [errorsBlock(c), diffBlock(c), unmanagedBlock(c)] }
}

function renderSection(section: ClusterSection, k: number): string {
  return `${section.header}${renderBlocks(section.blocks, k).join('')}`
}

// ───────────────────────────── assembly ─────────────────────────────

function truncationNote(maxLength: number, shortened: number, clusters: number): string {
  return (
    `> [!NOTE]\n> This plan was truncated to fit the ${maxLength.toLocaleString('en-US')}-character limit of a comment: ` +
    `detail is shortened or left out for ${shortened} of ${clusters} clusters. ` +
    'The summary table counts every change. The full plan is in the job summary and in ' +
    "`eks-access-gate plan --format json` (the action's `plan-file`).\n\n"
  )
}

/** Fills `budget` characters with cluster sections in order; the last one may be cut short. */
function fitSections(sections: readonly ClusterSection[], budget: number): string[] {
  const out: string[] = []
  let left = budget
  for (const section of sections) {
    const full = renderSection(section, Number.POSITIVE_INFINITY)
    if (full.length <= left) {
      out.push(full)
      left -= full.length
      continue
    }
    const max = totalItems(section.blocks)
    const k = largestFitting(max, (n) => renderSection(section, n).length <= left)
    if (k >= 0) out.push(renderSection(section, k))
    break
  }
  return out
}

/** Cuts at a code-point boundary, for the last resort of a limit too small for the marker and note. */
function cutToLength(s: string, max: number): string {
  if (s.length <= max) return s
  const cut = s.slice(0, Math.max(0, max))
  const last = cut.charCodeAt(cut.length - 1)
  return last >= 0xd800 && last <= 0xdbff ? cut.slice(0, -1) : cut
}

/** Markdown plan; never longer than `maxLength` (default 65,536). Ends with a newline. */
export function renderMarkdownPlan(plan: Plan, opts: MarkdownOptions = {}): string {
  const maxLength = Math.max(0, Math.floor(opts.maxLength ?? DEFAULT_MAX_LENGTH))
  const head = renderHead(plan)
  const attention = attentionBlock(plan)
  const table = tableBlock(plan)
  const problems = problemsBlock(plan)
  const sections = plan.clusters.map(clusterSection)

  const full = [
    head,
    renderBlock(attention, Infinity),
    renderBlock(table, Infinity),
    renderBlock(problems, Infinity),
    ...sections.map((s) => renderSection(s, Infinity)),
  ].join('')
  if (full.length <= maxLength) return full

  const total = plan.clusters.length
  // Reserved at its longest ("N of N"), so the final note is never longer than the reserve.
  const reserve = truncationNote(maxLength, total, total).length
  const top = [head, renderBlock(attention, Infinity), renderBlock(table, Infinity)]
  const problemsText = renderBlock(problems, Infinity)
  const fixed = top.join('').length + reserve + problemsText.length
  if (fixed <= maxLength) {
    const shown = fitSections(sections, maxLength - fixed)
    const complete = shown.filter((s, i) => s === renderSection(sections[i] as ClusterSection, Infinity)).length
    return [...top, truncationNote(maxLength, total - complete, total), problemsText, ...shown].join('')
  }

  // Even the top parts are too long (thousands of clusters or escalations): no per-cluster
  // detail at all, and the lists share what is left, table rows first, then escalations,
  // then problems.
  const note = truncationNote(maxLength, total, total)
  const budget = maxLength - head.length - note.length
  const byPriority = [table, attention, problems]
  const fits = (k: number): boolean => renderBlocks(byPriority, k).join('').length <= budget
  const k = largestFitting(totalItems(byPriority), fits)
  if (k < 0) return cutToLength(`${head}${note}`, maxLength)
  const [t = '', a = '', p = ''] = renderBlocks(byPriority, k)
  return [head, a, t, note, p].join('')
}
