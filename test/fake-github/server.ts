import { createHash, randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { fakeIdToken, type IdTokenClaims } from './oidc.js'

/**
 * A local fake of the parts of GitHub's REST API the action uses, plus the runner's OIDC token
 * endpoint, on 127.0.0.1. Shapes follow GitHub's responses (and its OpenAPI description):
 * pagination with a real `Link` header, 201/204 statuses, error bodies with `message`,
 * `documentation_url` and `status`. See README.md beside it. Imports only Node built-ins.
 */

export interface FakeUser {
  readonly login: string
  /** `Bot` or `User`. */
  readonly type: string
}

export interface FakeTokenConfig {
  readonly access: 'read-write' | 'read-only'
  /** Who the token acts as (default `github-actions[bot]`, type Bot). */
  readonly user?: FakeUser
}

export interface FakeGitHubOptions {
  /** Tokens it accepts; any other token is answered 401 Bad credentials. */
  readonly tokens?: Readonly<Record<string, FakeTokenConfig>>
  /** `owner/repo` used when a knob is called without one (default `acme/infra`). */
  readonly repository?: string
  /** The default branch (contents API without `ref`; default `main`). */
  readonly defaultBranch?: string
  /** Clock for created_at / updated_at and the id token's iat/exp (default Date.now). */
  readonly now?: () => number
  /** The runner's id-token request token (default: random). */
  readonly idTokenRequestToken?: string
  /** Claims of issued id tokens; `aud` comes from the request. */
  readonly idTokenClaims?: Partial<IdTokenClaims>
}

export interface SeedPullRequest {
  readonly number: number
  readonly headSha: string
  readonly baseSha: string
  readonly state?: 'open' | 'closed'
  readonly merged?: boolean
  /** Default: the base repository; a different name makes a fork PR. */
  readonly headRepoFullName?: string
  readonly headRef?: string
  readonly baseRef?: string
  readonly title?: string
  readonly user?: FakeUser
}

export interface SeedIssue {
  readonly title: string
  readonly body?: string
  readonly labels?: readonly string[]
  readonly state?: 'open' | 'closed'
  readonly user?: FakeUser
}

export interface FakeRequest {
  readonly method: string
  /** Path and query as received. */
  readonly path: string
  /** The route template, e.g. `POST /repos/{owner}/{repo}/issues/{issue_number}/comments`, or `UNKNOWN`. */
  readonly route: string
  /** The token as sent (without the scheme); undefined without an Authorization header. */
  readonly token: string | undefined
  readonly status: number
}

export interface FailNext {
  /** A route template as in `FakeRequest.route`, e.g. `PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}`. */
  readonly route: string
  readonly status: number
  /** How many requests (default 1). */
  readonly times?: number
  readonly message?: string
}

export interface FakeComment {
  readonly id: number
  readonly issueNumber: number
  body: string
  readonly user: FakeUser
  readonly createdAt: string
  updatedAt: string
}

export interface FakeIssue {
  readonly number: number
  title: string
  body: string
  state: 'open' | 'closed'
  stateReason: string | null
  labels: string[]
  readonly user: FakeUser
  readonly createdAt: string
  updatedAt: string
  closedAt: string | null
  /** Set for pull requests (they share the number space and the issues routes). */
  pull?: Required<Omit<SeedPullRequest, 'number' | 'title' | 'user' | 'state'>>
}

export interface FakeGitHub {
  /** `http://127.0.0.1:PORT`: the `GITHUB_API_URL`. */
  readonly url: string
  /** Every request in arrival order (mutable; `requests.length = 0` resets it). */
  readonly requests: FakeRequest[]
  /** The requests that would change GitHub (any method but GET/HEAD), id-token requests excluded. */
  writes(): FakeRequest[]
  addToken(token: string, config: FakeTokenConfig): void
  seedPullRequest(pr: SeedPullRequest, repository?: string): void
  seedIssue(issue: SeedIssue, repository?: string): FakeIssue
  seedComment(issueNumber: number, comment: { body: string; user: FakeUser }, repository?: string): FakeComment
  /** `GET /commits/{sha}/pulls` answers these PRs (the commit also becomes known). */
  associateCommit(sha: string, pullNumbers: readonly number[], repository?: string): void
  seedFile(ref: string, path: string, content: string, repository?: string): void
  failNext(failure: FailNext): void
  /** Current comments of an issue, oldest first. */
  comments(issueNumber: number, repository?: string): FakeComment[]
  issues(repository?: string): FakeIssue[]
  /** The env a test passes to the action: OIDC request URL (with its `?`) and token, GITHUB_API_URL. */
  actionEnv(options?: { idToken?: boolean }): Record<string, string>
  /** Id tokens issued so far (decoded claims). */
  readonly idTokens: IdTokenClaims[]
  close(): Promise<void>
}

interface RepoState {
  readonly issues: Map<number, FakeIssue>
  readonly comments: FakeComment[]
  readonly commits: Map<string, number[]>
  /** ref → path → content */
  readonly files: Map<string, Map<string, string>>
}

export const BOT: FakeUser = { login: 'github-actions[bot]', type: 'Bot' }
const DOCS = 'https://docs.github.com/rest'
const MAX_BODY = 65_536
const ID_TOKEN_PATH = '/_apis/actions/idtoken'

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message)
  }
}

export async function startFakeGitHub(options: FakeGitHubOptions = {}): Promise<FakeGitHub> {
  const now = options.now ?? Date.now
  const defaultRepo = options.repository ?? 'acme/infra'
  const defaultBranch = options.defaultBranch ?? 'main'
  const tokens = new Map<string, FakeTokenConfig>(Object.entries(options.tokens ?? {}))
  const repos = new Map<string, RepoState>()
  const requests: FakeRequest[] = []
  const failures: { failure: FailNext; left: number }[] = []
  const idTokens: IdTokenClaims[] = []
  const idTokenRequestToken = options.idTokenRequestToken ?? `fake-id-token-request-${randomBytes(8).toString('hex')}`
  let nextCommentId = 1_000_001
  let url = ''

  const repoState = (name: string): RepoState => {
    let s = repos.get(name.toLowerCase())
    if (!s) {
      s = { issues: new Map(), comments: [], commits: new Map(), files: new Map() }
      repos.set(name.toLowerCase(), s)
    }
    return s
  }
  const iso = (): string => new Date(now()).toISOString().replace(/\.\d{3}Z$/, 'Z')
  const knowCommit = (s: RepoState, sha: string): void => {
    if (!s.commits.has(sha)) s.commits.set(sha, [])
  }
  const nextIssueNumber = (s: RepoState): number => Math.max(0, ...s.issues.keys()) + 1

  const addComment = (repo: string, issueNumber: number, body: string, user: FakeUser): FakeComment => {
    const t = iso()
    const c: FakeComment = { id: nextCommentId++, issueNumber, body, user, createdAt: t, updatedAt: t }
    repoState(repo).comments.push(c)
    return c
  }

  const addIssue = (repo: string, seed: SeedIssue, number?: number): FakeIssue => {
    const s = repoState(repo)
    const t = iso()
    const issue: FakeIssue = {
      number: number ?? nextIssueNumber(s),
      title: seed.title,
      body: seed.body ?? '',
      state: seed.state ?? 'open',
      stateReason: seed.state === 'closed' ? 'completed' : null,
      labels: [...(seed.labels ?? [])],
      user: seed.user ?? { login: 'octocat', type: 'User' },
      createdAt: t,
      updatedAt: t,
      closedAt: seed.state === 'closed' ? t : null,
    }
    s.issues.set(issue.number, issue)
    return issue
  }

  // ------------------------------------------------------------------ JSON shapes (GitHub's)
  const userJson = (u: FakeUser): Record<string, unknown> => ({
    login: u.login,
    id: idOf(u.login),
    type: u.type,
    html_url: `https://github.com/${u.type === 'Bot' ? `apps/${u.login.replace(/\[bot\]$/, '')}` : u.login}`,
    site_admin: false,
  })
  const commentJson = (repo: string, c: FakeComment): Record<string, unknown> => {
    const issue = repoState(repo).issues.get(c.issueNumber)
    const kind = issue?.pull ? 'pull' : 'issues'
    return {
      id: c.id,
      node_id: `IC_${c.id}`,
      url: `${url}/repos/${repo}/issues/comments/${c.id}`,
      html_url: `https://github.com/${repo}/${kind}/${c.issueNumber}#issuecomment-${c.id}`,
      issue_url: `${url}/repos/${repo}/issues/${c.issueNumber}`,
      body: c.body,
      user: userJson(c.user),
      created_at: c.createdAt,
      updated_at: c.updatedAt,
      author_association: c.user.type === 'Bot' ? 'NONE' : 'MEMBER',
    }
  }
  const issueJson = (repo: string, i: FakeIssue): Record<string, unknown> => ({
    id: 5_000_000 + i.number,
    node_id: `I_${i.number}`,
    url: `${url}/repos/${repo}/issues/${i.number}`,
    html_url: `https://github.com/${repo}/${i.pull ? 'pull' : 'issues'}/${i.number}`,
    number: i.number,
    title: i.title,
    body: i.body === '' ? null : i.body,
    state: i.state,
    state_reason: i.stateReason,
    labels: i.labels.map((name) => ({ id: idOf(name), name, color: 'ededed', default: false })),
    user: userJson(i.user),
    comments: repoState(repo).comments.filter((c) => c.issueNumber === i.number).length,
    created_at: i.createdAt,
    updated_at: i.updatedAt,
    closed_at: i.closedAt,
    ...(i.pull
      ? { pull_request: { url: `${url}/repos/${repo}/pulls/${i.number}`, html_url: `https://github.com/${repo}/pull/${i.number}` } }
      : {}),
  })
  const pullJson = (repo: string, i: FakeIssue): Record<string, unknown> => {
    const p = i.pull as NonNullable<FakeIssue['pull']>
    const repoJson = (fullName: string): Record<string, unknown> => ({
      full_name: fullName,
      name: fullName.split('/')[1],
      fork: fullName !== repo,
    })
    return {
      url: `${url}/repos/${repo}/pulls/${i.number}`,
      id: 7_000_000 + i.number,
      html_url: `https://github.com/${repo}/pull/${i.number}`,
      number: i.number,
      state: i.state,
      title: i.title,
      body: i.body === '' ? null : i.body,
      user: userJson(i.user),
      created_at: i.createdAt,
      updated_at: i.updatedAt,
      closed_at: i.closedAt,
      merged_at: p.merged ? i.closedAt : null,
      merged: p.merged,
      head: {
        label: `${p.headRepoFullName.split('/')[0]}:${p.headRef}`,
        ref: p.headRef,
        sha: p.headSha,
        repo: repoJson(p.headRepoFullName),
      },
      base: { label: `${repo.split('/')[0]}:${p.baseRef}`, ref: p.baseRef, sha: p.baseSha, repo: repoJson(repo) },
    }
  }

  // ------------------------------------------------------------------ routes
  type Ctx = { repo: string; params: string[]; query: URLSearchParams; body: Record<string, unknown>; user: FakeUser; reqUrl: URL }
  type Answer = { status: number; json?: unknown; headers?: Record<string, string> }
  interface Route {
    readonly method: string
    readonly template: string
    readonly pattern: RegExp
    readonly write: boolean
    readonly docs: string
    readonly handle: (ctx: Ctx) => Answer
  }
  const R = '/repos/([^/]+)/([^/]+)'
  const route = (method: string, template: string, rest: string, docs: string, handle: (ctx: Ctx) => Answer): Route => ({
    method,
    template: `${method} /repos/{owner}/{repo}${template}`,
    pattern: new RegExp(`^${R}${rest}$`),
    write: method !== 'GET',
    docs: `${DOCS}/${docs}`,
    handle,
  })

  const issueOrPull = (ctx: Ctx, n: string): FakeIssue => {
    const issue = repoState(ctx.repo).issues.get(Number(n))
    if (!issue) throw notFound()
    return issue
  }
  const commentById = (ctx: Ctx, id: string): FakeComment => {
    const c = repoState(ctx.repo).comments.find((x) => x.id === Number(id))
    if (!c) throw notFound()
    return c
  }
  const bodyOf = (ctx: Ctx, resource: string, required: boolean): string | undefined => {
    const body = ctx.body['body']
    if (body === undefined || body === null) {
      if (required) throw validationFailed(resource, 'missing_field', 'body', undefined)
      return undefined
    }
    if (typeof body !== 'string') throw invalidType('body', 'string')
    // GitHub (Ruby) counts characters, i.e. code points.
    if ([...body].length > MAX_BODY)
      throw validationFailed(resource, 'custom', 'body', `body is too long (maximum is ${MAX_BODY} characters)`)
    return body
  }

  const routes: Route[] = [
    route('GET', '/issues/{issue_number}/comments', '/issues/(\\d+)/comments', 'issues/comments#list-issue-comments', (ctx) => {
      const n = ctx.params[0] as string
      issueOrPull(ctx, n)
      const all = repoState(ctx.repo).comments.filter((c) => c.issueNumber === Number(n))
      return paginate(
        ctx,
        all.map((c) => commentJson(ctx.repo, c)),
      )
    }),
    route('POST', '/issues/{issue_number}/comments', '/issues/(\\d+)/comments', 'issues/comments#create-an-issue-comment', (ctx) => {
      const issue = issueOrPull(ctx, ctx.params[0] as string)
      const body = bodyOf(ctx, 'IssueComment', true) as string
      const c = addComment(ctx.repo, issue.number, body, ctx.user)
      return { status: 201, json: commentJson(ctx.repo, c), headers: { location: `${url}/repos/${ctx.repo}/issues/comments/${c.id}` } }
    }),
    route('PATCH', '/issues/comments/{comment_id}', '/issues/comments/(\\d+)', 'issues/comments#update-an-issue-comment', (ctx) => {
      const c = commentById(ctx, ctx.params[0] as string)
      c.body = bodyOf(ctx, 'IssueComment', true) as string
      c.updatedAt = iso()
      return { status: 200, json: commentJson(ctx.repo, c) }
    }),
    route('DELETE', '/issues/comments/{comment_id}', '/issues/comments/(\\d+)', 'issues/comments#delete-an-issue-comment', (ctx) => {
      const c = commentById(ctx, ctx.params[0] as string)
      const list = repoState(ctx.repo).comments
      list.splice(list.indexOf(c), 1)
      return { status: 204 }
    }),
    route('GET', '/pulls/{pull_number}', '/pulls/(\\d+)', 'pulls/pulls#get-a-pull-request', (ctx) => {
      const i = issueOrPull(ctx, ctx.params[0] as string)
      if (!i.pull) throw notFound()
      return { status: 200, json: pullJson(ctx.repo, i) }
    }),
    route(
      'GET',
      '/commits/{commit_sha}/pulls',
      '/commits/([^/]+)/pulls',
      'commits/commits#list-pull-requests-associated-with-a-commit',
      (ctx) => {
        const sha = ctx.params[0] as string
        const numbers = repoState(ctx.repo).commits.get(sha)
        if (numbers === undefined) throw new HttpError(422, `No commit found for SHA: ${sha}`)
        const pulls = numbers.map((n) => repoState(ctx.repo).issues.get(n)).filter((i): i is FakeIssue => i?.pull !== undefined)
        return paginate(
          ctx,
          pulls.map((p) => pullJson(ctx.repo, p)),
        )
      },
    ),
    route('GET', '/issues', '/issues', 'issues/issues#list-repository-issues', (ctx) => {
      const state = ctx.query.get('state') ?? 'open'
      if (!['open', 'closed', 'all'].includes(state)) throw validationFailed('Issue', 'invalid', 'state', undefined)
      const labels = (ctx.query.get('labels') ?? '')
        .split(',')
        .map((l) => l.trim().toLowerCase())
        .filter(Boolean)
      // GitHub's default order: created, newest first.
      const list = [...repoState(ctx.repo).issues.values()]
        .filter((i) => state === 'all' || i.state === state)
        .filter((i) => labels.every((l) => i.labels.some((x) => x.toLowerCase() === l)))
        .sort((a, b) => b.number - a.number)
      return paginate(
        ctx,
        list.map((i) => issueJson(ctx.repo, i)),
      )
    }),
    route('POST', '/issues', '/issues', 'issues/issues#create-an-issue', (ctx) => {
      const title = ctx.body['title']
      if (typeof title !== 'string' || title === '') throw validationFailed('Issue', 'missing_field', 'title', undefined)
      const body = bodyOf(ctx, 'Issue', false)
      const issue = addIssue(ctx.repo, { title, body: body ?? '', labels: labelsOf(ctx.body['labels']), user: ctx.user })
      return { status: 201, json: issueJson(ctx.repo, issue), headers: { location: `${url}/repos/${ctx.repo}/issues/${issue.number}` } }
    }),
    route('PATCH', '/issues/{issue_number}', '/issues/(\\d+)', 'issues/issues#update-an-issue', (ctx) => {
      const issue = issueOrPull(ctx, ctx.params[0] as string)
      const body = bodyOf(ctx, 'Issue', false)
      if (body !== undefined) issue.body = body
      if (typeof ctx.body['title'] === 'string') issue.title = ctx.body['title']
      if (ctx.body['labels'] !== undefined) issue.labels = labelsOf(ctx.body['labels'])
      const state = ctx.body['state']
      if (state !== undefined) {
        if (state !== 'open' && state !== 'closed') throw validationFailed('Issue', 'invalid', 'state', undefined)
        if (state !== issue.state) {
          issue.state = state
          issue.closedAt = state === 'closed' ? iso() : null
          issue.stateReason =
            state === 'closed' ? (typeof ctx.body['state_reason'] === 'string' ? ctx.body['state_reason'] : 'completed') : 'reopened'
        }
      }
      issue.updatedAt = iso()
      return { status: 200, json: issueJson(ctx.repo, issue) }
    }),
    route('GET', '/contents/{path}', '/contents/(.+)', 'repos/contents#get-repository-content', (ctx) => {
      const path = decodeURIComponent(ctx.params[0] as string)
      const ref = ctx.query.get('ref') ?? defaultBranch
      const files = repoState(ctx.repo).files.get(ref)
      if (!files) throw new HttpError(404, `No commit found for the ref ${ref}`)
      const content = files.get(path)
      if (content !== undefined) return { status: 200, json: fileJson(ctx.repo, path, ref, content) }
      const children = [...files.keys()].filter((p) => p.startsWith(`${path}/`))
      if (children.length === 0) throw notFound()
      const names = [...new Set(children.map((p) => p.slice(path.length + 1).split('/')[0] as string))].sort()
      return {
        status: 200,
        json: names.map((name) => {
          const full = `${path}/${name}`
          return files.has(full)
            ? { ...fileJson(ctx.repo, full, ref, files.get(full) as string), content: undefined, encoding: undefined }
            : { type: 'dir', name, path: full }
        }),
      }
    }),
  ]

  const fileJson = (repo: string, path: string, ref: string, content: string): Record<string, unknown> => {
    const bytes = Buffer.from(content, 'utf8')
    const sha = createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex')
    return {
      type: 'file',
      encoding: 'base64',
      size: bytes.length,
      name: path.split('/').pop(),
      path,
      content: wrapBase64(bytes.toString('base64')),
      sha,
      url: `${url}/repos/${repo}/contents/${path}?ref=${encodeURIComponent(ref)}`,
      html_url: `https://github.com/${repo}/blob/${ref}/${path}`,
      download_url: `https://raw.githubusercontent.com/${repo}/${ref}/${path}`,
    }
  }

  const paginate = (ctx: Ctx, items: unknown[]): Answer => {
    const rawPer = Number(ctx.query.get('per_page') ?? '30')
    const perPage = Number.isInteger(rawPer) && rawPer > 0 ? Math.min(rawPer, 100) : 30
    const rawPage = Number(ctx.query.get('page') ?? '1')
    const page = Number.isInteger(rawPage) && rawPage > 0 ? rawPage : 1
    const last = Math.max(1, Math.ceil(items.length / perPage))
    const slice = items.slice((page - 1) * perPage, page * perPage)
    const link = linkHeader(ctx.reqUrl, url, page, last)
    return { status: 200, json: slice, headers: link ? { link } : {} }
  }

  // ------------------------------------------------------------------ dispatch
  const authenticate = (header: string | undefined): { token: string | undefined; config: FakeTokenConfig | undefined } => {
    const m = /^(?:token|bearer)\s+(\S+)$/i.exec(header?.trim() ?? '')
    const token = m?.[1]
    return { token: token ?? header, config: token === undefined ? undefined : tokens.get(token) }
  }

  const answerApi = (
    req: IncomingMessage,
    reqUrl: URL,
    raw: string,
    record: (route: string, token: string | undefined) => void,
  ): Answer => {
    const method = req.method ?? 'GET'
    const found = routes.map((r) => ({ r, m: r.method === method ? r.pattern.exec(reqUrl.pathname) : null })).find((x) => x.m)
    const { token, config } = authenticate(req.headers.authorization)
    record(found?.r.template ?? 'UNKNOWN', token)
    if (!found?.m) throw notFound()
    const { r, m } = found
    const failure = failures.find((f) => f.left > 0 && f.failure.route === r.template)
    if (failure) {
      failure.left--
      throw new HttpError(failure.failure.status, failure.failure.message ?? defaultMessage(failure.failure.status))
    }
    if (token === undefined) throw new HttpError(401, 'Requires authentication', { documentation_url: r.docs })
    if (!config) throw new HttpError(401, 'Bad credentials', { documentation_url: DOCS })
    if (r.write && config.access === 'read-only')
      throw new HttpError(403, 'Resource not accessible by integration', { documentation_url: r.docs })
    let body: Record<string, unknown> = {}
    if (raw !== '') {
      try {
        const parsed: unknown = JSON.parse(raw)
        if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) body = parsed as Record<string, unknown>
        else throw new Error('not an object')
      } catch {
        throw new HttpError(400, 'Problems parsing JSON', { documentation_url: r.docs })
      }
    }
    const repo = `${decodeURIComponent(m[1] as string)}/${decodeURIComponent(m[2] as string)}`
    try {
      return r.handle({ repo, params: m.slice(3), query: reqUrl.searchParams, body, user: config.user ?? BOT, reqUrl })
    } catch (e) {
      if (e instanceof HttpError && e.extra['documentation_url'] === undefined)
        throw new HttpError(e.status, e.message, { ...e.extra, documentation_url: r.docs })
      throw e
    }
  }

  const answerIdToken = (req: IncomingMessage, reqUrl: URL): Answer => {
    const { token } = authenticate(req.headers.authorization)
    if (token !== idTokenRequestToken) throw new HttpError(401, 'Unauthorized')
    const audience = reqUrl.searchParams.get('audience') ?? 'https://github.com/' + defaultRepo.split('/')[0]
    const { jwt, claims } = fakeIdToken({ repository: defaultRepo, now: now(), audience, overrides: options.idTokenClaims ?? {} })
    idTokens.push(claims)
    return { status: 200, json: { value: jwt } }
  }

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const raw = await readBody(req)
    const reqUrl = new URL(req.url ?? '/', 'http://127.0.0.1')
    const index = requests.length
    let answer: Answer
    const record = (routeName: string, token: string | undefined): void => {
      requests.push({ method: req.method ?? 'GET', path: `${reqUrl.pathname}${reqUrl.search}`, route: routeName, token, status: 0 })
    }
    try {
      if (reqUrl.pathname === ID_TOKEN_PATH) {
        record(`GET ${ID_TOKEN_PATH}`, authenticate(req.headers.authorization).token)
        answer = answerIdToken(req, reqUrl)
      } else answer = answerApi(req, reqUrl, raw, record)
    } catch (e) {
      if (!(e instanceof HttpError)) throw e
      answer = {
        status: e.status,
        json: { message: e.message, ...e.extra, documentation_url: e.extra['documentation_url'] ?? DOCS, status: String(e.status) },
      }
    }
    const entry = requests[index]
    if (entry) requests[index] = { ...entry, status: answer.status }
    const text = answer.json === undefined ? '' : JSON.stringify(answer.json)
    res.writeHead(answer.status, {
      ...(text ? { 'content-type': 'application/json; charset=utf-8' } : {}),
      'x-github-media-type': 'github.v3; format=json',
      'x-github-request-id': `FAKE:${index}`,
      ...answer.headers,
      'content-length': Buffer.byteLength(text),
    })
    res.end(text)
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      const body = JSON.stringify({ message: `fake-github bug: ${e instanceof Error ? e.stack : String(e)}` })
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' })
      res.end(body)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

  return {
    url,
    requests,
    idTokens,
    writes: () => requests.filter((r) => r.method !== 'GET' && r.method !== 'HEAD'),
    addToken: (token, config) => void tokens.set(token, config),
    seedPullRequest: (pr, repository = defaultRepo) => {
      const issue = addIssue(
        repository,
        { title: pr.title ?? `PR ${pr.number}`, state: pr.state ?? 'open', ...(pr.user ? { user: pr.user } : {}) },
        pr.number,
      )
      issue.pull = {
        headSha: pr.headSha,
        baseSha: pr.baseSha,
        merged: pr.merged ?? false,
        headRepoFullName: pr.headRepoFullName ?? repository,
        headRef: pr.headRef ?? `feature-${pr.number}`,
        baseRef: pr.baseRef ?? defaultBranch,
      }
      const s = repoState(repository)
      knowCommit(s, pr.headSha)
      knowCommit(s, pr.baseSha)
    },
    seedIssue: (issue, repository = defaultRepo) => addIssue(repository, issue),
    seedComment: (issueNumber, comment, repository = defaultRepo) => {
      if (!repoState(repository).issues.has(issueNumber)) throw new Error(`seed issue or pull request #${issueNumber} first`)
      return addComment(repository, issueNumber, comment.body, comment.user)
    },
    associateCommit: (sha, pullNumbers, repository = defaultRepo) => void repoState(repository).commits.set(sha, [...pullNumbers]),
    seedFile: (ref, path, content, repository = defaultRepo) => {
      const s = repoState(repository)
      let files = s.files.get(ref)
      if (!files) s.files.set(ref, (files = new Map()))
      files.set(path, content)
      knowCommit(s, ref)
    },
    failNext: (failure) => void failures.push({ failure, left: failure.times ?? 1 }),
    comments: (issueNumber, repository = defaultRepo) => repoState(repository).comments.filter((c) => c.issueNumber === issueNumber),
    issues: (repository = defaultRepo) => [...repoState(repository).issues.values()].filter((i) => !i.pull),
    actionEnv: ({ idToken = true } = {}) => ({
      GITHUB_API_URL: url,
      ...(idToken
        ? { ACTIONS_ID_TOKEN_REQUEST_URL: `${url}${ID_TOKEN_PATH}?api-version=2.0`, ACTIONS_ID_TOKEN_REQUEST_TOKEN: idTokenRequestToken }
        : {}),
    }),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((e) => (e ? reject(e) : resolve()))
        // undici keeps connections alive; drop them so close() returns now.
        server.closeAllConnections()
      }),
  }
}

/** GitHub's Link header: prev, next, last, first (only those that apply), absolute URLs. */
export function linkHeader(reqUrl: URL, base: string, page: number, last: number): string | undefined {
  if (last <= 1) return undefined
  const at = (p: number): string => {
    const u = new URL(`${reqUrl.pathname}${reqUrl.search}`, base)
    u.searchParams.set('page', String(p))
    return `<${u.toString()}>`
  }
  const parts: string[] = []
  if (page > 1) parts.push(`${at(page - 1)}; rel="prev"`)
  if (page < last) parts.push(`${at(page + 1)}; rel="next"`, `${at(last)}; rel="last"`)
  if (page > 1) parts.push(`${at(1)}; rel="first"`)
  return parts.join(', ')
}

/** GitHub wraps the base64 `content` at 60 characters, each line ending in `\n`. */
export function wrapBase64(b64: string): string {
  let out = ''
  for (let i = 0; i < b64.length; i += 60) out += `${b64.slice(i, i + 60)}\n`
  return out
}

function validationFailed(resource: string, code: string, field: string, message: string | undefined): HttpError {
  return new HttpError(422, 'Validation Failed', { errors: [{ resource, code, field, ...(message === undefined ? {} : { message }) }] })
}

function invalidType(field: string, type: string): HttpError {
  return new HttpError(422, `Invalid request.\n\nFor '${field}', is not a ${type}.`)
}

function notFound(): HttpError {
  return new HttpError(404, 'Not Found')
}

function labelsOf(v: unknown): string[] {
  if (!Array.isArray(v)) return []
  return v.map((l) => (typeof l === 'string' ? l : typeof l === 'object' && l !== null && 'name' in l ? String(l.name) : String(l)))
}

function defaultMessage(status: number): string {
  if (status === 401) return 'Bad credentials'
  if (status === 403) return 'Resource not accessible by integration'
  if (status === 404) return 'Not Found'
  if (status === 422) return 'Validation Failed'
  if (status === 502) return 'Server Error'
  if (status === 503) return 'Service Unavailable'
  return 'Internal Server Error'
}

function idOf(s: string): number {
  return createHash('sha1').update(s).digest().readUInt32BE(0)
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}
