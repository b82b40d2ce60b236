import { firstLine, MAX_BODY_CHARACTERS, type GitHubPort, type Issue, type IssueComment } from './port.js'

/**
 * The sticky comment: one comment per pull request (and per marker identity, e.g. per shard),
 * found by the hidden marker on its FIRST line, updated in place, never duplicated.
 * Concurrent first runs can still both create one (GitHub has no conditional create): the
 * next run keeps the oldest and deletes the others.
 */

export interface StickyMarker<M> {
  /** e.g. `<!-- eks-access-gate`: a first line that does not start with it is never ours. */
  readonly prefix: string
  /**
   * The marker data of a first line, or undefined when the line is not a marker of this
   * thread. Return undefined for another shard's marker so parallel jobs keep separate comments.
   */
  parse(firstLine: string): M | undefined
}

export interface StickyRequest<M> {
  readonly issueNumber: number
  readonly marker: StickyMarker<M>
  /** The rendered comment; its first line is the marker. */
  readonly body: string
  /** Author check, e.g. `isAuthoredBy({ login: 'github-actions[bot]', type: 'Bot' })`. */
  isOurs(comment: IssueComment): boolean
  /**
   * True when the existing comment's marker is newer than ours (e.g. it names the PR's current
   * head and ours an older one): then nothing is written, so an older run never overwrites a newer one.
   */
  supersedes(existing: M, ours: M): boolean
}

export type StickyAction = 'created' | 'updated' | 'unchanged' | 'skipped-newer-exists'

export interface StickyResult {
  readonly action: StickyAction
  readonly id: number
  readonly url: string
  /** Duplicates of ours that were deleted (the oldest is kept). */
  readonly deletedIds: readonly number[]
}

export interface StickyComment<M> {
  readonly comment: IssueComment
  readonly marker: M
}

/** Thrown before any call when the caller's body cannot be posted. */
export class StickyBodyError extends Error {
  override readonly name = 'StickyBodyError'
}

export function isAuthoredBy(author: { login: string; type?: string }): (comment: { user: IssueComment['user'] }) => boolean {
  return (c) => c.user !== undefined && c.user.login === author.login && (author.type === undefined || c.user.type === author.type)
}

/** Our marked comments on the issue, oldest first (by id, which GitHub assigns increasingly). */
export async function findStickyComments<M>(
  port: Pick<GitHubPort, 'listIssueComments'>,
  request: Pick<StickyRequest<M>, 'issueNumber' | 'marker' | 'isOurs'>,
): Promise<StickyComment<M>[]> {
  const comments = await port.listIssueComments(request.issueNumber)
  const found: StickyComment<M>[] = []
  for (const comment of comments) {
    if (!request.isOurs(comment)) continue
    const line = firstLine(comment.body)
    if (!line.startsWith(request.marker.prefix)) continue
    const marker = request.marker.parse(line)
    if (marker !== undefined) found.push({ comment, marker })
  }
  return found.sort((a, b) => a.comment.id - b.comment.id)
}

export async function upsertStickyComment<M>(
  port: Pick<GitHubPort, 'listIssueComments' | 'createIssueComment' | 'updateIssueComment' | 'deleteIssueComment'>,
  request: StickyRequest<M>,
): Promise<StickyResult> {
  const ours = checkBody(request.body, request.marker)
  const existing = await findStickyComments(port, request)
  const newer = existing.find((e) => request.supersedes(e.marker, ours))
  if (newer) return { action: 'skipped-newer-exists', id: newer.comment.id, url: newer.comment.htmlUrl, deletedIds: [] }
  const [keep, ...duplicates] = existing
  if (!keep) {
    const created = await port.createIssueComment(request.issueNumber, request.body)
    return { action: 'created', id: created.id, url: created.htmlUrl, deletedIds: [] }
  }
  const unchanged = sameBody(keep.comment.body, request.body)
  const kept = unchanged ? keep.comment : await port.updateIssueComment(keep.comment.id, request.body)
  // Write ours first, then clean up: a failure half-way still leaves the current plan visible.
  for (const d of duplicates) await port.deleteIssueComment(d.comment.id)
  return { action: unchanged ? 'unchanged' : 'updated', id: kept.id, url: kept.htmlUrl, deletedIds: duplicates.map((d) => d.comment.id) }
}

function checkBody<M>(body: string, marker: StickyMarker<M>): M {
  // UTF-16 length is never below GitHub's character count, so a body that passes is accepted.
  if (body.length > MAX_BODY_CHARACTERS)
    throw new StickyBodyError(
      `comment body is ${body.length} characters, over GitHub's limit of ${MAX_BODY_CHARACTERS}: the renderer must truncate it`,
    )
  const line = firstLine(body)
  const parsed = line.startsWith(marker.prefix) ? marker.parse(line) : undefined
  if (parsed === undefined)
    throw new StickyBodyError(`comment body must start with its marker line ("${marker.prefix} …"), got "${line.slice(0, 80)}"`)
  return parsed
}

/** GitHub may hand back a body with CRLF line ends (the web editor): not a change of ours. */
function sameBody(a: string, b: string): boolean {
  return a.replace(/\r\n/g, '\n') === b.replace(/\r\n/g, '\n')
}

// ---------------------------------------------------------------------------------------------
// The labelled issue (drift report): one open issue per label + marker line.

export interface LabelledIssueRequest {
  readonly label: string
  /** The issue body's first line, matched exactly; prepended to `body`. */
  readonly markerLine: string
  readonly title: string
  /** The report without the marker line. */
  readonly body: string
  /** true while the condition (drift) lasts; false closes the issue. */
  readonly open: boolean
  /** The comment posted when the issue is closed. */
  readonly closingComment?: string
  /** Optional author check (default: any author). */
  isOurs?(issue: Issue): boolean
}

export type LabelledIssueAction = 'created' | 'updated' | 'unchanged' | 'closed' | 'none'

export interface LabelledIssueResult {
  readonly action: LabelledIssueAction
  readonly number?: number
  readonly url?: string
}

export const DEFAULT_CLOSING_COMMENT = 'Resolved: the last run found no drift, so this issue is closed.'

export async function upsertLabelledIssue(
  port: Pick<GitHubPort, 'listIssuesByLabel' | 'createIssue' | 'updateIssue' | 'createIssueComment'>,
  request: LabelledIssueRequest,
): Promise<LabelledIssueResult> {
  const fullBody = `${request.markerLine}\n${request.body}`
  if (request.open && fullBody.length > MAX_BODY_CHARACTERS)
    throw new StickyBodyError(
      `issue body is ${fullBody.length} characters, over GitHub's limit of ${MAX_BODY_CHARACTERS}: the renderer must truncate it`,
    )
  const open = (await port.listIssuesByLabel(request.label, 'open'))
    .filter((i) => firstLine(i.body) === request.markerLine && (request.isOurs?.(i) ?? true))
    .sort((a, b) => a.number - b.number)
  const [current, ...duplicates] = open
  if (!request.open) {
    if (!current) return { action: 'none' }
    for (const i of open) {
      await port.createIssueComment(i.number, request.closingComment ?? DEFAULT_CLOSING_COMMENT)
      await port.updateIssue(i.number, { state: 'closed' })
    }
    return { action: 'closed', number: current.number, url: current.htmlUrl }
  }
  if (!current) {
    const created = await port.createIssue({ title: request.title, body: fullBody, labels: [request.label] })
    return { action: 'created', number: created.number, url: created.htmlUrl }
  }
  const unchanged = sameBody(current.body, fullBody) && current.title === request.title
  if (!unchanged) await port.updateIssue(current.number, { title: request.title, body: fullBody })
  for (const d of duplicates) await port.updateIssue(d.number, { state: 'closed' })
  return { action: unchanged ? 'unchanged' : 'updated', number: current.number, url: current.htmlUrl }
}
