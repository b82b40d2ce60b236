import { spawn } from 'node:child_process'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { GitHubError, gitHubErrorOf, type GitHubPort } from '../../src/github/port.js'
import { createGitHubPort } from '../../src/github/octokit.js'
import { BOT } from '../fake-github/index.js'
import { fakeGitHub, portOn, REPO, RO, RW } from './helpers.js'

const root = resolve(import.meta.dirname, '..', '..')

const HEAD = '1111111111111111111111111111111111111111'
const BASE = '2222222222222222222222222222222222222222'

async function caught(p: Promise<unknown>): Promise<GitHubError> {
  try {
    await p
  } catch (e) {
    if (e instanceof GitHubError) return e
    throw e
  }
  throw new Error('expected a GitHubError')
}

describe('octokit adapter against the fake GitHub', () => {
  it('lists every comment across 3 pages (per_page 100) and follows Link rel="next"', async () => {
    const fake = await fakeGitHub()
    fake.seedPullRequest({ number: 7, headSha: HEAD, baseSha: BASE })
    for (let i = 0; i < 250; i++) fake.seedComment(7, { body: `c${i}`, user: { login: 'alice', type: 'User' } })
    const comments = await portOn(fake).listIssueComments(7)
    expect(comments.map((c) => c.body)).toEqual(Array.from({ length: 250 }, (_, i) => `c${i}`))
    const listed = fake.requests.filter((r) => r.route === 'GET /repos/{owner}/{repo}/issues/{issue_number}/comments')
    expect(listed.map((r) => new URL(r.path, 'http://x').searchParams.get('page') ?? '1')).toEqual(['1', '2', '3'])
    expect(listed.every((r) => new URL(r.path, 'http://x').searchParams.get('per_page') === '100')).toBe(true)
  })

  it('creates, updates and deletes a comment with the fields callers need', async () => {
    const fake = await fakeGitHub()
    fake.seedPullRequest({ number: 7, headSha: HEAD, baseSha: BASE })
    const port = portOn(fake)
    const created = await port.createIssueComment(7, 'hello')
    expect(created).toEqual({
      id: created.id,
      htmlUrl: `https://github.com/${REPO}/pull/7#issuecomment-${created.id}`,
      body: 'hello',
      user: BOT,
      createdAt: '2026-01-02T03:04:05Z',
      updatedAt: '2026-01-02T03:04:05Z',
    })
    const second = await port.createIssueComment(7, 'again')
    expect(second.id).toBeGreaterThan(created.id)
    const updated = await port.updateIssueComment(created.id, 'changed')
    expect(updated.body).toBe('changed')
    await port.deleteIssueComment(second.id)
    expect(fake.comments(7).map((c) => [c.id, c.body])).toEqual([[created.id, 'changed']])
  })

  it('reads a pull request, including a fork head, and the PRs of a commit', async () => {
    const fake = await fakeGitHub()
    fake.seedPullRequest({ number: 7, headSha: HEAD, baseSha: BASE, headRepoFullName: 'contributor/infra' })
    fake.seedPullRequest({ number: 8, headSha: BASE, baseSha: HEAD, state: 'closed', merged: true })
    fake.associateCommit('3333', [8])
    const port = portOn(fake)
    expect(await port.getPullRequest(7)).toEqual({
      number: 7,
      state: 'open',
      merged: false,
      headSha: HEAD,
      baseSha: BASE,
      headRepoFullName: 'contributor/infra',
      htmlUrl: `https://github.com/${REPO}/pull/7`,
    })
    expect((await port.listPullRequestsForCommit('3333')).map((p) => [p.number, p.state, p.merged])).toEqual([[8, 'closed', true]])
    expect(await port.listPullRequestsForCommit(HEAD)).toEqual([])
  })

  it('lists issues by label and state, without pull requests, and creates and updates issues', async () => {
    const fake = await fakeGitHub()
    fake.seedPullRequest({ number: 1, headSha: HEAD, baseSha: BASE })
    fake.seedIssue({ title: 'old drift', labels: ['eks-access-drift'], state: 'closed' })
    fake.seedIssue({ title: 'other', labels: ['bug'] })
    const port = portOn(fake)
    const created = await port.createIssue({ title: 'drift', body: 'b', labels: ['eks-access-drift'] })
    expect(created).toMatchObject({ number: 4, title: 'drift', body: 'b', state: 'open', labels: ['eks-access-drift'], user: BOT })
    expect((await port.listIssuesByLabel('eks-access-drift', 'open')).map((i) => i.number)).toEqual([4])
    expect((await port.listIssuesByLabel('eks-access-drift', 'all')).map((i) => i.number)).toEqual([4, 2])
    const closed = await port.updateIssue(4, { body: 'b2', state: 'closed' })
    expect([closed.body, closed.state]).toEqual(['b2', 'closed'])
    expect(await port.listIssuesByLabel('eks-access-drift', 'open')).toEqual([])
  })

  it('pages issue lists too', async () => {
    const fake = await fakeGitHub()
    for (let i = 0; i < 205; i++) fake.seedIssue({ title: `t${i}`, labels: ['x'] })
    expect(await portOn(fake).listIssuesByLabel('x', 'open')).toHaveLength(205)
  })

  it('reads a file at a ref (base64 wrapped at 60), undefined on 404 (path or ref)', async () => {
    const fake = await fakeGitHub()
    const text = `clusters:\n${'  - name: prod-eu-ünïcode\n'.repeat(20)}`
    fake.seedFile(BASE, 'access/eks-access.yaml', text)
    const port = portOn(fake)
    expect(await port.readFile('access/eks-access.yaml', BASE)).toBe(text)
    expect(await port.readFile('access/missing.yaml', BASE)).toBeUndefined()
    expect(await port.readFile('access/eks-access.yaml', 'feedface')).toBeUndefined()
    const dir = await caught(port.readFile('access', BASE))
    expect(dir.message).toContain('is a directory')
  })

  it('takes the API URL from GITHUB_API_URL through the library (as the bundle does)', async () => {
    // @actions/github reads GITHUB_API_URL once, when loaded: so this runs in a fresh process.
    const fake = await fakeGitHub()
    fake.seedPullRequest({ number: 7, headSha: HEAD, baseSha: BASE })
    const script =
      "import { getOctokit } from '@actions/github'; const o = getOctokit(process.env.T);" +
      "const { data } = await o.rest.pulls.get({ owner: 'acme', repo: 'infra', pull_number: 7 }); console.log(data.head.sha)"
    const out = await new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd: root, env: { GITHUB_API_URL: fake.url, T: RW } })
      let text = ''
      child.stdout.setEncoding('utf8').on('data', (d: string) => (text += d))
      child.on('error', reject)
      child.on('close', () => resolve(text))
    })
    expect(out.trim()).toBe(HEAD)
    expect(fake.requests.map((r) => [r.route, r.token])).toEqual([['GET /repos/{owner}/{repo}/pulls/{pull_number}', RW]])
  })

  it('rejects a repository that is not owner/repo', () => {
    expect(() => createGitHubPort({ token: 'x', repository: 'no-slash' })).toThrow('repository must be "owner/repo", got "no-slash"')
  })
})

describe('every failure becomes a GitHubError with its status', () => {
  const cases: {
    name: string
    status: number
    kind: GitHubError['kind']
    run: (port: GitHubPort) => Promise<unknown>
    token?: string
    fail?: string
  }[] = [
    { name: 'bad token', status: 401, kind: 'bad-credentials', token: 'ghs_wrong', run: (p) => p.listIssueComments(7) },
    { name: 'read-only token writes', status: 403, kind: 'read-only-token', token: RO, run: (p) => p.createIssueComment(7, 'x') },
    { name: 'unknown PR', status: 404, kind: 'not-found', run: (p) => p.getPullRequest(99) },
    { name: 'unknown comment', status: 404, kind: 'not-found', run: (p) => p.updateIssueComment(5, 'x') },
    { name: 'body too long', status: 422, kind: 'validation', run: (p) => p.createIssueComment(7, 'x'.repeat(65_537)) },
    { name: 'unknown commit', status: 422, kind: 'validation', run: (p) => p.listPullRequestsForCommit('abc') },
    {
      name: 'server error',
      status: 502,
      kind: 'server',
      run: (p) => p.listIssueComments(7),
      fail: 'GET /repos/{owner}/{repo}/issues/{issue_number}/comments',
    },
    {
      name: 'contents 500',
      status: 500,
      kind: 'server',
      run: (p) => p.readFile('a.yaml', 'main'),
      fail: 'GET /repos/{owner}/{repo}/contents/{path}',
    },
    { name: 'delete 403', status: 403, kind: 'read-only-token', token: RO, run: (p) => p.deleteIssueComment(1) },
    {
      name: 'issue create 403',
      status: 403,
      kind: 'read-only-token',
      token: RO,
      run: (p) => p.createIssue({ title: 't', body: 'b', labels: [] }),
    },
  ]
  it.each(cases)('$name → $status $kind, not retried', async ({ status, kind, run, token, fail }) => {
    const fake = await fakeGitHub()
    fake.seedPullRequest({ number: 7, headSha: HEAD, baseSha: BASE })
    if (fail) fake.failNext({ route: fail, status, times: 5 })
    const e = await caught(run(portOn(fake, token)))
    expect([e.status, e.kind]).toEqual([status, kind])
    expect(e.message).toMatch(/^GitHub .+ failed \(\d{3}/)
    expect(e.hint).not.toBe('')
    expect(fake.requests).toHaveLength(1)
    expect(e.message).not.toContain(token ?? 'ghs_')
  })

  it('keeps the validation detail and says what to do', async () => {
    const fake = await fakeGitHub()
    fake.seedPullRequest({ number: 7, headSha: HEAD, baseSha: BASE })
    const e = await caught(portOn(fake).createIssueComment(7, 'x'.repeat(65_537)))
    expect(e.apiMessage).toBe('Validation Failed: body is too long (maximum is 65536 characters)')
  })

  it.each([
    [401, 'Bad credentials', 'bad-credentials', /github-token/],
    [403, 'Resource not accessible by integration', 'read-only-token', /fork/],
    [403, 'API rate limit exceeded', 'forbidden', /rate limit/],
    [404, 'Not Found', 'not-found', /not found/],
    [422, 'Validation Failed', 'validation', /invalid/],
    [503, 'Service Unavailable', 'server', /re-run/],
    [418, "I'm a teapot", 'other', /unexpected/],
  ] as const)('classifies %i %s', (status, message, kind, hint) => {
    const e = gitHubErrorOf(status, message, 'do a thing')
    expect(e.kind).toBe(kind)
    expect(e.hint).toMatch(hint)
    expect(e.message).toBe(`GitHub do a thing failed (${status} ${message}): ${e.hint}`)
  })
})
