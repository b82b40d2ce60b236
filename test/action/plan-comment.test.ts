import { describe, expect, it } from 'vitest'
import { invalidCommentBody, planCommentBody } from '../../src/commands/plan-comment.js'
import { MAX_BODY_CHARACTERS } from '../../src/github/port.js'
import { parseMarker, parseReviewedDigests } from '../../src/plan/marker.js'
import type { Problem } from '../../src/types.js'
import { bigPlan, emptyPlan, fullPlan } from '../plan/render/samples.js'

const HEAD = 'f'.repeat(40)
const firstLine = (body: string): string => body.slice(0, body.indexOf('\n'))

describe('planCommentBody', () => {
  it('puts the marker (head, shard, a hash per cluster) on the first line and the digests at the end', () => {
    const body = planCommentBody(fullPlan, new Map(), { pr: { head: HEAD, shard: 'prod-*' } })
    expect(parseMarker(firstLine(body))).toMatchObject({ head: HEAD, shard: 'prod-*' })
    expect(Object.keys(parseMarker(firstLine(body))!.clusters)).toEqual(fullPlan.clusters.map((c) => c.cluster))
    expect(parseReviewedDigests(body)).toMatchObject({ head: HEAD })
    expect(body).toContain('shard `prod-*`')
    expect(body).toContain('at `ffffffffffff`')
  })

  it.each([
    ['one huge cluster', bigPlan(20_000, 1)],
    ['150 clusters near the limit', bigPlan(6_000, 150, 7)],
    ['200 clusters', bigPlan(6_000, 200, 7)],
    ['500 clusters', bigPlan(10_000, 500, 7)],
  ])('stays within 65,536 characters with marker and digests intact: %s', (_, plan) => {
    const body = planCommentBody(plan, new Map(), { pr: { head: HEAD, shard: '*' } })
    expect(body.length).toBeLessThanOrEqual(MAX_BODY_CHARACTERS)
    expect(parseMarker(firstLine(body))?.head).toBe(HEAD)
    expect(parseReviewedDigests(body)?.head).toBe(HEAD)
  })

  it('shows notes (why the plan was offline) at the top', () => {
    const body = planCommentBody(emptyPlan, new Map(), { pr: { head: HEAD, shard: '*' }, notes: ['planned offline'] })
    expect(body).toContain('> planned offline')
  })
})

describe('invalidCommentBody', () => {
  const problem = (i: number): Problem => ({
    severity: 'error',
    code: 'schema:unknown-key',
    message: `unknown key "x${i}"`,
    file: 'eks-access.yaml',
    line: i + 1,
    column: 3,
  })

  it('lists the errors (file:line:col, code, message) under a marker that names no cluster', () => {
    const body = invalidCommentBody(emptyPlan, [problem(1)], { pr: { head: HEAD, shard: '*' } })
    expect(parseMarker(firstLine(body))).toEqual({ v: 2, head: HEAD, shard: '*', clusters: {} })
    expect(body).toContain('The manifest is invalid')
    expect(body).toContain('`eks-access.yaml:2:3` `schema:unknown-key`: unknown key &quot;x1&quot;')
  })

  it('stays within the limit with thousands of problems', () => {
    const body = invalidCommentBody(
      emptyPlan,
      Array.from({ length: 5000 }, (_, i) => problem(i)),
      { pr: { head: HEAD, shard: '*' } },
    )
    expect(body.length).toBeLessThanOrEqual(MAX_BODY_CHARACTERS)
    expect(body).toContain('more')
  })
})
