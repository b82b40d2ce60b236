import type { ClusterPlan, ExpiringAccess, ObservedCluster, Plan, PlanError, PlanSummary, Problem, Result } from '../../types.js'
import { UNMANAGED_REASONS } from './text.js'
import { entriesAfter, isClusterAdmin, principalRows, type Marker, type PrincipalRow } from './review/access.js'
import { accessPhrase, callItem, clusterCounts, countPhrase, errorHint, plural, policyLabel, principalLabel } from './review/describe.js'
import { code, htmlCode, text } from '../../render/safe.js'
import type { RulesChangeNotice } from '../../render/problems.js'

/**
 * The pull-request review comment (and job summary): who gains and who loses what, per cluster,
 * readable in ten seconds at a PR column's width. Pure: same input, same bytes.
 *
 * Layout: the caller's marker line, a title, one line of counts; notes; problems; then per
 * cluster the principals that change (escalations first, one item each, before → after), the
 * cluster admins after the plan, unmanaged entries and the API calls (both collapsed).
 * Everything is list items and short lines, never a wide table or a code block, so nothing
 * needs horizontal scrolling. Untrusted values go through src/render/safe.ts only.
 *
 * Size: never longer than `maxLength` (UTF-16 units). Detail is taken away from the last
 * cluster first (API calls, then unmanaged entries), then clusters are summarised in one
 * line each (counts, escalations), and only past that (thousands of clusters) are the last
 * ones counted together in one line. Text is cut only when not even the head fits.
 */

/** GitHub's comment limit, less a margin for whatever the caller's marker or GitHub itself adds. */
export const REVIEW_MAX_LENGTH = 65_536 - 1_024
/** With more clusters than this, each cluster starts collapsed. */
export const COLLAPSE_CLUSTERS = 5
/** With more principals than this in a cluster, the rows after the escalations start collapsed. */
export const COLLAPSE_ROWS = 10
/** At most this many problems are listed. */
const PROBLEM_LIMIT = 50
/** At most this many cluster admins are named per cluster. */
const ADMIN_LIMIT = 10

/** Access that ends soon (`ClusterPlan.expiring`). */
export type ExpiringNotice = ExpiringAccess

export interface ReviewContext {
  /** The first line, verbatim (the caller owns the sticky-comment marker). Must be one line. */
  readonly marker: string
  /** The shard's `clusters` filter, when the job plans only some clusters. */
  readonly shard?: string
  /** The head commit, short. */
  readonly headSha?: string
  /** Where the full plan is, e.g. "the `plan-file` artifact of this run" (shown as text). */
  readonly planFileHint?: string
  /** Short notes, e.g. "The rules file changed in this pull request; the base branch's rules were used." */
  readonly notes?: readonly string[]
  /**
   * The pull request changes the organisation rules file: what its rules would add or remove after
   * merge, while the verdict (the problems above) used the rules at `baseSha`.
   */
  readonly rulesChange?: { readonly change: RulesChangeNotice; readonly baseSha: string }
  /** With no plan: what was invalid (default the manifest; `state`: the state snapshot). */
  readonly invalidInput?: 'manifest' | 'state'
}

export interface ReviewInput {
  /** Undefined when nothing was planned (invalid manifest). */
  readonly plan?: Plan
  /** Validation problems; default `plan.problems`. */
  readonly problems?: readonly Problem[]
  /**
   * The live state (or snapshot) the plan was made from, per logical cluster key: the same map
   * `buildPlan` took. Needed for access before/after, unmanaged access and the admin line.
   */
  readonly observed?: ReadonlyMap<string, Result<ObservedCluster, PlanError> | ObservedCluster>
  readonly context: ReviewContext
}

export interface ReviewOptions {
  /** Hard limit in UTF-16 code units; default REVIEW_MAX_LENGTH. */
  readonly maxLength?: number
  readonly collapseClusters?: number
  readonly collapseRows?: number
}

// ───────────────────────────── head ─────────────────────────────

type Counts = Readonly<Record<keyof PlanSummary, number>>

function rowTally(rows: readonly PrincipalRow[]): string[] {
  const n = (m: Marker): number => rows.filter((r) => r.markers.includes(m)).length
  const out: string[] = []
  const admins = rows.filter((r) => r.effects.some((e) => e.kind === 'cluster-admin-granted')).length
  if (admins > 0) out.push(`👑 ${plural(admins, 'new cluster admin')}`)
  if (n('escalation') > 0) out.push(`⚠️ ${plural(n('escalation'), 'principal gains', 'principals gain')} access`)
  if (n('gap') > 0) out.push(`⛔ ${plural(n('gap'), 'access gap')}`)
  if (n('loss') > 0) out.push(`🔻 ${plural(n('loss'), 'principal loses', 'principals lose')} access`)
  return out
}

function countLine(counts: Counts, rows: readonly PrincipalRow[], failed: number, modeSteps = 0): string {
  const changes = [countPhrase(counts), modeSteps > 0 ? `⚠️ ${plural(modeSteps, 'authentication-mode step')}` : '']
    .filter((p) => p !== '')
    .join(' · ')
  const parts = [changes === '' ? '**No changes**' : `**${changes}**`, ...rowTally(rows)]
  if (failed > 0) parts.push(`❌ ${plural(failed, 'cluster')} not planned`)
  return parts.join(' · ')
}

function titleLine(ctx: ReviewContext): string {
  const parts = ['### eks-access-gate plan']
  if (ctx.shard !== undefined) parts.push(`shard ${code(ctx.shard)}`)
  if (ctx.headSha !== undefined) parts.push(`at ${code(ctx.headSha)}`)
  return parts.join(' · ')
}

function notesBlock(ctx: ReviewContext): string {
  const notes = ctx.notes ?? []
  if (notes.length === 0) return ''
  return `> [!NOTE]\n${notes.map((n) => `> ${text(n)}`).join('<br>\n')}\n\n`
}

/** Violations listed per side of a rules change; the rest are counted (validate lists them all). */
const RULES_CHANGE_LIMIT = 10

function rulesChangeList(title: string, problems: readonly Problem[]): string {
  if (problems.length === 0) return ''
  const shown = problems.slice(0, RULES_CHANGE_LIMIT).map(problemItem).join('')
  const rest = problems.length - RULES_CHANGE_LIMIT
  const more = rest > 0 ? `- …and ${rest} more (\`eks-access-gate validate --rules FILE\` on this branch lists them all)\n` : ''
  return `**${title}** (${problems.length})\n\n${shown}${more}\n`
}

/**
 * The pull request edits the gate that judges it: say so first (the verdict uses the base
 * commit's rules), then which violations its own rules would add or remove after merge.
 */
function rulesChangeBlock(ctx: ReviewContext): string {
  if (ctx.rulesChange === undefined) return ''
  const { change, baseSha } = ctx.rulesChange
  const verdict = `This run is judged by the rules at the base commit ${code(baseSha.slice(0, 12))}: a pull request cannot relax its own gate.`
  const file = code(change.file)
  switch (change.kind) {
    case 'changed': {
      const effect =
        change.added.length + change.removed.length === 0
          ? 'After merge its rules would add or remove no violation of this manifest.'
          : `After merge its rules would add ${plural(change.added.length, 'violation')} and remove ${plural(change.removed.length, 'violation')}.`
      return (
        `> [!WARNING]\n> **This pull request changes the organisation rules** (${file}). ${verdict} ${effect}\n\n` +
        rulesChangeList('Violations the new rules would add', change.added) +
        rulesChangeList('Violations the new rules would remove', change.removed)
      )
    }
    case 'deleted':
      return (
        `> [!WARNING]\n> **This pull request deletes the organisation rules** (${file}). ${verdict} ` +
        `After merge no organisation rules would apply and ${plural(change.removed.length, 'violation')} would go.\n\n` +
        rulesChangeList('Violations that would go', change.removed)
      )
    case 'broken':
      return (
        `> [!WARNING]\n> **This pull request breaks the organisation rules file** (${file}). ${verdict} ` +
        `After merge every run would fail on ${change.problems.length === 1 ? 'this problem' : 'these problems'}.\n\n` +
        rulesChangeList('Problems in the changed rules file', change.problems)
      )
  }
}

function problemItem(p: Problem): string {
  const icon = p.severity === 'error' ? '❌' : '⚠️'
  return `- ${icon} ${code(`${p.file}:${p.line}:${p.column}`)} ${code(p.code)}: ${text(p.message)}\n`
}

function problemsBlock(problems: readonly Problem[], planned: boolean, label = 'Manifest'): string {
  if (problems.length === 0) return ''
  const errors = problems.filter((p) => p.severity === 'error')
  const sorted = [...errors, ...problems.filter((p) => p.severity !== 'error')]
  const shown = sorted.slice(0, PROBLEM_LIMIT).map(problemItem).join('')
  const more =
    sorted.length > PROBLEM_LIMIT ? `- …and ${sorted.length - PROBLEM_LIMIT} more (\`eks-access-gate validate\` lists them all)\n` : ''
  const title = `${plural(errors.length, 'error')}, ${plural(problems.length - errors.length, 'warning')}`
  if (!planned || errors.length > 0) return `**${label} problems: ${title}**\n\n${shown}${more}\n`
  return `<details><summary>${label} warnings: ${title}</summary>\n\n${shown}${more}\n</details>\n\n`
}

// ───────────────────────────── per cluster ─────────────────────────────

const MARKER_ICON: Readonly<Record<Marker, string>> = { escalation: '⚠️', gap: '⛔', loss: '🔻', 'in-place': '🔁', other: '🏷️' }

const MARKER_LABEL: Readonly<Record<Marker, string>> = {
  escalation: '**gains access**',
  gap: '**access gap**',
  loss: '**loses access**',
  'in-place': 'changed in place',
  other: 'tags only',
}

function markerLabels(row: PrincipalRow): string {
  const kinds = new Set(row.effects.map((e) => e.kind))
  return row.markers
    .map((m) => {
      if (m === 'escalation' && kinds.has('cluster-admin-granted')) return '**becomes cluster admin**'
      if (m === 'loss' && kinds.has('access-removed')) return '**loses all access**'
      if (m === 'loss' && kinds.has('cluster-admin-revoked')) return '**loses cluster admin**'
      if (m === 'gap') return '**access gap** (deleted and re-created)'
      if (m === 'other' && row.adopted) return 'adopted (ownership tag added)'
      return MARKER_LABEL[m]
    })
    .join(' · ')
}

function rowItem(row: PrincipalRow, cluster: ClusterPlan, live: boolean): string {
  const extra: string[] = []
  if (row.effects.some((e) => e.kind === 'other-account-principal')) extra.push('from another account')
  if (row.expiredAt !== undefined) extra.push(`expired ${code(row.expiredAt)}`)
  const icon = MARKER_ICON[row.markers[0] ?? 'other']
  const head = `- ${icon} ${principalLabel(row.principalArn, cluster)} ${markerLabels(row)}${extra.length > 0 ? ` (${extra.join(', ')})` : ''}`
  // A type change resets the username to the new type's own; the type is what the reviewer needs.
  const showUsername =
    row.before !== undefined && row.after !== undefined && row.before.type === row.after.type && row.before.username !== row.after.username
  const before = accessPhrase(row.before, row.after, false, showUsername)
  const after = row.after === undefined ? '_no access (entry deleted)_' : accessPhrase(row.after, row.before, true, showUsername)
  const partial = live ? '' : ' _(live state not given: unchanged access not shown)_'
  return `${head}<br>\n  before: ${before}${partial}<br>\n  after: ${after}\n`
}

function rowsBlock(rows: readonly PrincipalRow[], cluster: ClusterPlan, live: boolean, collapseRows: number): string {
  if (rows.length === 0) return ''
  const items = rows.map((r) => rowItem(r, cluster, live))
  if (rows.length <= collapseRows) return `${items.join('')}\n`
  const urgent = rows.filter((r) => r.markers[0] === 'escalation' || r.markers[0] === 'gap').length
  const rest = items.slice(urgent)
  return `${items.slice(0, urgent).join('')}${urgent > 0 ? '\n' : ''}<details><summary>${plural(rest.length, 'more principal')}</summary>\n\n${rest.join('')}\n</details>\n\n`
}

function adminsLine(cluster: ClusterPlan, observed: ObservedCluster | undefined): string {
  if (observed === undefined) return '👑 **Cluster admins after this plan:** not known (no live state given)\n\n'
  const unmanaged = new Set(cluster.unmanaged.map((u) => u.principalArn))
  const granted = new Set(cluster.effects.filter((e) => e.kind === 'cluster-admin-granted').map((e) => e.principalArn))
  const admins = entriesAfter(cluster, observed).filter((e) => isClusterAdmin(e.access))
  if (admins.length === 0) return '👑 **Cluster admins after this plan: ⚠️ none**\n\n'
  const names = admins.slice(0, ADMIN_LIMIT).map((a) => {
    const tags = [...(granted.has(a.principalArn) ? ['new'] : []), ...(unmanaged.has(a.principalArn) ? ['unmanaged'] : [])]
    return `${principalLabel(a.principalArn, cluster)}${tags.length > 0 ? ` (${tags.join(', ')})` : ''}`
  })
  const more = admins.length > ADMIN_LIMIT ? ` +${admins.length - ADMIN_LIMIT} more` : ''
  return `👑 **Cluster admins after this plan:** ${names.join(', ')}${more}\n\n`
}

function unmanagedBlock(cluster: ClusterPlan, observed: ObservedCluster | undefined): string {
  if (cluster.unmanaged.length === 0) return ''
  const items = cluster.unmanaged.map((u) => {
    const entry = observed?.entries.find((e) => e.principalArn === u.principalArn)
    const access = entry === undefined ? '_access not known_' : accessPhrase(entry, undefined, false, false)
    return `- ${principalLabel(u.principalArn, cluster)}: ${access}<br>\n  _${UNMANAGED_REASONS[u.reason]}_\n`
  })
  return `<details><summary>${plural(cluster.unmanaged.length, 'unmanaged entry', 'unmanaged entries')}, left alone</summary>\n\n${items.join('')}\n</details>\n\n`
}

function callsBlock(cluster: ClusterPlan): string {
  if (cluster.changes.length === 0) return ''
  const items = cluster.changes.map((c) => `${callItem(c, cluster)}\n`).join('')
  return `<details><summary>${plural(cluster.changes.length, 'API call')}</summary>\n\n${items}\n</details>\n\n`
}

function errorsBlock(cluster: ClusterPlan): string {
  if (cluster.errors.length === 0) return ''
  const items = cluster.errors.map((e) => `- ${code(e.code)}: ${text(e.message)}<br>\n  **What to do:** ${errorHint(e.code)}\n`)
  return `❌ **This cluster could not be planned.** Nothing will be applied to it.\n\n${items.join('')}\n`
}

function expiringBlock(cluster: ClusterPlan): string {
  const list = cluster.expiring ?? []
  if (list.length === 0) return ''
  const items = list.map((x) => {
    const what = x.policyArn === undefined ? 'all access' : policyLabel(x.policyArn)
    return `- ${principalLabel(x.principalArn, cluster)}: ${what} ends ${code(x.endsAt)}\n`
  })
  return `⏳ **Expiring soon**\n\n${items.join('')}\n`
}

/**
 * Authentication-mode guidance (`ClusterPlan.notes`), concisely: per note, its first sentence
 * (where the cluster stands) on one line and the rest (the next steps) collapsed. The note's
 * leading "cluster KEY" is dropped (the section names the cluster), and the commands it quotes
 * in backticks are shown as code; everything else is text. Both forms are safe for any input,
 * so a cluster key with a backtick only changes which parts look like code.
 */
function notesLines(cluster: ClusterPlan): string {
  return (cluster.notes ?? [])
    .map((note) => {
      // Only our own wording is split: a note that does not start with its cluster key (the only
      // value it quotes) is shown whole, so no value can start a line of its own.
      const own = withoutClusterPrefix(note, cluster.cluster)
      const { first, rest } = own === undefined ? { first: note, rest: '' } : splitFirstSentence(own)
      const more = rest === '' ? '' : `<details><summary>What to do</summary>\n\n${noteMarkdown(rest)}\n\n</details>\n\n`
      return `ℹ️ **Authentication mode:** ${noteMarkdown(first)}\n\n${more}`
    })
    .join('')
}

function splitFirstSentence(note: string): { first: string; rest: string } {
  const end = /\. (?=\S)/.exec(note)
  return end === null ? { first: note, rest: '' } : { first: note.slice(0, end.index + 1), rest: note.slice(end.index + 2) }
}

/** The note after "cluster KEY", as a sentence; undefined when it does not start so. */
function withoutClusterPrefix(note: string, key: string): string | undefined {
  const prefix = `cluster ${key}`
  if (!note.startsWith(prefix)) return undefined
  const rest = note.slice(prefix.length)
  if (rest.startsWith(': ')) return `${rest.charAt(2).toUpperCase()}${rest.slice(3)}`
  return rest.startsWith(' ') ? `This cluster${rest}` : undefined
}

function noteMarkdown(note: string): string {
  const parts = note.split('`')
  // An unpaired backtick leaves the last part as text.
  return parts.map((part, i) => (i % 2 === 1 && i < parts.length - 1 ? code(part) : text(part))).join('')
}

function authModeLine(cluster: ClusterPlan): string {
  const step = cluster.authenticationMode
  if (step === undefined) return ''
  return `⚠️ **Irreversible:** authentication mode ${code(step.from)} → ${code(step.to)} (EKS never switches back)\n\n`
}

interface ClusterModel {
  readonly cluster: ClusterPlan
  readonly observed: ObservedCluster | undefined
  readonly rows: readonly PrincipalRow[]
  readonly counts: Counts
}

function clusterWhere(m: ClusterModel): string {
  const c = m.cluster
  return `EKS cluster ${text(c.name, 80)} in ${text(c.region, 40)}, account ${text(c.accountId, 40)}`
}

function clusterCountLine(m: ClusterModel): string {
  if (m.cluster.errors.length > 0) return '❌ not planned'
  const step = m.cluster.authenticationMode !== undefined ? '⚠️ authentication-mode step' : ''
  const changes = [countPhrase(m.counts), step].filter((p) => p !== '').join(' · ')
  const unchanged = m.counts.unchanged > 0 ? ` · ${m.counts.unchanged} unchanged` : ''
  return `${changes === '' ? 'No changes' : changes}${unchanged}${rowTally(m.rows)
    .map((t) => ` · ${t}`)
    .join('')}`
}

/**
 * Detail levels, most to least: 0 everything, 1 no API calls, 2 no unmanaged entries either,
 * 3 one line, 4 counted in one line with the other level-4 clusters (only for thousands of clusters).
 */
type Level = 0 | 1 | 2 | 3 | 4

function clusterBody(m: ClusterModel, level: Level, collapseRows: number): string {
  const c = m.cluster
  return [
    errorsBlock(c),
    authModeLine(c),
    rowsBlock(m.rows, c, m.observed !== undefined, collapseRows),
    c.errors.length > 0 ? '' : adminsLine(c, m.observed),
    expiringBlock(c),
    notesLines(c),
    level < 2 ? unmanagedBlock(c, m.observed) : '',
    level < 1 ? callsBlock(c) : '',
  ].join('')
}

function summaryLine(m: ClusterModel): string {
  const admin = (r: PrincipalRow): boolean => r.effects.some((e) => e.kind === 'cluster-admin-granted')
  const escalating = m.rows.filter((r) => r.markers.includes('escalation'))
  const ordered = [...escalating.filter(admin), ...escalating.filter((r) => !admin(r))]
  const names = ordered.slice(0, 3).map((r) => `${principalLabel(r.principalArn, m.cluster)}${admin(r) ? ' (cluster admin)' : ''}`)
  const who = ordered.length > 0 ? `: ${names.join(', ')}${ordered.length > 3 ? ` +${ordered.length - 3} more` : ''}` : ''
  return `- ${code(m.cluster.cluster)}: ${clusterCountLine(m)}${who}\n`
}

function renderCluster(m: ClusterModel, level: Level, collapsed: boolean, collapseRows: number): string {
  if (level === 4) return ''
  if (level === 3) return summaryLine(m)
  const body = clusterBody(m, level, collapseRows)
  if (collapsed) {
    const summary = `${htmlCode(m.cluster.cluster)} · ${clusterCountLine(m)}`
    return `\n<details><summary>${summary}</summary>\n\n${clusterWhere(m)}\n\n${body}</details>\n`
  }
  // A failed cluster's errors block says it all; no count line above it.
  const counts = m.cluster.errors.length > 0 ? '' : `<br>\n${clusterCountLine(m)}`
  return `\n#### ${code(m.cluster.cluster)}\n\n${clusterWhere(m)}${counts}\n\n${body}`
}

// ───────────────────────────── assembly ─────────────────────────────

function observedFor(input: ReviewInput, key: string): ObservedCluster | undefined {
  const found = input.observed?.get(key)
  if (found === undefined) return undefined
  if ('ok' in found) return found.ok ? found.value : undefined
  return found
}

function truncationNote(levels: readonly Level[], ctx: ReviewContext): string {
  const n = (f: (l: Level) => boolean): number => levels.filter(f).length
  const parts = [
    n((l) => l === 1 || l === 2) > 0
      ? `API calls or unmanaged entries left out for ${plural(
          n((l) => l === 1 || l === 2),
          'cluster',
        )}`
      : '',
    n((l) => l === 3) > 0 ? `${n((l) => l === 3)} of ${levels.length} clusters summarised in one line` : '',
    n((l) => l === 4) > 0 ? `${n((l) => l === 4)} of ${levels.length} clusters only counted together` : '',
  ].filter((p) => p !== '')
  const where = ctx.planFileHint !== undefined ? `${text(ctx.planFileHint)}, or ` : "the action's `plan-file` output (JSON), or "
  return (
    `> [!NOTE]\n> Shortened to fit GitHub's comment limit: ${parts.join('; ')}. ` +
    `The full plan: ${where}\`eks-access-gate plan --format json\`.\n\n`
  )
}

const summaryListHead = '\n**Summarised clusters** (detail left out to fit)\n\n'

/** One line for the clusters too many to list: their counts and tallies together. */
function aggregateLine(models: readonly ClusterModel[]): string {
  if (models.length === 0) return ''
  const counts = { create: 0, update: 0, replace: 0, delete: 0, associate: 0, disassociate: 0, unchanged: 0 }
  for (const m of models) for (const k of Object.keys(counts) as (keyof PlanSummary)[]) counts[k] += m.counts[k]
  const failed = models.filter((m) => m.cluster.errors.length > 0).length
  return `- …and ${plural(models.length, 'more cluster')}: ${countLine(
    counts,
    models.flatMap((m) => m.rows),
    failed,
  )}\n`
}

function assemble(
  head: string,
  models: readonly ClusterModel[],
  sections: readonly string[],
  levels: readonly Level[],
  note: string,
): string {
  const full: string[] = []
  const brief: string[] = []
  sections.forEach((s, i) => ((levels[i] ?? 0) >= 3 ? brief : full).push(s))
  const aggregate = aggregateLine(models.filter((_, i) => levels[i] === 4))
  const tail = brief.length > 0 ? `${summaryListHead}${brief.join('')}${aggregate}` : ''
  return `${head}${note}${full.join('')}${tail}`.replace(/\n{3,}/g, '\n\n').replace(/\n*$/, '\n')
}

/** Cuts at a code-point boundary: the last resort when not even the head fits. */
function cutToLength(s: string, max: number): string {
  if (s.length <= max) return s
  const cut = s.slice(0, Math.max(0, max))
  const last = cut.charCodeAt(cut.length - 1)
  return last >= 0xd800 && last <= 0xdbff ? cut.slice(0, -1) : cut
}

/**
 * The review comment for a plan (or, with no plan, for an invalid manifest). The first line is
 * `context.marker` verbatim; the result is never longer than `maxLength` and ends with a newline.
 */
export function renderReviewComment(input: ReviewInput, options: ReviewOptions = {}): string {
  const ctx = input.context
  if (/[\r\n]/.test(ctx.marker)) throw new Error('renderReviewComment: the marker must be a single line')
  const maxLength = Math.floor(options.maxLength ?? REVIEW_MAX_LENGTH)
  const plan = input.plan
  const problems = input.problems ?? plan?.problems ?? []
  const clusters = plan?.clusters ?? []
  const models: ClusterModel[] = clusters.map((c) => {
    const observed = observedFor(input, c.cluster)
    return { cluster: c, observed, rows: principalRows(c, observed), counts: clusterCounts(c) }
  })

  const failed = clusters.filter((c) => c.errors.length > 0).length
  const allRows = models.flatMap((m) => m.rows)
  const headline =
    plan === undefined
      ? `❌ **The ${ctx.invalidInput === 'state' ? 'state snapshot' : 'manifest'} is invalid: nothing was planned.** Fix the problems below and push again.`
      : clusters.length === 0
        ? '**No clusters selected.**'
        : countLine(plan.summary, allRows, failed, clusters.filter((c) => c.authenticationMode !== undefined).length)
  const head = `${ctx.marker}\n${titleLine(ctx)}\n\n${headline}\n\n${notesBlock(ctx)}${rulesChangeBlock(ctx)}${problemsBlock(problems, plan !== undefined, ctx.invalidInput === 'state' ? 'Manifest and state snapshot' : 'Manifest')}`

  const collapsed = models.length > (options.collapseClusters ?? COLLAPSE_CLUSTERS)
  const collapseRows = options.collapseRows ?? COLLAPSE_ROWS
  const render = (m: ClusterModel, level: Level): string => renderCluster(m, level, collapsed, collapseRows)
  const levels: Level[] = models.map(() => 0)
  const build = (note: string): string =>
    assemble(
      head,
      models,
      models.map((m, i) => render(m, levels[i] ?? 0)),
      levels,
      note,
    )

  const whole = build('')
  if (whole.length <= maxLength) return whole

  // Take detail away from the last cluster first, one level at a time over all clusters,
  // measuring each cluster's section once per level (the document is their concatenation).
  // Reserved: the note at its longest, the list head and the aggregate line at their longest.
  const reserve =
    truncationNote(
      [1, 3, 4].flatMap((l) => models.map(() => l as Level)),
      ctx,
    ).length +
    summaryListHead.length +
    aggregateLine(models).length
  const lengths = models.map((m) => [0, 1, 2, 3, 4].map((l) => render(m, l as Level).length))
  let total = head.length + reserve + lengths.reduce((sum, l) => sum + (l[0] ?? 0), 0)
  for (const level of [1, 2, 3, 4] as const) {
    for (let i = models.length - 1; i >= 0 && total > maxLength; i--) {
      const l = lengths[i] ?? []
      total += (l[level] ?? 0) - (l[levels[i] ?? 0] ?? 0)
      levels[i] = level
    }
  }
  // Only when not even the head fits (a limit far below any real one) is text cut.
  // The note names only what was really left out (a cluster without API calls loses nothing at level 1).
  const shown = levels.map((l, i) => (l > 0 && l < 3 && lengths[i]?.[l] === lengths[i]?.[0] ? 0 : l))
  return cutToLength(build(truncationNote(shown, ctx)), maxLength)
}
