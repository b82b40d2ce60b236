import * as core from '@actions/core'
import { describe, expect, it, vi } from 'vitest'
import { decodeJwtClaims, startFakeAws } from '../fake-aws/index.js'
import { ISSUER, linkHeader, wrapBase64 } from '../fake-github/index.js'
import { fakeGitHub, NOW, RO, RW } from './helpers.js'

const HEAD = '1111111111111111111111111111111111111111'

async function get(
  url: string,
  token: string | undefined,
  init: RequestInit = {},
): Promise<{ status: number; json: unknown; headers: Headers }> {
  const res = await fetch(url, {
    ...init,
    headers: { ...(token === undefined ? {} : { authorization: `token ${token}` }), 'content-type': 'application/json' },
  })
  const text = await res.text()
  return { status: res.status, json: text ? (JSON.parse(text) as unknown) : undefined, headers: res.headers }
}

describe('fake GitHub: faithful to the REST API', () => {
  it('pages with per_page (default 30, at most 100) and a GitHub Link header', async () => {
    const fake = await fakeGitHub()
    fake.seedPullRequest({ number: 7, headSha: HEAD, baseSha: HEAD })
    for (let i = 0; i < 250; i++) fake.seedComment(7, { body: `c${i}`, user: { login: 'bob', type: 'User' } })
    const base = `${fake.url}/repos/acme/infra/issues/7/comments`
    const first = await get(base, RW)
    expect((first.json as unknown[]).length).toBe(30)
    expect(first.headers.get('link')).toBe(`<${base}?page=2>; rel="next", <${base}?page=9>; rel="last"`)
    const middle = await get(`${base}?per_page=100&page=2`, RW)
    expect(middle.headers.get('link')).toBe(
      `<${base}?per_page=100&page=1>; rel="prev", <${base}?per_page=100&page=3>; rel="next", ` +
        `<${base}?per_page=100&page=3>; rel="last", <${base}?per_page=100&page=1>; rel="first"`,
    )
    const last = await get(`${base}?per_page=500&page=3`, RW)
    expect((last.json as unknown[]).length).toBe(50)
    expect(last.headers.get('link')).toBe(`<${base}?per_page=500&page=2>; rel="prev", <${base}?per_page=500&page=1>; rel="first"`)
    fake.seedPullRequest({ number: 8, headSha: HEAD, baseSha: HEAD })
    expect((await get(`${fake.url}/repos/acme/infra/issues/8/comments`, RW)).headers.get('link')).toBeNull()
  })

  it('answers 401, 403 and 422 with GitHub error shapes', async () => {
    const fake = await fakeGitHub()
    fake.seedPullRequest({ number: 7, headSha: HEAD, baseSha: HEAD })
    const comments = `${fake.url}/repos/acme/infra/issues/7/comments`
    expect(await get(comments, 'ghs_nope')).toMatchObject({
      status: 401,
      json: { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' },
    })
    expect(await get(comments, RO, { method: 'POST', body: JSON.stringify({ body: 'x' }) })).toMatchObject({
      status: 403,
      json: {
        message: 'Resource not accessible by integration',
        documentation_url: 'https://docs.github.com/rest/issues/comments#create-an-issue-comment',
        status: '403',
      },
    })
    const tooLong = await get(comments, RW, { method: 'POST', body: JSON.stringify({ body: '😀'.repeat(65_537) }) })
    expect(tooLong).toEqual({
      status: 422,
      headers: tooLong.headers,
      json: {
        message: 'Validation Failed',
        errors: [{ resource: 'IssueComment', code: 'custom', field: 'body', message: 'body is too long (maximum is 65536 characters)' }],
        documentation_url: 'https://docs.github.com/rest/issues/comments#create-an-issue-comment',
        status: '422',
      },
    })
    // GitHub counts characters (code points): 65,536 emoji are accepted although their UTF-16 length is twice that.
    expect((await get(comments, RW, { method: 'POST', body: JSON.stringify({ body: '😀'.repeat(65_536) }) })).status).toBe(201)
    expect((await get(comments, undefined)).json).toMatchObject({ message: 'Requires authentication', status: '401' })
    expect(await get(`${fake.url}/repos/acme/infra/issues/99/comments`, RW)).toMatchObject({
      status: 404,
      json: { message: 'Not Found', status: '404' },
    })
  })

  it('accepts `token X` and `Bearer X`, records method, path, route, token and status', async () => {
    const fake = await fakeGitHub()
    fake.seedPullRequest({ number: 7, headSha: HEAD, baseSha: HEAD })
    await fetch(`${fake.url}/repos/acme/infra/pulls/7`, { headers: { authorization: `Bearer ${RW}` } }).then((r) => r.text())
    await get(`${fake.url}/repos/acme/infra/issues/7/comments`, RW, { method: 'POST', body: '{"body":"hi"}' })
    expect(fake.requests).toEqual([
      { method: 'GET', path: '/repos/acme/infra/pulls/7', route: 'GET /repos/{owner}/{repo}/pulls/{pull_number}', token: RW, status: 200 },
      {
        method: 'POST',
        path: '/repos/acme/infra/issues/7/comments',
        route: 'POST /repos/{owner}/{repo}/issues/{issue_number}/comments',
        token: RW,
        status: 201,
      },
    ])
    expect(fake.writes()).toHaveLength(1)
  })

  it('acts as the configured user and answers a delete with 204', async () => {
    const fake = await fakeGitHub()
    fake.addToken('ghp_human', { access: 'read-write', user: { login: 'alice', type: 'User' } })
    fake.seedIssue({ title: 't' })
    const created = await get(`${fake.url}/repos/acme/infra/issues/1/comments`, 'ghp_human', { method: 'POST', body: '{"body":"hi"}' })
    const c = created.json as { id: number; html_url: string; user: { login: string; type: string } }
    expect([c.user.login, c.user.type, c.html_url]).toEqual([
      'alice',
      'User',
      `https://github.com/acme/infra/issues/1#issuecomment-${c.id}`,
    ])
    const del = await get(`${fake.url}/repos/acme/infra/issues/comments/${c.id}`, RW, { method: 'DELETE' })
    expect([del.status, del.json]).toEqual([204, undefined])
  })

  it('serves contents as GitHub does: base64 in 60-character lines, type file, git blob sha', async () => {
    const fake = await fakeGitHub()
    fake.seedFile('main', 'eks-access.yaml', 'hello\n'.repeat(30))
    const { json } = await get(`${fake.url}/repos/acme/infra/contents/eks-access.yaml`, RW)
    const file = json as { type: string; encoding: string; content: string; sha: string; size: number }
    expect([file.type, file.encoding, file.size]).toEqual(['file', 'base64', 180])
    expect(file.content.split('\n').map((l) => l.length)).toEqual([60, 60, 60, 60, 0])
    expect(file.sha).toBe('22ca7c43ed58e057d1912b7c8941ca818cc0fc5a') // git hash-object
    expect(wrapBase64('a'.repeat(61))).toBe(`${'a'.repeat(60)}\na\n`)
    expect(await get(`${fake.url}/repos/acme/infra/contents/nope.yaml?ref=main`, RW)).toMatchObject({
      status: 404,
      json: { message: 'Not Found' },
    })
  })

  it('fails the next N requests of a route, then answers normally', async () => {
    const fake = await fakeGitHub()
    fake.seedPullRequest({ number: 7, headSha: HEAD, baseSha: HEAD })
    fake.failNext({ route: 'GET /repos/{owner}/{repo}/pulls/{pull_number}', status: 502, times: 2 })
    const statuses: number[] = []
    for (let i = 0; i < 3; i++) statuses.push((await get(`${fake.url}/repos/acme/infra/pulls/7`, RW)).status)
    expect(statuses).toEqual([502, 502, 200])
  })

  it('lists pull requests of a commit, 422 for an unknown commit', async () => {
    const fake = await fakeGitHub()
    fake.seedPullRequest({ number: 3, headSha: HEAD, baseSha: HEAD, state: 'closed', merged: true })
    fake.associateCommit('m3', [3])
    const ok = await get(`${fake.url}/repos/acme/infra/commits/m3/pulls`, RW)
    expect((ok.json as { number: number; merged_at: string | null }[]).map((p) => [p.number, p.merged_at !== null])).toEqual([[3, true]])
    expect(await get(`${fake.url}/repos/acme/infra/commits/zz/pulls`, RW)).toMatchObject({
      status: 422,
      json: { message: 'No commit found for SHA: zz' },
    })
  })

  it('linkHeader omits itself on a single page', () => {
    expect(linkHeader(new URL('http://x/a'), 'http://x', 1, 1)).toBeUndefined()
  })
})

describe('fake runner OIDC endpoint', () => {
  it('serves @actions/core getIDToken with a JWT the fake STS accepts', async () => {
    const fake = await fakeGitHub({ idTokenClaims: { sub: 'repo:acme/infra:pull_request' } })
    const env = fake.actionEnv()
    expect(env['ACTIONS_ID_TOKEN_REQUEST_URL']).toContain('?')
    expect(env['GITHUB_API_URL']).toBe(fake.url)
    for (const [k, v] of Object.entries(env)) vi.stubEnv(k, v)
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true)
    let jwt: string
    try {
      jwt = await core.getIDToken('sts.amazonaws.com')
    } finally {
      write.mockRestore()
      vi.unstubAllEnvs()
    }
    expect(jwt.split('.')).toHaveLength(3)
    expect(decodeJwtClaims(jwt)).toMatchObject({ iss: ISSUER, aud: 'sts.amazonaws.com', sub: 'repo:acme/infra:pull_request' })
    expect(fake.requests.map((r) => [r.route, r.status])).toEqual([['GET /_apis/actions/idtoken', 200]])
    expect(fake.requests[0]?.path).toMatch(/\?api-version=2\.0&audience=sts\.amazonaws\.com$/)

    const aws = await startFakeAws({ now: NOW, sts: { webIdentitySubPattern: 'repo:acme/infra:pull_request' } })
    try {
      const form = new URLSearchParams({
        Action: 'AssumeRoleWithWebIdentity',
        Version: '2011-06-15',
        RoleArn: 'arn:aws:iam::444455556666:role/plan',
        RoleSessionName: 'eks-access-gate',
        WebIdentityToken: jwt,
      })
      const res = await fetch(`${aws.url}/`, {
        method: 'POST',
        body: form,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      })
      const xml = await res.text()
      expect(res.status, xml).toBe(200)
      expect(xml).toContain('<SubjectFromWebIdentityToken>repo:acme/infra:pull_request</SubjectFromWebIdentityToken>')
      expect(xml).toContain(`<Provider>${ISSUER}</Provider>`)
    } finally {
      await aws.close()
    }
  })

  it('refuses a wrong request token and omits OIDC variables for a fork run', async () => {
    const fake = await fakeGitHub()
    const url = fake.actionEnv()['ACTIONS_ID_TOKEN_REQUEST_URL'] as string
    const res = await fetch(`${url}&audience=x`, { headers: { authorization: 'Bearer wrong' } })
    expect(res.status).toBe(401)
    expect(Object.keys(fake.actionEnv({ idToken: false }))).toEqual(['GITHUB_API_URL'])
  })
})
