import { firstLine, MAX_BODY_CHARACTERS, type GitHubPort, type IssueComment } from './port.js'
import { isAuthoredBy } from './sticky.js'

/**
 * The "Applied" section: after apply, the merged pull request's sticky plan comment gains a section
 * with the outcome, between two hidden markers keyed by shard, so a re-run (or another shard)
 * replaces its own section and never duplicates it. The section goes before the reviewed-plan
 * digest comment, which must stay at the end of the body (plan/marker.ts). When the sticky
 * comment is gone, a short comment of its own is posted, found again by its first line.
 */

export interface AppliedSectionWrite {
  readonly issueNumber: number
  readonly commitSha: string
  readonly shard: string
  readonly section: string
}

export type AppliedAction = 'section-added' | 'section-updated' | 'unchanged' | 'comment-created' | 'comment-updated'

export interface AppliedResult {
  readonly action: AppliedAction
  readonly id: number
  readonly url: string
}

/** The sticky plan comment's first-line prefix (plan/marker.ts MARKER_PREFIX). */
const STICKY_PREFIX = '<!-- eks-access-gate '
const DIGESTS_PREFIX = '<!-- eks-access-gate:reviewed '
const BOT = isAuthoredBy({ login: 'github-actions[bot]', type: 'Bot' })

/** Shard text safe inside an HTML comment (the filter is user input). */
function shardId(shard: string): string {
  return encodeURIComponent(shard).replace(/-/g, '%2D')
}

export function sectionStart(shard: string): string {
  return `<!-- eks-access-gate:applied shard=${shardId(shard)} -->`
}

export function sectionEnd(shard: string): string {
  return `<!-- eks-access-gate:applied-end shard=${shardId(shard)} -->`
}

/** First line of the short comment posted when the sticky one is gone. */
export function shortCommentMarker(shard: string): string {
  return `<!-- eks-access-gate:applied-comment shard=${shardId(shard)} -->`
}

/** Cuts the section to fit `room` characters, saying so. */
function fit(section: string, room: number): string {
  if (section.length <= room) return section
  const note = '\n\n… (cut to fit the comment; the job summary has the full result)\n'
  return section.slice(0, Math.max(0, room - note.length)) + note
}

/** The body with this shard's section added or replaced; pure. */
export function withAppliedSection(body: string, shard: string, section: string): string {
  const start = sectionStart(shard)
  const end = sectionEnd(shard)
  let rest = body
  const at = rest.indexOf(start)
  const until = at < 0 ? -1 : rest.indexOf(end, at)
  if (at >= 0 && until >= 0) rest = rest.slice(0, at).replace(/\n+$/, '\n') + rest.slice(until + end.length).replace(/^\n+/, '\n')
  const digestsAt = rest.lastIndexOf(DIGESTS_PREFIX)
  const head = (digestsAt < 0 ? rest : rest.slice(0, digestsAt)).replace(/\s+$/, '')
  const tail = digestsAt < 0 ? '' : rest.slice(digestsAt)
  const frame = `\n\n${start}\n\n${end}\n` + (tail === '' ? '' : `\n${tail}`)
  const room = MAX_BODY_CHARACTERS - head.length - frame.length - 64
  const block = `${start}\n${fit(section.trim(), room)}\n${end}`
  return `${head}\n\n${block}\n${tail === '' ? '' : `\n${tail}`}`
}

function normalise(s: string): string {
  return s.replace(/\r\n/g, '\n')
}

/** Performs the write; GitHub errors propagate (the adapter reports them as warnings). */
export async function writeAppliedSection(
  port: Pick<GitHubPort, 'listIssueComments' | 'createIssueComment' | 'updateIssueComment'>,
  write: AppliedSectionWrite,
): Promise<AppliedResult> {
  const comments = (await port.listIssueComments(write.issueNumber)).filter(BOT).sort((a, b) => a.id - b.id)
  const sticky = comments.find((c) => firstLine(c.body).startsWith(STICKY_PREFIX))
  if (sticky) {
    const had = sticky.body.includes(sectionStart(write.shard))
    return update(port, sticky, withAppliedSection(sticky.body, write.shard, write.section), had ? 'section-updated' : 'section-added')
  }
  const marker = shortCommentMarker(write.shard)
  const body = `${marker}\n${fit(write.section.trim(), MAX_BODY_CHARACTERS - marker.length - 2)}\n`
  const short = comments.find((c) => firstLine(c.body) === marker)
  if (short) return update(port, short, body, 'comment-updated')
  const created = await port.createIssueComment(write.issueNumber, body)
  return { action: 'comment-created', id: created.id, url: created.htmlUrl }
}

async function update(
  port: Pick<GitHubPort, 'updateIssueComment'>,
  comment: IssueComment,
  body: string,
  action: AppliedAction,
): Promise<AppliedResult> {
  if (normalise(comment.body) === normalise(body)) return { action: 'unchanged', id: comment.id, url: comment.htmlUrl }
  const updated = await port.updateIssueComment(comment.id, body)
  return { action, id: updated.id, url: updated.htmlUrl }
}
