import { describe, expect, it } from 'vitest'
import { performWrites, supersedes, WORKFLOW_BOT } from '../../src/github/publish.js'
import type { GitHubWrite } from '../../src/outcome.js'
import { formatMarker, MARKER_PREFIX, parseMarker, type MarkerData } from '../../src/plan/marker.js'
import { fakeGitHub, portOn, RO } from './helpers.js'

const A = 'a'.repeat(40)
const B = 'b'.repeat(40)
const C = 'c'.repeat(40)
const HASH = '0123456789abcdefABC_'

const marker = (head: string, shard = '*'): MarkerData => ({ v: 2, head, shard, clusters: { 'prod-eu': HASH } })
const comment = (head: string, text: string, shard = '*'): GitHubWrite => ({
  kind: 'sticky-comment',
  issueNumber: 7,
  marker: MARKER_PREFIX,
  body: `${formatMarker(marker(head, shard))}\n${text}\n`,
})

async function setup(currentHead: string) {
  const fake = await fakeGitHub()
  fake.seedPullRequest({ number: 7, headSha: currentHead, baseSha: C })
  return fake
}

describe('supersedes', () => {
  it.each([
    [A, B, B, true, 'the existing comment shows the current head, ours an older one'],
    [A, B, A, false, 'ours is the current head'],
    [A, A, A, false, 'same head'],
    [A, B, C, false, 'neither is current: write (ours is not known to be older)'],
    [A, B, undefined, false, 'the current head is unknown: write'],
  ])('ours %s, existing %s, current %s → %s (%s)', (ours, existing, current, expected, _why) => {
    expect(supersedes(marker(existing), marker(ours), current)).toBe(expected)
  })
})

describe('performWrites: the sticky comment', () => {
  it('creates, then updates in place, and reports the URL', async () => {
    const fake = await setup(A)
    const port = portOn(fake)
    const first = await performWrites(port, [comment(A, 'plan 1')])
    expect(first.failures).toEqual([])
    expect(first.commentUrl).toBe(`https://github.com/acme/infra/pull/7#issuecomment-${fake.comments(7)[0]!.id}`)
    fake.seedPullRequest({ number: 7, headSha: B, baseSha: C })
    const second = await performWrites(port, [comment(B, 'plan 2')])
    expect(second.commentUrl).toBe(first.commentUrl)
    expect(fake.comments(7).map((c) => c.body)).toEqual([`${formatMarker(marker(B))}\nplan 2\n`])
    expect(second.info[0]).toMatch(/^comment on #7 updated for head bbbbbbbbbbbb: /)
  })

  it('never lets a run for an older head overwrite the comment for the current head', async () => {
    const fake = await setup(B)
    const port = portOn(fake)
    await performWrites(port, [comment(B, 'newer')])
    const older = await performWrites(port, [comment(A, 'older')])
    expect(fake.comments(7).map((c) => c.body)).toEqual([`${formatMarker(marker(B))}\nnewer\n`])
    expect(older.info[0]).toContain('not updating the comment on #7')
    expect(older.commentUrl).toBeDefined()
  })

  it('keeps one comment per shard, and ignores other authors quoting our marker', async () => {
    const fake = await setup(A)
    fake.seedComment(7, { body: `${formatMarker(marker(A))}\nspoofed`, user: { login: 'mallory', type: 'User' } })
    const port = portOn(fake)
    await performWrites(port, [comment(A, 'all clusters')])
    await performWrites(port, [comment(A, 'prod shard', 'prod-*')])
    await performWrites(port, [comment(A, 'prod shard again', 'prod-*')])
    const ours = fake.comments(7).filter((c) => c.user.login === WORKFLOW_BOT.login)
    expect(ours.map((c) => parseMarker(c.body.split('\n')[0]!)?.shard)).toEqual(['*', 'prod-*'])
    expect(ours[1]!.body).toContain('prod shard again')
  })

  it('turns a read-only token (403) into a warning, and a bad body into a failure', async () => {
    const fake = await setup(A)
    const ro = await performWrites(portOn(fake, RO), [comment(A, 'plan')])
    expect(ro.failures).toEqual([])
    expect(ro.warnings).toEqual([
      expect.stringMatching(/^the pull-request comment on #7 was not written: .*403 Resource not accessible by integration/),
    ])
    const bad = await performWrites(portOn(fake), [{ kind: 'sticky-comment', issueNumber: 7, marker: MARKER_PREFIX, body: 'no marker' }])
    expect(bad.failures).toEqual([expect.stringContaining('does not start with a valid marker line')])
    expect(fake.writes()).toEqual([expect.objectContaining({ status: 403 })])
  })

  /** A sticky comment for `n` clusters named `prod-eu-west-1-c0042`-like (`pad` more characters each). */
  const fleetComment = (head: string, n: number, pad = ''): GitHubWrite => {
    const clusters = Object.fromEntries(Array.from({ length: n }, (_, i) => [`prod-eu-west-1-c${String(i).padStart(4, '0')}${pad}`, HASH]))
    return {
      kind: 'sticky-comment',
      issueNumber: 7,
      marker: MARKER_PREFIX,
      body: `${formatMarker({ v: 2, head, shard: '*', clusters })}\nplan\n`,
    }
  }

  it.each([200, 500])('a %i-cluster plan: one comment, created and then updated in place', async (n) => {
    const fake = await setup(A)
    const port = portOn(fake)
    expect((await performWrites(port, [fleetComment(A, n)])).failures).toEqual([])
    fake.seedPullRequest({ number: 7, headSha: B, baseSha: C })
    const second = await performWrites(port, [fleetComment(B, n)])
    expect(second.failures).toEqual([])
    expect(second.info[0]).toMatch(/^comment on #7 updated for head bbbbbbbbbbbb/)
    expect(fake.comments(7)).toHaveLength(1)
    expect(parseMarker(fake.comments(7)[0]!.body.split('\n')[0]!)?.head).toBe(B)
  })

  it('past the marker ceiling: says to shard, writes nothing, and so never a comment per push', async () => {
    const fake = await setup(A)
    const port = portOn(fake)
    const big = fleetComment(A, 500, '-payments-platform-cluster')
    for (const _push of [1, 2]) {
      const r = await performWrites(port, [big])
      expect(r.failures).toHaveLength(1)
      expect(r.failures[0]).toMatch(
        /^the pull-request comment on #7 was not written: the plan covers 500 clusters, too many for one pull-request comment/,
      )
      expect(r.failures[0]).toContain('Shard the plan with the clusters input')
    }
    expect(fake.writes()).toEqual([])
    expect(fake.comments(7)).toEqual([])
  })

  it('writes the comment even when the pull request cannot be read (no head to compare)', async () => {
    const fake = await setup(A)
    fake.failNext({ route: 'GET /repos/{owner}/{repo}/pulls/{pull_number}', status: 500 })
    const r = await performWrites(portOn(fake), [comment(A, 'plan')])
    expect(r.failures).toEqual([])
    expect(r.info[0]).toContain('could not read pull request #7 to compare heads')
    expect(fake.comments(7)).toHaveLength(1)
  })
})

describe('performWrites: the labelled issue', () => {
  it('opens, updates and closes the issue found by its label and first line', async () => {
    const fake = await fakeGitHub()
    const port = portOn(fake)
    const write = (body: string, state?: 'open' | 'closed'): GitHubWrite => ({
      kind: 'issue',
      title: 'EKS access drift',
      body: `<!-- eks-access-gate:drift -->\n${body}`,
      labels: ['eks-access-drift'],
      ...(state === undefined ? {} : { state }),
    })
    const opened = await performWrites(port, [write('1 change')])
    expect(opened.issueUrl).toMatch(/\/issues\/\d+$/)
    await performWrites(port, [write('2 changes')])
    expect(fake.issues().map((i) => [i.state, i.body])).toEqual([['open', '<!-- eks-access-gate:drift -->\n2 changes']])
    await performWrites(port, [write('', 'closed')])
    expect(fake.issues().map((i) => i.state)).toEqual(['closed'])
  })
})
