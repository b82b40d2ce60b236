import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { renderPlan, type PlanFormat, type RenderOptions } from '../../../src/plan/render/index.js'
import type { Plan } from '../../../src/types.js'
import { SAMPLES, fullPlan } from './samples.js'

/**
 * Golden files: `UPDATE_GOLDEN=1 npx vitest run test/plan/render` rewrites them; otherwise the
 * output must match byte for byte. Review the diff of test/fixtures/plans when they change.
 */
const GOLDEN_DIR = join(import.meta.dirname, '../../fixtures/plans')
const UPDATE = process.env.UPDATE_GOLDEN === '1'

const EXTENSIONS: Record<PlanFormat, string> = { text: 'txt', markdown: 'md', json: 'json' }

interface GoldenCase {
  readonly file: string
  readonly plan: Plan
  readonly format: PlanFormat
  readonly opts: RenderOptions
}

const cases: GoldenCase[] = [
  ...Object.entries(SAMPLES).flatMap(([name, plan]) =>
    (['text', 'markdown', 'json'] as const).map((format) => ({
      file: `${name}.${EXTENSIONS[format]}`,
      plan,
      format,
      opts: {},
    })),
  ),
  { file: 'full.color.txt', plan: fullPlan, format: 'text', opts: { color: true } },
  // The full plan cut to a limit that keeps only part of the per-cluster detail.
  { file: 'full.truncated.md', plan: fullPlan, format: 'markdown', opts: { maxLength: 4000 } },
]

function compareGolden(file: string, actual: string): void {
  const path = join(GOLDEN_DIR, file)
  if (UPDATE) {
    mkdirSync(GOLDEN_DIR, { recursive: true })
    writeFileSync(path, actual)
    return
  }
  expect(existsSync(path), `${path} missing: run with UPDATE_GOLDEN=1`).toBe(true)
  expect(actual).toBe(readFileSync(path, 'utf8'))
}

describe('golden plan renders', () => {
  it.each(cases)('$file', ({ file, plan, format, opts }) => {
    compareGolden(file, renderPlan(plan, format, opts))
  })
})
