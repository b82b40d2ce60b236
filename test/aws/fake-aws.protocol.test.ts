import { afterEach, describe, expect, it } from 'vitest'
import { startFakeAws, type FakeAws } from '../fake-aws/index.js'
import { roleArn, unsignedJwt } from './helpers.js'

/** Raw HTTP against the fake: the wire details the SDK relies on (EKS-API.md §1–3, §8). */
const A = '111122223333'
const auth = (account = A, region = 'eu-west-1') =>
  `AWS4-HMAC-SHA256 Credential=AKIA${account}TEST/20261101/${region}/eks/aws4_request, SignedHeaders=host, Signature=00`
const enc = encodeURIComponent

let fake: FakeAws | undefined
afterEach(async () => {
  await fake?.close()
  fake = undefined
})

async function get(path: string) {
  const res = await fetch(`${fake!.url}${path}`, { headers: { authorization: auth() } })
  return { status: res.status, type: res.headers.get('x-amzn-errortype'), body: (await res.json()) as Record<string, unknown> }
}

describe('fake EKS wire protocol', () => {
  it('answers errors with the status, x-amzn-ErrorType and a {message} body', async () => {
    fake = await startFakeAws()
    expect(await get('/clusters/nope')).toEqual({
      status: 404,
      type: 'ResourceNotFoundException',
      body: { message: 'No cluster found for name: nope.', clusterName: 'nope' },
    })
  })

  it('writes timestamps as epoch seconds', async () => {
    fake = await startFakeAws({
      now: () => 1_790_000_000_123,
      clusters: [{ name: 'prod', region: 'eu-west-1', entries: [{ principalArn: roleArn(A, 'x') }] }],
    })
    const { body } = await get(`/clusters/prod/access-entries/${enc(roleArn(A, 'x'))}`)
    expect(body['accessEntry']).toMatchObject({ createdAt: 1_790_000_000.123, modifiedAt: 1_790_000_000.123 })
  })

  it('pages with maxResults and nextToken until no token is returned', async () => {
    const entries = Array.from({ length: 5 }, (_, i) => ({ principalArn: roleArn(A, `r${i}`) }))
    fake = await startFakeAws({ clusters: [{ name: 'prod', region: 'eu-west-1', entries }] })
    const seen: unknown[] = []
    let token: string | undefined
    let pages = 0
    do {
      const { body } = await get(`/clusters/prod/access-entries?maxResults=2${token ? `&nextToken=${enc(token)}` : ''}`)
      seen.push(...(body['accessEntries'] as unknown[]))
      token = body['nextToken'] as string | undefined
      pages++
    } while (token)
    expect(pages).toBe(3)
    expect(seen).toEqual(entries.map((e) => e.principalArn))
  })

  it('decodes each path segment on its own (an encoded / stays inside the label)', async () => {
    const p = roleArn(A, 'a/b/c')
    fake = await startFakeAws({ clusters: [{ name: 'prod', region: 'eu-west-1', entries: [{ principalArn: p }] }] })
    expect((await get(`/clusters/prod/access-entries/${enc(p)}`)).status).toBe(200)
    expect((await get(`/clusters/prod/access-entries/${enc(p)}/access-policies`)).body).toMatchObject({
      principalArn: p,
      associatedAccessPolicies: [],
    })
  })

  it('uses the credential scope: account from the access key, region from the scope', async () => {
    fake = await startFakeAws({ clusters: [{ name: 'prod', region: 'us-west-2', accountId: '444455556666' }] })
    const res = await fetch(`${fake.url}/clusters/prod`, { headers: { authorization: auth('444455556666', 'us-west-2') } })
    expect(res.status).toBe(200)
    expect(fake.calls[0]).toMatchObject({ account: '444455556666', region: 'us-west-2', operation: 'DescribeCluster' })
  })

  it('ListTagsForResource / UntagResource on an access-entry ARN', async () => {
    fake = await startFakeAws({
      clusters: [{ name: 'prod', region: 'eu-west-1', entries: [{ principalArn: roleArn(A, 'x'), tags: { a: '1', b: '2', c: '3' } }] }],
    })
    const arn = ((await get(`/clusters/prod/access-entries/${enc(roleArn(A, 'x'))}`)).body['accessEntry'] as { accessEntryArn: string })
      .accessEntryArn
    const del = await fetch(`${fake.url}/tags/${enc(arn)}?tagKeys=a&tagKeys=c`, { method: 'DELETE', headers: { authorization: auth() } })
    expect(del.status).toBe(200)
    expect((await get(`/tags/${enc(arn)}`)).body).toEqual({ tags: { b: '2' } })
  })

  it('DescribeUpdate reports the authentication-mode update', async () => {
    fake = await startFakeAws({ clusters: [{ name: 'legacy', region: 'eu-west-1', authenticationMode: 'CONFIG_MAP' }] })
    const res = await fetch(`${fake.url}/clusters/legacy/update-config`, {
      method: 'POST',
      headers: { authorization: auth(), 'content-type': 'application/json' },
      body: JSON.stringify({ accessConfig: { authenticationMode: 'API_AND_CONFIG_MAP' } }),
    })
    const update = ((await res.json()) as { update: { id: string; type: string; params: unknown } }).update
    expect(update).toMatchObject({ type: 'AccessConfigUpdate', params: [{ type: 'AuthenticationMode', value: 'API_AND_CONFIG_MAP' }] })
    expect((await get(`/clusters/legacy/updates/${update.id}`)).body['update']).toMatchObject({ id: update.id, status: 'Successful' })
  })
})

describe('fake STS wire protocol', () => {
  it('answers the query protocol with XML, and errors with an ErrorResponse', async () => {
    fake = await startFakeAws()
    const post = (form: Record<string, string>) =>
      fetch(fake!.url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(form),
      })
    const ok = await post({
      Action: 'AssumeRoleWithWebIdentity',
      Version: '2011-06-15',
      RoleArn: roleArn(A, 'plan'),
      RoleSessionName: 'gha',
      WebIdentityToken: unsignedJwt({ sub: 'repo:a/b:ref:refs/heads/main', aud: 'sts.amazonaws.com' }),
    })
    const xml = await ok.text()
    expect(ok.status).toBe(200)
    expect(xml).toMatch(
      /^<AssumeRoleWithWebIdentityResponse xmlns="https:\/\/sts.amazonaws.com\/doc\/2011-06-15\/"><AssumeRoleWithWebIdentityResult>/,
    )
    expect(xml).toContain(`<Arn>arn:aws:sts::${A}:assumed-role/plan/gha</Arn>`)
    expect(xml).toContain('<SubjectFromWebIdentityToken>repo:a/b:ref:refs/heads/main</SubjectFromWebIdentityToken>')
    const bad = await post({
      Action: 'AssumeRoleWithWebIdentity',
      Version: '2011-06-15',
      RoleArn: roleArn(A, 'plan'),
      RoleSessionName: 'gha',
      WebIdentityToken: 'not-a-jwt',
    })
    expect(bad.status).toBe(400)
    expect(await bad.text()).toMatch(
      /<ErrorResponse xmlns="https:\/\/sts.amazonaws.com\/doc\/2011-06-15\/"><Error><Type>Sender<\/Type><Code>InvalidIdentityToken<\/Code>/,
    )
  })
})
