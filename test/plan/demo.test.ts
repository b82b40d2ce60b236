import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { planAccess } from '../../src/commands/plan.js'
import { renderPlan, type PlanFormat } from '../../src/plan/render/index.js'

/**
 * The whole offline pipeline on the shipped example (the README's `npm run demo`): manifest →
 * validate → snapshot → diff → render, compared byte for byte with golden files.
 * `UPDATE_GOLDEN=1 npx vitest run test/plan/demo.test.ts` rewrites them.
 */
const root = resolve(import.meta.dirname, '..', '..')
const golden = join(root, 'test', 'fixtures', 'plans')
const NOW = new Date('2026-11-28T12:00:00Z')

async function demoPlan() {
  const outcome = await planAccess(
    {
      manifest: 'examples/eks-access.yaml',
      state: 'examples/state.json',
      cwd: root,
      now: NOW,
      expiryWarningDays: 7,
      manifestCommit: '0123456789abcdef0123456789abcdef01234567',
    },
    {},
  )
  if (outcome.kind !== 'planned') throw new Error(`demo did not plan: ${JSON.stringify(outcome)}`)
  return outcome.plan
}

describe('demo plan (examples/eks-access.yaml against examples/state.json)', () => {
  it.each([
    ['text', 'demo.txt'],
    ['markdown', 'demo.md'],
    ['json', 'demo.json'],
  ] as [PlanFormat, string][])('%s matches %s', async (format, file) => {
    const actual = renderPlan(await demoPlan(), format)
    const path = join(golden, file)
    if (process.env['UPDATE_GOLDEN'] === '1') writeFileSync(path, actual)
    expect(existsSync(path), `${path} missing: run with UPDATE_GOLDEN=1`).toBe(true)
    expect(actual).toBe(readFileSync(path, 'utf8'))
  })

  it('counts per PRODUCT.md and plans every cluster', async () => {
    const plan = await demoPlan()
    expect(plan.summary).toEqual({ create: 1, update: 0, replace: 0, delete: 1, associate: 3, disassociate: 0, unchanged: 2 })
    expect(plan.clusters.map((c) => [c.cluster, c.errors])).toEqual([
      ['prod-eu', []],
      ['staging-eu', []],
    ])
  })

  it('is deterministic: planning twice gives the same bytes and hash', async () => {
    const [a, b] = [await demoPlan(), await demoPlan()]
    expect(renderPlan(a, 'json')).toBe(renderPlan(b, 'json'))
    expect(a.planHash).toMatch(/^[0-9a-f]{64}$/)
  })
})
