import { describe, expect, it } from 'vitest'
import { DEFAULT_MAX_LENGTH, renderMarkdownPlan } from '../../../src/plan/render/markdown.js'
import { renderPlan } from '../../../src/plan/render/index.js'
import { bigPlan, fullPlan } from './samples.js'

const MARKER = '<!-- eks-access-gate {"v":1,"planHash":"'
const SUMMARY = '**Plan: 0 to create, 0 to update, 0 to replace, 0 to delete, 5000 to associate, 0 to disassociate,'
const NOTE = '> This plan was truncated to fit the'

function expectBalanced(md: string): void {
  expect(md.match(/<details/g)?.length ?? 0).toBe(md.match(/<\/details>/g)?.length ?? 0)
  const fences = md.split('\n').filter((l) => /^`{3,}/.test(l))
  expect(fences.length % 2).toBe(0)
}

describe('Markdown size limit', () => {
  const big = bigPlan(5000)

  it('keeps a 5,000-change plan within 65,536 characters by default', () => {
    const full = renderMarkdownPlan(big, { maxLength: Number.MAX_SAFE_INTEGER })
    expect(full.length).toBeGreaterThan(DEFAULT_MAX_LENGTH) // the test would be void otherwise
    const md = renderPlan(big, 'markdown')
    expect(md.length).toBeLessThanOrEqual(DEFAULT_MAX_LENGTH)
    expect(md.startsWith(MARKER)).toBe(true)
    expect(md).toContain(SUMMARY)
    expect(md).toContain('| **Total** | 0 | 0 | 0 | 0 | 5000 | 0 | 1 | 0 |')
    expect(md).toContain(`${NOTE} 65,536-character limit`)
    expect(md).toContain('detail is shortened or left out for 1 of 1 clusters')
    expect(md).toContain('`eks-access-gate plan --format json`')
    expectBalanced(md)
    // The cut is in the diff block, with a count of what is missing.
    expect(md).toMatch(/\n… \d+ more lines not shown \(plan truncated\)\n```\n/)
    // Escalations come before the table and are kept.
    expect(md.indexOf('Needs a careful review')).toBeLessThan(md.indexOf('| **Total** |'))
  })

  it('uses most of the space it has (no needless cut)', () => {
    const md = renderPlan(big, 'markdown')
    expect(md.length).toBeGreaterThan(DEFAULT_MAX_LENGTH - 400)
  })

  it.each([
    ['one big cluster', bigPlan(5000)],
    ['many clusters', bigPlan(5000, 40)],
    ['thousands of clusters', bigPlan(3000, 3000)],
    ['thousands of escalations', bigPlan(5000, 1, 1)],
  ])('respects every limit for %s', (_name, plan) => {
    for (const maxLength of [300, 1_000, 2_500, 10_000, 30_000, 65_536]) {
      const md = renderMarkdownPlan(plan, { maxLength })
      expect(md.length, `maxLength ${maxLength}`).toBeLessThanOrEqual(maxLength)
      expect(md.startsWith(MARKER)).toBe(true)
      if (maxLength >= 2_500) {
        expect(md).toContain('**Plan: ')
        expect(md).toContain(NOTE)
        expectBalanced(md)
      }
    }
  })

  it('keeps table rows before escalations when even those do not fit', () => {
    const md = renderMarkdownPlan(bigPlan(3000, 3000), { maxLength: 30_000 })
    expect(md).toContain('| <code>cluster-0000</code> |')
    expect(md).toMatch(/\| …and \d+ more clusters \|/)
    expect(md).toContain('| **Total** |')
    expect(md).toMatch(/escalations need a careful review \(not shown|…and \d+ more \(plan truncated/)
    expect(md).not.toContain('```diff')
  })

  it('keeps escalations before per-cluster detail, and shortens them only when they alone are too long', () => {
    const some = renderMarkdownPlan(bigPlan(5000, 1, 50), {})
    expect(some.match(/\*\*Policy granted\*\*/g)?.length).toBe(100)
    expect(some).toContain('```diff')
    const all = renderMarkdownPlan(bigPlan(5000, 1, 1), {})
    expect(all.length).toBeLessThanOrEqual(DEFAULT_MAX_LENGTH)
    expect(all).toMatch(/- ⚠️ …and \d+ more \(plan truncated; see the full plan\)/)
    expect(all).toContain('| **Total** |')
  })

  it('drops whole clusters from the end and counts them', () => {
    const plan = bigPlan(400, 4)
    const md = renderMarkdownPlan(plan, { maxLength: 20_000 })
    expect(md).toContain('### <code>cluster-0000</code>')
    expect(md).not.toContain('### <code>cluster-0003</code>')
    const m = /left out for (\d+) of 4 clusters/.exec(md)
    expect(Number(m?.[1])).toBeGreaterThanOrEqual(2)
  })

  it('adds no note when the plan fits', () => {
    const md = renderPlan(fullPlan, 'markdown')
    expect(md).not.toContain(NOTE)
    expect(md).toContain('### <code>staging-eu</code>')
  })

  it('collapses large cluster sections and leaves small ones open', () => {
    expect(renderPlan(bigPlan(11), 'markdown')).toContain('<details>\n<summary>11 changes</summary>')
    expect(renderPlan(bigPlan(10), 'markdown')).toContain('<details open>\n<summary>10 changes</summary>')
  })

  it('never cuts a surrogate pair in the last resort', () => {
    const plan = { ...fullPlan, planHash: '😀'.repeat(40) }
    for (let maxLength = 0; maxLength < 120; maxLength++) {
      const md = renderMarkdownPlan(plan, { maxLength })
      expect(md.length).toBeLessThanOrEqual(maxLength)
      expect(md).not.toMatch(/[\ud800-\udbff]$/)
    }
  })
})
