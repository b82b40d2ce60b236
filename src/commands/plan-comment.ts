/**
 * The sticky pull-request comment of a plan, as one string: the hidden marker on the FIRST line
 * (head commit, shard, one hash per cluster), the rendered plan, and the reviewed-change digests
 * at the END (apply reads both back). Never longer than GitHub's 65,536 characters: the plan
 * renderer gets whatever the marker and the digests leave.
 */
import type { PullRequestPlan } from '../config/requests.js'
import { MAX_BODY_CHARACTERS } from '../github/port.js'
import { formatMarker, formatReviewedDigests, MARKER_PREFIX, markerDataFor } from '../plan/marker.js'
import { countProblems, displayPath } from '../render/problems.js'
import { escapeMarkdown, truncateText } from '../render/safe.js'
import type { Plan, Problem } from '../types.js'

/** Renders a plan as Markdown in at most `maxLength` characters (the plan renderer's contract). */
export type CommentRenderer = (plan: Plan, maxLength: number) => string

/** The marker line: what `upsertStickyComment` finds the comment by. */
export function planMarkerLine(plan: Plan, pr: Pick<PullRequestPlan, 'head' | 'shard'>): string {
  return formatMarker(markerDataFor(plan, pr.head, pr.shard))
}

/**
 * A renderer's own hidden header (the plan renderer starts with `<!-- eks-access-gate {…planHash…} -->`)
 * would be a second marker: the comment's marker is ours, so a leading one is dropped.
 */
function withoutLeadingMarker(markdown: string): string {
  if (!markdown.startsWith(MARKER_PREFIX)) return markdown
  const nl = markdown.indexOf('\n')
  return nl < 0 ? '' : markdown.slice(nl + 1)
}

/** marker + plan + digests, within GitHub's limit. */
export function planCommentBody(plan: Plan, pr: Pick<PullRequestPlan, 'head' | 'shard'>, render: CommentRenderer): string {
  const marker = planMarkerLine(plan, pr)
  const digests = formatReviewedDigests(plan, pr.head)
  const frame = (markdown: string): string => `${marker}\n${markdown.replace(/\n*$/, '\n')}${digests === '' ? '' : `\n${digests}\n`}`
  const room = MAX_BODY_CHARACTERS - frame('').length
  // The renderer's own header line is dropped, so it may use that much more; if the result is
  // still too long (a renderer that counts differently), shrink by the overflow and try again.
  let maxLength = room + ownHeaderLength(render(plan, MAX_BODY_CHARACTERS))
  for (let attempt = 0; attempt < 3 && maxLength > 0; attempt++) {
    const body = frame(withoutLeadingMarker(render(plan, maxLength)))
    if (body.length <= MAX_BODY_CHARACTERS) return body
    maxLength -= body.length - MAX_BODY_CHARACTERS
  }
  // A renderer that does not keep its limit: the marker and the digests must still reach GitHub.
  return frame(truncateText(withoutLeadingMarker(render(plan, Math.max(0, room))), Math.max(0, room - 1)))
}

function ownHeaderLength(markdown: string): number {
  if (!markdown.startsWith(MARKER_PREFIX)) return 0
  const nl = markdown.indexOf('\n')
  return nl < 0 ? markdown.length : nl + 1
}

const MAX_LISTED_PROBLEMS = 200
const MAX_MESSAGE = 500

/**
 * The comment for a manifest that could not be planned: every error (file:line, code, message)
 * instead of an empty plan, so the author sees in the pull request what to fix.
 */
export function invalidCommentBody(
  plan: Plan,
  pr: Pick<PullRequestPlan, 'head' | 'shard'>,
  problems: readonly Problem[],
  cwd: string,
): string {
  const marker = planMarkerLine(plan, pr)
  const { errors, warnings } = countProblems(problems)
  const head = [
    marker,
    '## eks-access-gate plan',
    '',
    `❌ **The manifest is invalid** (${plural(errors, 'error')}, ${plural(warnings, 'warning')}): the plan was not computed and no cluster was read. Fix the problems below and push again.`,
    '',
    '| Location | Code | Message |',
    '| --- | --- | --- |',
  ].join('\n')
  const ordered = [...problems.filter((p) => p.severity === 'error'), ...problems.filter((p) => p.severity !== 'error')]
  const rows: string[] = []
  let length = head.length + 200
  for (const p of ordered.slice(0, MAX_LISTED_PROBLEMS)) {
    const where = `${displayPath(p.file, cwd)}:${p.line}:${p.column}`
    const label = p.severity === 'error' ? '❌' : '⚠️'
    const row = `| ${label} ${escapeMarkdown(truncateText(where, 300))} | ${escapeMarkdown(truncateText(p.code, 100))} | ${escapeMarkdown(truncateText(p.message, MAX_MESSAGE))} |`
    if (length + row.length + 1 > MAX_BODY_CHARACTERS) break
    length += row.length + 1
    rows.push(row)
  }
  const rest = ordered.length - rows.length
  const more = rest > 0 ? ['', `…and ${plural(rest, 'more problem')}: see the job's annotations or run \`eks-access-gate validate\`.`] : []
  return [head, ...rows, ...more].join('\n') + '\n'
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`
}
