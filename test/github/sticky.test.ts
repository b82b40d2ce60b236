import { describe, expect, it } from 'vitest'
import { GitHubError } from '../../src/github/port.js'
import {
  DEFAULT_CLOSING_COMMENT,
  findStickyComments,
  isAuthoredBy,
  StickyBodyError,
  upsertLabelledIssue,
  upsertStickyComment,
  type StickyMarker,
  type StickyRequest,
} from '../../src/github/sticky.js'
import { BOT, type FakeGitHub } from '../fake-github/index.js'
import { fakeGitHub, portOn, RO } from './helpers.js'

/** A marker like the plan comment's: `<!-- eks-access-gate {"v":1,"shard":"…","head":"…"} -->`. */
interface Marker {
  shard: string
  head: string
}
const PREFIX = '<!-- eks-access-gate'
const markerLine = (m: Marker): string => `${PREFIX} ${JSON.stringify({ v: 1, ...m })} -->`
const markerFor = (shard: string): StickyMarker<Marker> => ({
  prefix: PREFIX,
  parse: (line) => {
    const json = /^<!-- eks-access-gate (\{.*\}) -->$/.exec(line)?.[1]
    if (json === undefined) return undefined
    const m = JSON.parse(json) as Marker
    return m.shard === shard ? m : undefined
  },
})
/** Commit order of the test's history: a later index is a newer head. */
const HISTORY = ['a1', 'b2', 'c3']
const request = (head: string, text: string, shard = 'all'): StickyRequest<Marker> => ({
  issueNumber: 7,
  marker: markerFor(shard),
  body: `${markerLine({ shard, head })}\n${text}`,
  isOurs: isAuthoredBy(BOT),
  supersedes: (existing, ours) => HISTORY.indexOf(existing.head) > HISTORY.indexOf(ours.head),
})

async function setup(): Promise<FakeGitHub> {
  const fake = await fakeGitHub()
  fake.seedPullRequest({ number: 7, headSha: 'c3', baseSha: '00' })
  return fake
}

describe('upsertStickyComment', () => {
  it('creates on the first run, updates in place on the next, and writes nothing when unchanged', async () => {
    const fake = await setup()
    const port = portOn(fake)
    const first = await upsertStickyComment(port, request('a1', 'plan 1'))
    expect(first).toMatchObject({ action: 'created', deletedIds: [] })
    expect(first.url).toBe(`https://github.com/acme/infra/pull/7#issuecomment-${first.id}`)
    const second = await upsertStickyComment(port, request('b2', 'plan 2'))
    expect(second).toEqual({ ...first, action: 'updated' })
    fake.requests.length = 0
    const third = await upsertStickyComment(port, request('b2', 'plan 2'))
    expect(third).toEqual({ ...first, action: 'unchanged' })
    expect(fake.writes()).toEqual([])
    expect(fake.comments(7).map((c) => c.body)).toEqual([request('b2', 'plan 2').body])
  })

  it('treats a body that GitHub stored with CRLF as unchanged', async () => {
    const fake = await setup()
    fake.seedComment(7, { body: request('a1', 'x\ny').body.replace(/\n/g, '\r\n'), user: BOT })
    expect((await upsertStickyComment(portOn(fake), request('a1', 'x\ny'))).action).toBe('unchanged')
    expect(fake.writes()).toEqual([])
  })

  it('finds the marker only on the first line, only in our comments, across pages', async () => {
    const fake = await setup()
    const human = { login: 'alice', type: 'User' }
    fake.seedComment(7, { body: request('a1', 'copied by a human').body, user: human })
    fake.seedComment(7, { body: `> quoting the bot:\n${markerLine({ shard: 'all', head: 'a1' })}`, user: BOT })
    fake.seedComment(7, { body: request('a1', 'by a look-alike user').body, user: { login: 'github-actions[bot]', type: 'User' } })
    for (let i = 0; i < 120; i++) fake.seedComment(7, { body: `chatter ${i}`, user: human })
    const ours = fake.seedComment(7, { body: request('a1', 'the real one').body, user: BOT })
    const result = await upsertStickyComment(portOn(fake), request('b2', 'new plan'))
    expect(result).toMatchObject({ action: 'updated', id: ours.id })
    expect(fake.comments(7).filter((c) => c.body.includes('"head":"b2"'))).toHaveLength(1)
    expect(fake.writes().map((w) => w.route)).toEqual(['PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}'])
  })

  it('keeps separate comments for separate shards (parse returns undefined for another shard)', async () => {
    const fake = await setup()
    const port = portOn(fake)
    const a = await upsertStickyComment(port, request('a1', 'shard a', 'a'))
    const b = await upsertStickyComment(port, request('a1', 'shard b', 'b'))
    expect([a.action, b.action]).toEqual(['created', 'created'])
    expect(a.id).not.toBe(b.id)
  })

  it('keeps the oldest of several own comments, updates it and deletes the rest', async () => {
    const fake = await setup()
    const oldest = fake.seedComment(7, { body: request('a1', 'dup 1').body, user: BOT })
    const d2 = fake.seedComment(7, { body: request('a1', 'dup 2').body, user: BOT })
    const d3 = fake.seedComment(7, { body: request('a1', 'dup 3').body, user: BOT })
    const result = await upsertStickyComment(portOn(fake), request('b2', 'merged'))
    expect(result).toMatchObject({ action: 'updated', id: oldest.id, deletedIds: [d2.id, d3.id] })
    expect(fake.comments(7).map((c) => [c.id, c.body])).toEqual([[oldest.id, request('b2', 'merged').body]])
  })

  it('never lets a run for an older head overwrite the comment of a newer one', async () => {
    const fake = await setup()
    const port = portOn(fake)
    const newer = await upsertStickyComment(port, request('c3', 'newest plan'))
    fake.requests.length = 0
    const older = await upsertStickyComment(port, request('b2', 'stale plan'))
    expect(older).toEqual({ action: 'skipped-newer-exists', id: newer.id, url: newer.url, deletedIds: [] })
    expect(fake.writes()).toEqual([])
    expect(fake.comments(7)[0]?.body).toContain('newest plan')
  })

  it('surfaces a read-only token as GitHubError 403 (the caller makes it a warning)', async () => {
    const fake = await setup()
    const e = await upsertStickyComment(portOn(fake, RO), request('a1', 'x')).catch((x: unknown) => x)
    expect(e).toBeInstanceOf(GitHubError)
    expect([(e as GitHubError).status, (e as GitHubError).kind]).toEqual([403, 'read-only-token'])
    expect(fake.comments(7)).toEqual([])
  })

  it.each([
    ['over 65,536 characters', request('a1', 'x'.repeat(65_536)).body, /over GitHub's limit of 65536/],
    ['without its marker on the first line', `plan\n${markerLine({ shard: 'all', head: 'a1' })}`, /must start with its marker line/],
  ])('refuses a body %s before any call', async (_, body, message) => {
    const fake = await setup()
    const e = await upsertStickyComment(portOn(fake), { ...request('a1', ''), body }).catch((x: unknown) => x)
    expect(e).toBeInstanceOf(StickyBodyError)
    expect((e as Error).message).toMatch(message)
    expect(fake.requests).toEqual([])
  })

  it('accepts a body of exactly 65,536 characters', async () => {
    const fake = await setup()
    const head = `${markerLine({ shard: 'all', head: 'a1' })}\n`
    const body = head + 'x'.repeat(65_536 - head.length)
    expect((await upsertStickyComment(portOn(fake), { ...request('a1', ''), body })).action).toBe('created')
  })

  it('findStickyComments gives the marker data (for the "Applied" section)', async () => {
    const fake = await setup()
    const c = fake.seedComment(7, { body: request('b2', 'plan').body, user: BOT })
    const found = await findStickyComments(portOn(fake), request('a1', ''))
    expect(found.map((f) => [f.comment.id, f.marker])).toEqual([[c.id, { v: 1, shard: 'all', head: 'b2' }]])
  })
})

describe('upsertLabelledIssue (drift issue)', () => {
  const LABEL = 'eks-access-drift'
  const MARKER = '<!-- eks-access-gate drift -->'
  const drift = (body: string, open = true) => ({ label: LABEL, markerLine: MARKER, title: 'EKS access drift', body, open })

  it('creates, updates in place, writes nothing when unchanged, closes with a comment, then does nothing', async () => {
    const fake = await fakeGitHub()
    const port = portOn(fake)
    const created = await upsertLabelledIssue(port, drift('2 changes'))
    expect(created).toEqual({ action: 'created', number: 1, url: 'https://github.com/acme/infra/issues/1' })
    expect(fake.issues()[0]).toMatchObject({ body: `${MARKER}\n2 changes`, labels: [LABEL], state: 'open' })

    expect(await upsertLabelledIssue(port, drift('3 changes'))).toMatchObject({ action: 'updated', number: 1 })
    expect(fake.issues()[0]?.body).toBe(`${MARKER}\n3 changes`)

    fake.requests.length = 0
    expect(await upsertLabelledIssue(port, drift('3 changes'))).toMatchObject({ action: 'unchanged', number: 1 })
    expect(fake.writes()).toEqual([])

    expect(await upsertLabelledIssue(port, drift('', false))).toMatchObject({ action: 'closed', number: 1 })
    expect(fake.issues()[0]?.state).toBe('closed')
    expect(fake.comments(1).map((c) => c.body)).toEqual([DEFAULT_CLOSING_COMMENT])

    fake.requests.length = 0
    expect(await upsertLabelledIssue(port, drift('', false))).toEqual({ action: 'none' })
    expect(fake.writes()).toEqual([])

    // Drift again: a new issue, the closed one stays closed.
    expect(await upsertLabelledIssue(port, drift('1 change'))).toMatchObject({ action: 'created', number: 2 })
  })

  it('ignores issues with the label but another first line, and a marker quoted lower down', async () => {
    const fake = await fakeGitHub()
    fake.seedIssue({ title: 'by hand', body: 'see drift', labels: [LABEL] })
    fake.seedIssue({ title: 'quote', body: `as the bot says:\n${MARKER}`, labels: [LABEL] })
    fake.seedIssue({ title: 'unlabelled', body: `${MARKER}\nx` })
    expect(await upsertLabelledIssue(portOn(fake), drift('x'))).toMatchObject({ action: 'created', number: 4 })
  })

  it('surfaces a 403 as GitHubError', async () => {
    const fake = await fakeGitHub()
    const e = await upsertLabelledIssue(portOn(fake, RO), drift('x')).catch((x: unknown) => x)
    expect((e as GitHubError).status).toBe(403)
  })
})
