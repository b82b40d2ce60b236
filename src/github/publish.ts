/**
 * Performs an Outcome's GitHub writes through the port: the plan's sticky comment, the drift
 * issue and apply's "Applied" section on the merged pull request. Commands describe writes as data (src/outcome.ts); this is the one place that turns them
 * into calls and judges the answers. A token that may not write (403, e.g. a fork pull request's
 * read-only token) is a warning, never a failure; any other failed call fails the step.
 */
import type { GitHubWrite } from '../outcome.js'
import { markerTooLong, parseMarker, type MarkerData } from '../plan/marker.js'
import { firstLine, GitHubError, type GitHubPort, type GitHubUser, type PullRequest } from './port.js'
import { writeAppliedSection } from './applied.js'
import { isAuthoredBy, StickyBodyError, upsertLabelledIssue, upsertStickyComment, type StickyMarker } from './sticky.js'

/** The author of the workflow token's comments (`secrets.GITHUB_TOKEN` / `github.token`). */
export const WORKFLOW_BOT: GitHubUser = { login: 'github-actions[bot]', type: 'Bot' }

export interface WriteReport {
  /** URL of the sticky comment written (or left because a newer one exists). */
  readonly commentUrl?: string
  /** URL of the issue written. */
  readonly issueUrl?: string
  /** What happened, for the log. */
  readonly info: readonly string[]
  /** Writes GitHub refused that do not fail the step (403). */
  readonly warnings: readonly string[]
  /** Writes that failed; the step fails with these. */
  readonly failures: readonly string[]
}

export interface PublishOptions {
  /** Whose comments and issues are ours (default github-actions[bot]). */
  readonly author?: GitHubUser
}

/** Performs every write in order; one failing write does not stop the others. */
export async function performWrites(port: GitHubPort, writes: readonly GitHubWrite[], opts: PublishOptions = {}): Promise<WriteReport> {
  const author = opts.author ?? WORKFLOW_BOT
  let commentUrl: string | undefined
  let issueUrl: string | undefined
  const info: string[] = []
  const warnings: string[] = []
  const failures: string[] = []
  for (const w of writes) {
    try {
      if (w.kind === 'sticky-comment') {
        const r = await writeStickyComment(port, w, author)
        commentUrl = r.url
        info.push(...r.info)
      } else if (w.kind === 'applied-section') {
        // The apply itself is done: a comment that cannot be written is a warning, not a failure.
        try {
          const r = await writeAppliedSection(port, w)
          info.push(`applied section on #${w.issueNumber}: ${r.action} (${r.url})`)
        } catch (e) {
          warnings.push(`could not add the Applied section to #${w.issueNumber}: ${e instanceof Error ? e.message : String(e)}`)
        }
      } else {
        // The issue is found by its (first) label and its first line, as drift writes it.
        const label = w.labels?.[0]
        if (label === undefined) throw new StickyBodyError(`an issue write needs a label to be found by again`)
        const r = await upsertLabelledIssue(port, {
          label,
          markerLine: firstLine(w.body),
          title: w.title,
          body: afterFirstLine(w.body),
          open: w.state !== 'closed',
          isOurs: isAuthoredBy(author),
        })
        if (r.url !== undefined) issueUrl = r.url
        info.push(`issue "${w.title}": ${r.action}${r.url === undefined ? '' : ` (${r.url})`}`)
      }
    } catch (e) {
      const what = w.kind === 'issue' ? `the issue "${w.title}"` : `the pull-request comment on #${w.issueNumber}`
      if (e instanceof GitHubError && e.status === 403) warnings.push(`${what} was not written: ${e.message}`)
      else if (e instanceof GitHubError || e instanceof StickyBodyError) failures.push(`${what} was not written: ${e.message}`)
      else throw e
    }
  }
  return {
    ...(commentUrl === undefined ? {} : { commentUrl }),
    ...(issueUrl === undefined ? {} : { issueUrl }),
    info,
    warnings,
    failures,
  }
}

function afterFirstLine(body: string): string {
  const m = /\r?\n/.exec(body)
  return m === null ? '' : body.slice(m.index + m[0].length)
}

/**
 * The plan comment: found by the marker on its first line, for the same shard only; updated in
 * place; never overwritten by a run for an older head. "Older" is judged against the pull
 * request's current head: a run whose head is no longer the PR's head leaves a comment that
 * already shows the current head alone (two pushes in quick succession, runs finishing out of order).
 */
async function writeStickyComment(
  port: GitHubPort,
  w: Extract<GitHubWrite, { kind: 'sticky-comment' }>,
  author: GitHubUser,
): Promise<{ url: string; info: string[] }> {
  const line = firstLine(w.body)
  // A marker that could not be read back would make every push post a new comment: refuse it.
  const tooLong = markerTooLong(line)
  if (tooLong !== undefined) throw new StickyBodyError(tooLong)
  const ours = parseMarker(line)
  if (ours === undefined) throw new StickyBodyError(`the comment for #${w.issueNumber} does not start with a valid marker line`)
  const info: string[] = []
  const current = await currentHead(port, w.issueNumber, info)
  const marker: StickyMarker<MarkerData> = {
    prefix: w.marker,
    // Another shard's comment belongs to a parallel matrix job: not ours to touch.
    parse: (line) => {
      const m = parseMarker(line)
      return m !== undefined && m.shard === ours.shard ? m : undefined
    },
  }
  const result = await upsertStickyComment(port, {
    issueNumber: w.issueNumber,
    marker,
    body: w.body,
    isOurs: isAuthoredBy(author),
    supersedes: (existing, mine) => supersedes(existing, mine, current),
  })
  const head = ours.head.slice(0, 12)
  switch (result.action) {
    case 'skipped-newer-exists':
      info.push(
        `not updating the comment on #${w.issueNumber} (${result.url}): it shows the pull request's current head ${current?.slice(0, 12) ?? ''}, newer than this run's ${head}`,
      )
      break
    default:
      info.push(`comment on #${w.issueNumber} ${result.action} for head ${head}: ${result.url}`)
  }
  if (result.deletedIds.length > 0) info.push(`deleted duplicate comments ${result.deletedIds.join(', ')}`)
  return { url: result.url, info }
}

/** The existing comment wins when it shows the PR's current head and ours does not. */
export function supersedes(existing: MarkerData, ours: MarkerData, currentHead: string | undefined): boolean {
  if (currentHead === undefined || existing.head === ours.head) return false
  return existing.head === currentHead && ours.head !== currentHead
}

/** The PR's head now; undefined (no protection, we write) when GitHub cannot say. */
async function currentHead(port: Pick<GitHubPort, 'getPullRequest'>, number: number, info: string[]): Promise<string | undefined> {
  let pr: PullRequest
  try {
    pr = await port.getPullRequest(number)
  } catch (e) {
    if (!(e instanceof GitHubError)) throw e
    info.push(`could not read pull request #${number} to compare heads (${e.message}); writing the comment anyway`)
    return undefined
  }
  return pr.headSha
}
