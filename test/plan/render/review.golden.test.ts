import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { renderReviewComment, type ReviewInput } from '../../../src/plan/render/review.js'
import { changesCase, errorsCase, hostileCase, invalidProblems, largeCase, noChangesCase } from './review-cases.js'
import { demoInput, root } from './review-fixtures.js'

/**
 * Golden Markdown for the review comment. `UPDATE_GOLDEN=1 npx vitest run test/plan/render/review`
 * rewrites them; look at them rendered (docs/pr-comment.png) before committing.
 */
const golden = join(root, 'test', 'fixtures', 'review')
const MARKER = '<!-- eks-access-gate {"v":2,"head":"0123456","shard":"*"} -->'

function matchesGolden(name: string, actual: string): void {
  const path = join(golden, name)
  if (process.env['UPDATE_GOLDEN'] === '1') writeFileSync(path, actual)
  expect(existsSync(path), `${path} missing: run with UPDATE_GOLDEN=1`).toBe(true)
  expect(actual).toBe(readFileSync(path, 'utf8'))
}

const cases: [string, () => ReviewInput][] = [
  ['demo.md', () => ({ ...demoInput(), context: { marker: MARKER, headSha: '0123456' } })],
  [
    'changes.md',
    () => ({
      ...changesCase(),
      context: {
        marker: MARKER,
        headSha: '0123456',
        shard: 'prod*',
        notes: ['The rules file changed in this pull request; the rules of the base branch were used.'],
      },
    }),
  ],
  ['hostile.md', () => ({ ...hostileCase(), context: { marker: MARKER, headSha: '0123456', shard: '@org/team #1 https://x.example' } })],
  ['invalid.md', () => ({ problems: invalidProblems, context: { marker: MARKER, headSha: '0123456' } })],
  ['errors.md', () => ({ ...errorsCase(), context: { marker: MARKER, headSha: '0123456' } })],
  ['no-changes.md', () => ({ ...noChangesCase(), context: { marker: MARKER, headSha: '0123456' } })],
  ['large.md', () => ({ ...largeCase(), context: { marker: MARKER, headSha: '0123456', planFileHint: 'the plan-file artifact of this run' } })],
]

describe('review comment goldens', () => {
  it.each(cases)('%s', (name, input) => {
    const md = renderReviewComment(input())
    expect(md.split('\n')[0]).toBe(MARKER)
    matchesGolden(name, md)
    expect(renderReviewComment(input())).toBe(md)
  })
})
