/**
 * The narrow port through which commands reach GitHub's REST API, bound to one repository.
 * `octokit.ts` implements it on `@actions/github` (the only importer of that package); tests use
 * it against the local fake in test/fake-github/. Every method throws `GitHubError` on a failed call.
 */
export interface GitHubPort {
  /** Every comment of an issue or pull request (all pages, oldest first as GitHub lists them). */
  listIssueComments(issueNumber: number): Promise<IssueComment[]>
  /** Also "comment on an issue": issues and pull requests share the number space and this route. */
  createIssueComment(issueNumber: number, body: string): Promise<IssueComment>
  updateIssueComment(commentId: number, body: string): Promise<IssueComment>
  deleteIssueComment(commentId: number): Promise<void>
  getPullRequest(pullNumber: number): Promise<PullRequest>
  /** `GET /repos/{o}/{r}/commits/{sha}/pulls`: the pull requests a commit belongs to (e.g. the merged PR). */
  listPullRequestsForCommit(sha: string): Promise<PullRequest[]>
  /** Issues (not pull requests) carrying the label, all pages, in GitHub's order (newest first). */
  listIssuesByLabel(label: string, state: 'open' | 'all'): Promise<Issue[]>
  createIssue(issue: { title: string; body: string; labels: readonly string[] }): Promise<Issue>
  updateIssue(issueNumber: number, fields: { title?: string; body?: string; state?: 'open' | 'closed' }): Promise<Issue>
  /** A file's text at a ref through the contents API; undefined when GitHub answers 404. */
  readFile(path: string, ref: string): Promise<string | undefined>
}

export interface GitHubUser {
  readonly login: string
  /** `Bot` for `github-actions[bot]`, `User` for people. */
  readonly type: string
}

export interface IssueComment {
  readonly id: number
  readonly htmlUrl: string
  readonly body: string
  /** GitHub answers `null` for a deleted ("ghost") account. */
  readonly user: GitHubUser | undefined
  readonly createdAt: string
  readonly updatedAt: string
}

export interface PullRequest {
  readonly number: number
  readonly state: 'open' | 'closed'
  readonly merged: boolean
  readonly headSha: string
  readonly baseSha: string
  /** Differs from the base repository on a fork PR; undefined when the fork was deleted. */
  readonly headRepoFullName: string | undefined
  readonly htmlUrl: string
}

export interface Issue {
  readonly number: number
  readonly title: string
  readonly body: string
  readonly state: 'open' | 'closed'
  readonly labels: readonly string[]
  readonly htmlUrl: string
  readonly user: GitHubUser | undefined
}

/** The length GitHub accepts for an issue or comment body ("maximum is 65536 characters"). */
export const MAX_BODY_CHARACTERS = 65_536

export type GitHubErrorKind = 'bad-credentials' | 'read-only-token' | 'forbidden' | 'not-found' | 'validation' | 'server' | 'other'

/**
 * A failed GitHub call: the HTTP status, GitHub's own message, what we were doing and what to do
 * about it. The caller decides whether a kind is fatal (a read-only token on a fork PR is a warning).
 */
export class GitHubError extends Error {
  override readonly name = 'GitHubError'
  constructor(
    readonly status: number,
    readonly kind: GitHubErrorKind,
    /** What we were doing, e.g. `update comment 123`. */
    readonly operation: string,
    /** GitHub's `message` (and validation details), as received. */
    readonly apiMessage: string,
    /** What the user can do about it. */
    readonly hint: string,
  ) {
    super(`GitHub ${operation} failed (${status}${apiMessage ? ` ${apiMessage}` : ''}): ${hint}`)
  }
}

/** Classifies a failed response; pure, so the mapping is tested without HTTP. */
export function gitHubErrorOf(status: number, apiMessage: string, operation: string): GitHubError {
  const { kind, hint } = classify(status, apiMessage)
  return new GitHubError(status, kind, operation, apiMessage, hint)
}

function classify(status: number, apiMessage: string): { kind: GitHubErrorKind; hint: string } {
  if (status === 401) return { kind: 'bad-credentials', hint: 'the token is wrong or expired: check the `github-token` input' }
  if (status === 403 && /resource not accessible by integration/i.test(apiMessage))
    return {
      kind: 'read-only-token',
      hint: 'the token may not write here (a fork pull request gets a read-only token; otherwise grant `pull-requests: write` / `issues: write` in the workflow `permissions`)',
    }
  if (status === 403)
    return {
      kind: 'forbidden',
      hint: 'GitHub refused the call (permissions or rate limit): check the workflow `permissions` and retry later',
    }
  if (status === 404)
    return { kind: 'not-found', hint: 'not found: check the repository, number or path, and that the token can read the repository' }
  if (status === 422)
    return { kind: 'validation', hint: 'GitHub rejected the request as invalid (e.g. a body over 65,536 characters or an unknown commit)' }
  if (status >= 500) return { kind: 'server', hint: 'GitHub had a server error: re-run the job' }
  return { kind: 'other', hint: 'unexpected answer from GitHub' }
}

/** The first line of a body (the line a marker must be on). Tolerates CRLF, which the web editor stores. */
export function firstLine(body: string): string {
  const end = body.search(/\r?\n/)
  return end === -1 ? body : body.slice(0, end)
}
