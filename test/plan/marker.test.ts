import { describe, expect, it } from 'vitest'
import {
  changeDigest,
  clusterPlanHash,
  compareWithReviewed,
  formatMarker,
  formatReviewedDigests,
  markerDataFor,
  markerTooLong,
  matchesReviewedHash,
  MAX_MARKER_LENGTH,
  parseMarker,
  parseReviewedDigests,
  readReviewedPlan,
  reviewPolicy,
  type MarkerData,
} from '../../src/plan/marker.js'
import { planCluster } from '../../src/plan/diff.js'
import { planHash } from '../../src/plan/hash.js'
import { summarize } from '../../src/plan/plan.js'
import type { Change, ClusterPlan, DesiredEntry, ObservedEntry, Plan } from '../../src/types.js'
import { ADMIN, EDIT, OWNED, VIEW, cluster, desired, desiredAdmin, live, liveAdmin, observed, policy, role } from './build.js'

const HEAD = 'a'.repeat(40)
/** A version 2 cluster hash (20 base64url characters) and a version 1 one (sha256 hex). */
const HASH = 'b-_B'.repeat(5)
const HEX = 'b'.repeat(64)

function clusterPlan(key: string, want: readonly DesiredEntry[], have: readonly ObservedEntry[], mode?: 'API'): ClusterPlan {
  return planCluster({
    cluster: cluster({ key, name: key, ...(mode === undefined ? {} : { authenticationMode: mode }) }),
    desired: want,
    expired: [],
    observed: live(have, { name: key, authenticationMode: mode === undefined ? 'API' : 'API_AND_CONFIG_MAP' }),
  })
}

function planOf(clusters: readonly ClusterPlan[]): Plan {
  return { version: 1, summary: summarize(clusters), clusters, problems: [], planHash: planHash(clusters) }
}

/** The PR's plan: prod adds `a`; staging adds `a`. */
const reviewedPlan = planOf([
  clusterPlan('prod', [desiredAdmin(), desired(role('a'), { accessPolicies: [policy(VIEW)] })], [liveAdmin()]),
  clusterPlan('staging', [desiredAdmin(), desired(role('a'))], [liveAdmin()]),
])

function body(plan: Plan, head = HEAD): string {
  return `${formatMarker(markerDataFor(plan, head))}\n## Plan\n\nwhatever the renderer writes\n\n${formatReviewedDigests(plan, head)}\n`
}

describe('marker: format and parse', () => {
  it('round-trips, and the first line is the marker', () => {
    const data = markerDataFor(reviewedPlan, HEAD, 'prod-*')
    const line = formatMarker(data)
    expect(line).toMatch(
      /^<!-- eks-access-gate \{"clusters":\{"prod":"[A-Za-z0-9_-]{20}","staging":"[A-Za-z0-9_-]{20}"\},"head":"a{40}","shard":"prod-\*","v":2\} -->$/,
    )
    expect(parseMarker(line)).toEqual(data)
    expect(readReviewedPlan(body(reviewedPlan))?.marker).toEqual({ ...markerDataFor(reviewedPlan, HEAD), shard: '*' })
  })

  it('escapes what could close the HTML comment', () => {
    const data: MarkerData = { v: 2, head: HEAD, shard: '*', clusters: { 'x-->': HASH } }
    const line = formatMarker(data)
    expect(line.indexOf('-->')).toBe(line.length - 3)
    // and the parser refuses such a key (no `<` or `>` in names), whatever the escaping
    expect(parseMarker(line)).toBeUndefined()
  })

  const good = `<!-- eks-access-gate {"clusters":{"prod":"${HASH}"},"head":"${HEAD}","shard":"*","v":2} -->`
  const legacy = `<!-- eks-access-gate {"clusters":{"prod":"${HEX}"},"head":"${HEAD}","shard":"*","v":1} -->`
  it.each([
    ['valid', good, true],
    ['valid with CR', `${good}\r`, true],
    ['version 1 (full sha256 hex, written before)', legacy, true],
    ['version 1 with a short hash', legacy.replace(HEX, HASH), false],
    ['version 2 with a full hex hash', good.replace(HASH, HEX), false],
    ['version 2 with a hash one character short', good.replace(HASH, HASH.slice(1)), false],
    ['version 2 with a hash one character long', good.replace(HASH, `${HASH}x`), false],
    ['version 2 hash with a non-base64url character', good.replace(HASH, `${HASH.slice(1)}+`), false],
    ['version 2 with a mixed list', good.replace(`"prod":"${HASH}"`, `"prod":"${HASH}","qa":"${HEX}"`), false],
    ['version 3', good.replace('"v":2', '"v":3'), false],
    ['version as a string', good.replace('"v":2', '"v":"2"'), false],
    ['other prefix', good.replace('eks-access-gate', 'eks-access-gat3'), false],
    ['no end', good.slice(0, -4), false],
    ['text after', `${good} x`, false],
    ['bad JSON', good.replace('"v":2}', '"v":2'), false],
    ['extra key', good.replace('"v":2', '"v":2,"x":1'), false],
    ['missing shard', good.replace('"shard":"*",', ''), false],
    ['short head', good.replace(HEAD, 'abc'), false],
    ['uppercase head', good.replace(HEAD, 'A'.repeat(40)), false],
    ['version 1 hash not hex', legacy.replace(HEX, 'z'.repeat(64)), false],
    ['hash as number', good.replace(`"${HASH}"`, '1'), false],
    ['clusters an array', good.replace(`{"prod":"${HASH}"}`, '[]'), false],
    ['control character in a key', good.replace('"prod"', '"pr\\nod"'), false],
    ['empty key', good.replace('"prod"', '""'), false],
    ['oversized', good.replace('"*"', `"${'x'.repeat(MAX_MARKER_LENGTH)}"`), false],
    ['an array', '<!-- eks-access-gate [1] -->', false],
  ])('parseMarker: %s', (_n, text, ok) => {
    expect(parseMarker(text) !== undefined).toBe(ok)
  })

  it('keeps "__proto__" and "constructor" as plain data', () => {
    const line = `<!-- eks-access-gate {"clusters":{"__proto__":"${HASH}"},"head":"${HEAD}","shard":"*","v":2} -->`
    const m = parseMarker(line)
    expect(Object.hasOwn(m?.clusters ?? {}, '__proto__')).toBe(true)
    expect(Object.getPrototypeOf(m?.clusters)).toBe(Object.prototype)
  })
})

describe('reviewed digests', () => {
  it('one 8-character digest per change (and the mode step), parsed back from the end of the body', () => {
    const d = parseReviewedDigests(body(reviewedPlan))
    expect(d?.head).toBe(HEAD)
    expect(d?.clusters['prod']).toBe(reviewedPlan.clusters[0]?.changes.map(changeDigest).join(''))
    expect(d?.clusters['prod']).toHaveLength(16)
  })

  it.each([
    ['not at the end', (b: string) => `${b}more text`],
    ['digests not in 8s', (b: string) => b.replace(/("prod":")([A-Za-z0-9_-]{8})/, '$1$2x')],
    ['oversized', (b: string) => b.replace('"prod":"', `"prod":"${'A'.repeat(70_000)}`)],
    ['a bad character', (b: string) => b.replace(/("prod":")([A-Za-z0-9_-]{8})/, '$1!!!!!!!!')],
  ])('rejects %s', (_n, mangle) => {
    // mangle only the digest comment (the marker line has a "prod" key too)
    const full = body(reviewedPlan)
    const at = full.indexOf('<!-- eks-access-gate:reviewed')
    expect(parseReviewedDigests(full)).toBeDefined()
    expect(parseReviewedDigests(full.slice(0, at) + mangle(full.slice(at)))).toBeUndefined()
  })

  it('ignores digests written for another head', () => {
    const b = `${formatMarker(markerDataFor(reviewedPlan, HEAD))}\n${formatReviewedDigests(reviewedPlan, 'c'.repeat(40))}`
    expect(readReviewedPlan(b)?.digests).toBeUndefined()
  })

  it('drops clusters from the end to fit the budget', () => {
    const text = formatReviewedDigests(reviewedPlan, HEAD, { maxLength: 140 })
    expect(text.length).toBeLessThanOrEqual(140)
    expect(parseReviewedDigests(text)?.clusters).toEqual({ prod: reviewedPlan.clusters[0]?.changes.map(changeDigest).join('') })
  })

  it('digests identify what a change does, not the live detail around it', () => {
    const a = clusterPlan('prod', [desiredAdmin(), desired(role('x'), { accessPolicies: [policy(VIEW)] })], [liveAdmin()])
    const b = clusterPlan(
      'prod',
      [desiredAdmin(), desired(role('x'), { accessPolicies: [policy(VIEW)] }), desired(role('y'))],
      [liveAdmin(), observed(role('y'), { tags: OWNED })],
    )
    expect(b.changes.map(changeDigest)).toEqual(a.changes.map(changeDigest))
    const wider = clusterPlan('prod', [desiredAdmin(), desired(role('x'), { accessPolicies: [policy(EDIT)] })], [liveAdmin()])
    expect(wider.changes.map(changeDigest)).not.toEqual(a.changes.map(changeDigest))
  })
})

const summary = (c: Change): string =>
  `${c.action} ${c.principalArn.split('/').pop() ?? ''}${'policyArn' in c ? ` ${c.policyArn.split('/').pop() ?? ''}` : ''}`

describe('compareWithReviewed', () => {
  it('a cluster whose hash matches applies as is', () => {
    const r = compareWithReviewed(reviewedPlan, readReviewedPlan(body(reviewedPlan)))
    expect(r.clusters.map((c) => c.status)).toEqual(['matches', 'matches'])
    expect(r.reviewed).toBe(true)
  })

  it('no reviewed plan (direct push): the fresh plan as it is, and it says so', () => {
    const r = compareWithReviewed(reviewedPlan, undefined)
    expect(r.reviewed).toBe(false)
    expect(r.clusters.map((c) => c.status)).toEqual(['not-reviewed', 'not-reviewed'])
    expect(r.notes[0]).toMatch(/No reviewed plan was found/)
  })

  it('lists exactly the unreviewed changes of a cluster that differs, with the policy applied', () => {
    // Since review: someone added `stray` by hand (the plan now deletes it), `a` lost its tag.
    const fresh = planOf([
      clusterPlan(
        'prod',
        [
          desiredAdmin(),
          desired(role('a'), { accessPolicies: [policy(VIEW)] }),
          desired(role('t'), { tags: { team: 'x' } }),
          desired(role('e'), { accessPolicies: [policy(ADMIN)] }),
        ],
        [
          liveAdmin(),
          observed(role('stray'), { tags: OWNED }),
          observed(role('t'), { tags: OWNED }),
          observed(role('e'), { tags: OWNED, accessPolicies: [policy(VIEW)] }),
        ],
      ),
      reviewedPlan.clusters[1] as ClusterPlan,
    ])
    const r = compareWithReviewed(fresh, readReviewedPlan(body(reviewedPlan)))
    const prod = r.clusters[0]
    expect(prod?.status).toBe('differs')
    expect(prod?.unexpected.map((u) => `${summary(u.change)}: ${u.decision} (${u.why})`)).toEqual([
      'associate e AmazonEKSClusterAdminPolicy: skip (escalation: AmazonEKSClusterAdminPolicy granted (AmazonEKSClusterAdminPolicy on the cluster))',
      'disassociate e AmazonEKSViewPolicy: skip (disassociation of AmazonEKSViewPolicy)',
      'delete stray: skip (deletion)',
      'update t: apply (tags set)',
    ])
    expect(r.clusters[1]?.status).toBe('matches')
  })

  it('a cluster missing from the reviewed plan: every change unreviewed', () => {
    const fresh = planOf([...reviewedPlan.clusters, clusterPlan('zeta', [desiredAdmin(), desired(role('z'))], [liveAdmin()])])
    const r = compareWithReviewed(fresh, readReviewedPlan(body(reviewedPlan)))
    expect(r.clusters[2]?.unexpected.map((u) => `${summary(u.change)}: ${u.decision}`)).toEqual(['create z: skip'])
    expect(r.clusters[2]?.note).toMatch(/was not in the reviewed plan/)
  })

  it('an unreviewed authentication-mode step is skipped', () => {
    const fresh = planOf([
      clusterPlan('prod', [desiredAdmin(), desired(role('a'), { accessPolicies: [policy(VIEW)] })], [liveAdmin()], 'API'),
      reviewedPlan.clusters[1] as ClusterPlan,
    ])
    const prod = compareWithReviewed(fresh, readReviewedPlan(body(reviewedPlan))).clusters[0]
    expect(prod?.unexpected).toEqual([])
    expect(prod?.authenticationMode?.decision).toBe('skip')
  })

  const base = clusterPlan('prod', [desiredAdmin()], [liveAdmin()])
  const scope = (s: 'cluster' | string[]) =>
    s === 'cluster' ? { type: 'cluster' as const, namespaces: [] } : { type: 'namespace' as const, namespaces: s }
  const fields = (groups: string[], username?: string) => ({
    type: 'STANDARD',
    kubernetesGroups: groups,
    tags: {},
    ...(username === undefined ? {} : { username }),
  })
  const p = role('p')
  it.each<[string, Change, 'skip' | 'apply']>([
    ['delete', { action: 'delete', principalArn: p, before: fields([]), accessPolicies: [] }, 'skip'],
    [
      'replace',
      { action: 'replace', principalArn: p, before: { ...fields([]), type: 'EC2_LINUX' }, after: fields([]), accessGap: true },
      'skip',
    ],
    ['disassociate', { action: 'disassociate', principalArn: p, policyArn: VIEW, accessScope: scope('cluster') }, 'skip'],
    ['create', { action: 'create', principalArn: p, after: fields([]) }, 'skip'],
    ['new association', { action: 'associate', principalArn: p, policyArn: VIEW, accessScope: scope(['a']), inPlace: false }, 'skip'],
    [
      'scope widened to the cluster',
      { action: 'associate', principalArn: p, policyArn: VIEW, accessScope: scope('cluster'), previousScope: scope(['a']), inPlace: true },
      'skip',
    ],
    [
      'namespace added',
      { action: 'associate', principalArn: p, policyArn: VIEW, accessScope: scope(['a', 'b']), previousScope: scope(['a']), inPlace: true },
      'skip',
    ],
    [
      'scope narrowed',
      { action: 'associate', principalArn: p, policyArn: VIEW, accessScope: scope(['a']), previousScope: scope('cluster'), inPlace: true },
      'apply',
    ],
    [
      'admin narrowed',
      { action: 'associate', principalArn: p, policyArn: ADMIN, accessScope: scope(['a']), previousScope: scope('cluster'), inPlace: true },
      'skip',
    ],
    [
      'groups added',
      { action: 'update', principalArn: p, before: fields([]), after: fields(['g']), updateEntry: true, tagsToSet: {}, adopt: false },
      'skip',
    ],
    [
      'username changed',
      {
        action: 'update',
        principalArn: p,
        before: fields([], 'a'),
        after: fields([], 'b'),
        updateEntry: true,
        tagsToSet: {},
        adopt: false,
      },
      'skip',
    ],
    [
      'groups removed',
      { action: 'update', principalArn: p, before: fields(['g']), after: fields([]), updateEntry: true, tagsToSet: {}, adopt: false },
      'apply',
    ],
    [
      'tags only',
      { action: 'update', principalArn: p, before: fields([]), after: fields([]), updateEntry: false, tagsToSet: { a: 'b' }, adopt: false },
      'apply',
    ],
  ])('policy for an unreviewed %s: %s', (_n, change, decision) => {
    expect(reviewPolicy(change, base).decision).toBe(decision)
  })

  it('hashes per cluster: 20 base64url characters of the sha256 planHash takes', () => {
    const prod = reviewedPlan.clusters[0] as ClusterPlan
    expect(clusterPlanHash(prod)).toMatch(/^[A-Za-z0-9_-]{20}$/)
    expect(Buffer.from(clusterPlanHash(prod), 'base64url').toString('hex')).toBe(planHash([prod]).slice(0, 30))
    expect(clusterPlanHash(reviewedPlan.clusters[1] as ClusterPlan)).not.toBe(clusterPlanHash(prod))
  })
})

describe('a reviewed plan written before the short hashes (marker version 1)', () => {
  /** The comment an older release wrote: the full sha256 hex per cluster, version 1. */
  const legacyBody = (plan: Plan): string => {
    const clusters = Object.fromEntries(plan.clusters.map((c) => [c.cluster, planHash([c])]))
    return `${formatMarker({ v: 1, head: HEAD, shard: '*', clusters })}\nplan\n${formatReviewedDigests(plan, HEAD)}\n`
  }

  it('is still read, and a cluster that did not change matches', () => {
    const reviewed = readReviewedPlan(legacyBody(reviewedPlan))
    expect(reviewed?.marker.v).toBe(1)
    const r = compareWithReviewed(reviewedPlan, reviewed)
    expect(r.clusters.map((c) => c.status)).toEqual(['matches', 'matches'])
  })

  it('a cluster that changed since differs, change by change, as with a version 2 marker', () => {
    const fresh = planOf([
      clusterPlan('prod', [desiredAdmin(), desired(role('a'), { accessPolicies: [policy(VIEW)] }), desired(role('new'))], [liveAdmin()]),
      reviewedPlan.clusters[1] as ClusterPlan,
    ])
    const legacy = compareWithReviewed(fresh, readReviewedPlan(legacyBody(reviewedPlan)))
    const current = compareWithReviewed(fresh, readReviewedPlan(body(reviewedPlan)))
    expect(legacy.clusters.map((c) => c.status)).toEqual(['differs', 'matches'])
    expect(legacy).toEqual(current)
    expect(legacy.clusters[0]?.unexpected.map((u) => summary(u.change))).toEqual(['create new'])
  })

  it.each([
    ['the full hex of this plan', (c: ClusterPlan) => planHash([c]), true],
    ['the short hash of this plan', (c: ClusterPlan) => clusterPlanHash(c), true],
    ['the hex of another plan', () => HEX, false],
    ['the short hash cut from the hex (another encoding)', (c: ClusterPlan) => planHash([c]).slice(0, 20), false],
    ['nothing', () => undefined, false],
  ])('matchesReviewedHash: %s → %s', (_n, hashOf, expected) => {
    const prod = reviewedPlan.clusters[0] as ClusterPlan
    expect(matchesReviewedHash(hashOf(prod), prod)).toBe(expected)
  })
})

describe('the marker of a large fleet', () => {
  /** `n` clusters named like a real fleet (`prod-eu-west-1-c0042`, 20 characters), one change each. */
  function fleet(n: number, name = (i: number) => `prod-eu-west-1-c${String(i).padStart(4, '0')}`): Plan {
    return planOf(Array.from({ length: n }, (_, i) => clusterPlan(name(i), [desiredAdmin(), desired(role('a'))], [liveAdmin()])))
  }

  it.each([200, 500])('%i clusters: the marker fits, reads back exactly, and apply matches every cluster', (n) => {
    const plan = fleet(n)
    const line = formatMarker(markerDataFor(plan, HEAD))
    expect(line.length).toBeLessThanOrEqual(MAX_MARKER_LENGTH)
    expect(markerTooLong(line)).toBeUndefined()
    expect(parseMarker(line)).toEqual(markerDataFor(plan, HEAD))
    const r = compareWithReviewed(plan, readReviewedPlan(`${line}\nplan\n`))
    expect(r.clusters.filter((c) => c.status === 'matches')).toHaveLength(n)
  })

  it('200 clusters with 20-character names take under 10,000 characters', () => {
    expect(formatMarker(markerDataFor(fleet(200), HEAD)).length).toBeLessThan(10_000)
  })

  it('past the ceiling: a clear message naming the count and what to do, and a line parseMarker refuses', () => {
    const plan = fleet(500, (i) => `prod-eu-west-1-payments-platform-cluster-${String(i).padStart(4, '0')}`)
    const line = formatMarker(markerDataFor(plan, HEAD))
    expect(line.length).toBeGreaterThan(MAX_MARKER_LENGTH)
    expect(parseMarker(line)).toBeUndefined()
    expect(markerTooLong(line)).toMatch(
      /^the plan covers 500 clusters, too many for one pull-request comment: its hidden marker would be \d+ characters and at most 32768 can be read back/,
    )
    expect(markerTooLong(line)).toContain('Shard the plan with the clusters input')
  })
})
