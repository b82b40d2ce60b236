import { getOctokit } from '@actions/github'
import { gitHubErrorOf, GitHubError, type GitHubPort, type GitHubUser, type Issue, type IssueComment, type PullRequest } from './port.js'

/**
 * The GitHub port on `@actions/github`'s Octokit: the only module that imports `@actions/github`.
 * The library supplies pagination (`octokit.paginate`, following `Link: rel="next"`) and the API
 * URL (`GITHUB_API_URL`, read when the library is loaded; `baseUrl` overrides it for tests that
 * run in-process). Octokit as `@actions/github` builds it has no retry plugin: a 4xx is never
 * retried, and a 5xx surfaces as `GitHubError` for the caller to judge.
 */
export interface OctokitPortOptions {
  readonly token: string
  /** `owner/repo`, e.g. from `GITHUB_REPOSITORY`. */
  readonly repository: string
  /** Only for tests: the runner sets `GITHUB_API_URL`, which the library reads itself. */
  readonly baseUrl?: string
}

const PER_PAGE = 100

type Octokit = ReturnType<typeof getOctokit>

export function createGitHubPort(options: OctokitPortOptions): GitHubPort {
  const [owner, repo, ...rest] = options.repository.split('/')
  if (!owner || !repo || rest.length > 0) throw new Error(`repository must be "owner/repo", got "${options.repository}"`)
  const octokit: Octokit = getOctokit(options.token, options.baseUrl === undefined ? {} : { baseUrl: options.baseUrl })
  const r = { owner, repo }
  const call = async <T>(operation: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn()
    } catch (e) {
      throw toGitHubError(e, operation)
    }
  }

  return {
    listIssueComments: (issueNumber) =>
      call(`list comments of #${issueNumber}`, async () =>
        (await octokit.paginate(octokit.rest.issues.listComments, { ...r, issue_number: issueNumber, per_page: PER_PAGE })).map(commentOf),
      ),
    createIssueComment: (issueNumber, body) =>
      call(`comment on #${issueNumber}`, async () =>
        commentOf((await octokit.rest.issues.createComment({ ...r, issue_number: issueNumber, body })).data),
      ),
    updateIssueComment: (commentId, body) =>
      call(`update comment ${commentId}`, async () =>
        commentOf((await octokit.rest.issues.updateComment({ ...r, comment_id: commentId, body })).data),
      ),
    deleteIssueComment: (commentId) =>
      call(`delete comment ${commentId}`, async () => {
        await octokit.rest.issues.deleteComment({ ...r, comment_id: commentId })
      }),
    getPullRequest: (pullNumber) =>
      call(`get pull request #${pullNumber}`, async () => pullOf((await octokit.rest.pulls.get({ ...r, pull_number: pullNumber })).data)),
    listPullRequestsForCommit: (sha) =>
      call(`list pull requests of commit ${sha}`, async () =>
        (
          await octokit.paginate(octokit.rest.repos.listPullRequestsAssociatedWithCommit, { ...r, commit_sha: sha, per_page: PER_PAGE })
        ).map(pullOf),
      ),
    listIssuesByLabel: (label, state) =>
      call(`list issues labelled "${label}"`, async () =>
        (await octokit.paginate(octokit.rest.issues.listForRepo, { ...r, labels: label, state, per_page: PER_PAGE }))
          // The issues API lists pull requests too; they carry a `pull_request` key.
          .filter((i) => i.pull_request === undefined || i.pull_request === null)
          .map(issueOf),
      ),
    createIssue: (issue) =>
      call(`create issue "${issue.title}"`, async () =>
        issueOf((await octokit.rest.issues.create({ ...r, title: issue.title, body: issue.body, labels: [...issue.labels] })).data),
      ),
    updateIssue: (issueNumber, fields) =>
      call(`update issue #${issueNumber}`, async () =>
        issueOf((await octokit.rest.issues.update({ ...r, issue_number: issueNumber, ...fields })).data),
      ),
    readFile: (path, ref) => readFile(octokit, r, path, ref),
  }
}

async function readFile(octokit: Octokit, r: { owner: string; repo: string }, path: string, ref: string): Promise<string | undefined> {
  const operation = `read ${path} at ${ref}`
  let data: unknown
  try {
    data = (await octokit.rest.repos.getContent({ ...r, path, ref })).data
  } catch (e) {
    const error = toGitHubError(e, operation)
    if (error.status === 404) return undefined
    throw error
  }
  const file = data as { type?: unknown; encoding?: unknown; content?: unknown }
  if (Array.isArray(data) || file.type !== 'file')
    throw new GitHubError(
      200,
      'other',
      operation,
      '',
      `"${path}" is ${Array.isArray(data) ? 'a directory' : `a ${String(file.type)}`}, not a file`,
    )
  // Files over 1 MB come back with `encoding: "none"` and no content.
  if (file.encoding !== 'base64' || typeof file.content !== 'string')
    throw new GitHubError(200, 'other', operation, '', `"${path}" is too large for the contents API (over 1 MB)`)
  return Buffer.from(file.content, 'base64').toString('utf8')
}

interface RawUser {
  login: string
  type: string
}

function userOf(u: RawUser | null | undefined): GitHubUser | undefined {
  return u ? { login: u.login, type: u.type } : undefined
}

function commentOf(c: {
  id: number
  html_url: string
  body?: string
  user: RawUser | null
  created_at: string
  updated_at: string
}): IssueComment {
  return { id: c.id, htmlUrl: c.html_url, body: c.body ?? '', user: userOf(c.user), createdAt: c.created_at, updatedAt: c.updated_at }
}

function pullOf(p: {
  number: number
  state: string
  merged_at: string | null
  html_url: string
  head: { sha: string; repo: { full_name: string } | null }
  base: { sha: string }
}): PullRequest {
  return {
    number: p.number,
    state: p.state === 'closed' ? 'closed' : 'open',
    merged: p.merged_at !== null,
    headSha: p.head.sha,
    baseSha: p.base.sha,
    headRepoFullName: p.head.repo?.full_name,
    htmlUrl: p.html_url,
  }
}

function issueOf(i: {
  number: number
  title: string
  body?: string | null
  state: string
  html_url: string
  user: RawUser | null
  labels: (string | { name?: string })[]
}): Issue {
  return {
    number: i.number,
    title: i.title,
    body: i.body ?? '',
    state: i.state === 'closed' ? 'closed' : 'open',
    labels: i.labels.map((l) => (typeof l === 'string' ? l : (l.name ?? ''))),
    htmlUrl: i.html_url,
    user: userOf(i.user),
  }
}

/** Octokit's RequestError, read by shape (its package is not ours to import). */
function toGitHubError(e: unknown, operation: string): GitHubError {
  if (e instanceof GitHubError) return e
  const err = e as { status?: unknown; message?: unknown; response?: { data?: unknown } } | null
  if (err && typeof err.status === 'number') return gitHubErrorOf(err.status, apiMessageOf(err.response?.data, err.message), operation)
  // No HTTP answer at all (connection refused, DNS): report it as a server-side failure.
  return gitHubErrorOf(599, e instanceof Error ? e.message : String(e), operation)
}

function apiMessageOf(data: unknown, fallback: unknown): string {
  if (data && typeof data === 'object') {
    const d = data as { message?: unknown; errors?: unknown }
    const message = typeof d.message === 'string' ? d.message : ''
    const details = Array.isArray(d.errors)
      ? d.errors.map((x) =>
          x && typeof x === 'object' && 'message' in x ? String((x as { message: unknown }).message) : JSON.stringify(x),
        )
      : []
    return [message, ...details].filter(Boolean).join(': ')
  }
  return typeof fallback === 'string' ? fallback : ''
}
