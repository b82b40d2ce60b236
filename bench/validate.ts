// Benchmark: `validateManifests` end to end on the generated 5,000-entry manifest split across
// 50 files (issue 2; bench/lib/fleet.ts), plus the pure core `validateSources` and a per-stage
// breakdown.
//
//   node build/bench/validate.js          (after `npm run build`; `npm run bench` does both)
//   BENCH_VALIDATE_RUNS=20 node build/bench/validate.js
//
// The last stdout line is `BENCH_RESULT {json}` for scripts/bench.mjs.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { FLEET_ENTRIES, FLEET_FILES, FLEET_NOW, generateManifestFiles, type ManifestText } from './lib/fleet.js'
import { isMain, printResult, runMain, stats, status, type Goal, type Row, type Stats } from './lib/report.js'

const RUNS = Number(process.env['BENCH_VALIDATE_RUNS'] ?? 10)
const NOW = FLEET_NOW
// "Well under a second": warm median at most half a second, the cold first call under one.
const GOAL_MEDIAN_MS = 500
const GOAL_COLD_MS = 1000

async function timeRuns(n: number, fn: () => unknown): Promise<Stats> {
  const samples: number[] = []
  for (let i = 0; i < n; i++) {
    const t = performance.now()
    await fn()
    samples.push(performance.now() - t)
  }
  return stats(samples)
}

const ms = (v: number): string => `${v.toFixed(0)} ms`

/**
 * Per stage: decode → parse → schema per file (`checkManifestFile`: the fast path, or the exact
 * `yaml` parser for files it refuses), the model, then each EKS rule. The end-to-end figures
 * above do not depend on it.
 */
async function stageBreakdown(
  files: readonly ManifestText[],
  runs: number,
): Promise<{ stages: { stage: string; median: number }[]; via: Record<string, number> }> {
  const { checkManifestFile } = await import('../src/manifest/check.js')
  const { buildManifest } = await import('../src/manifest/model.js')
  const { EKS_RULES } = await import('../src/rules/eks/index.js')
  const { builtInCatalogue } = await import('../src/policies.js')
  const ctx = { now: NOW, expiryWarningDays: 7, catalogue: builtInCatalogue() }
  const totals = new Map<string, number[]>()
  const add = (k: string, v: number) => totals.set(k, [...(totals.get(k) ?? []), v])
  const via: Record<string, number> = {}
  for (let r = 0; r < runs; r++) {
    let t = performance.now()
    const checked = files.map((f) => checkManifestFile(f.file, f.text))
    add(`parse + schema, ${files.length} files`, performance.now() - t)
    if (r === 0) for (const c of checked) via[c.via ?? 'none'] = (via[c.via ?? 'none'] ?? 0) + 1
    t = performance.now()
    const { manifest } = buildManifest(
      checked.flatMap((c) => (c.loaded ? [c.loaded] : [])),
      files.map((f) => f.file),
    )
    add('build model', performance.now() - t)
    for (const rule of EKS_RULES) {
      t = performance.now()
      rule(manifest, ctx)
      add(`rule ${rule.name}`, performance.now() - t)
    }
  }
  const stages = [...totals].map(([stage, samples]) => ({ stage, median: stats(samples).median }))
  return { stages, via }
}

async function main(): Promise<void> {
  const files = generateManifestFiles(FLEET_FILES, FLEET_ENTRIES)
  const dir = mkdtempSync(join(tmpdir(), 'eag-bench-validate-'))
  mkdirSync(join(dir, 'access'))
  let bytes = 0
  for (const f of files) {
    writeFileSync(join(dir, f.file), f.text)
    bytes += Buffer.byteLength(f.text)
  }
  try {
    // Imported here, not at the top, so the import is timed apart from the cold first call.
    let t = performance.now()
    const { validateManifests, validateSources } = await import('../src/manifest/validate.js')
    const importMs = performance.now() - t
    const opts = { manifest: 'access/*.yaml', cwd: dir, now: NOW, expiryWarningDays: 7 }

    t = performance.now()
    const first = await validateManifests(opts)
    const coldMs = performance.now() - t
    if (first.kind !== 'checked') throw new Error(`validateManifests: ${first.message}`)
    const entries = first.manifest.accessEntries.length
    const errors = first.problems.filter((p) => p.severity === 'error')
    const warnings = first.problems.length - errors.length
    console.log(
      `validate: ${files.length} files, ${(bytes / 1024).toFixed(0)} KiB, ${first.manifest.clusters.length} clusters, ${entries} entries; ` +
        `${errors.length} errors, ${warnings} warnings (expected 0 errors)`,
    )
    for (const p of first.problems.slice(0, 5)) console.log(`  ${p.file}:${p.line}:${p.column}: ${p.severity} ${p.code}: ${p.message}`)

    const warm = await timeRuns(RUNS, () => validateManifests(opts))
    console.log(`  import of build/src/manifest/validate.js ${ms(importMs)}; cold first validateManifests ${ms(coldMs)}`)
    console.log(
      `  validateManifests × ${RUNS}: median ${ms(warm.median)}, p90 ${ms(warm.p90)} (min ${ms(warm.min)}, max ${ms(warm.max)}) → ` +
        `${Math.round(entries / (warm.median / 1000)).toLocaleString('en')} entries/s`,
    )

    const texts = files.map((f) => ({ file: f.file, text: readFileSync(join(dir, f.file), 'utf8') }))
    const ctx = { now: NOW, expiryWarningDays: 7 }
    const coreRuns = Math.max(3, Math.ceil(RUNS / 2))
    const core = await timeRuns(coreRuns, () => validateSources(texts, ctx))
    console.log(`  validateSources (pure core, no disk) × ${coreRuns}: median ${ms(core.median)}, p90 ${ms(core.p90)}`)
    // The exact `yaml` path alone (files the fast path refuses take it), for comparison.
    const slow = await timeRuns(2, () => validateSources(texts, { ...ctx, parseMode: 'slow' }))
    console.log(`  validateSources with parseMode 'slow' (exact yaml parser for every file) × 2: median ${ms(slow.median)}`)
    const { stages, via } = await stageBreakdown(files, 3)
    console.log(
      `  stages (median of 3; files by parser: ${
        Object.entries(via)
          .map(([k, n]) => `${k} ${n}`)
          .join(', ') || 'n/a'
      }):`,
    )
    for (const { stage, median } of stages) if (median >= 1) console.log(`    ${stage.padEnd(40)} ${median.toFixed(1)} ms`)

    const pass = errors.length === 0 && warm.median <= GOAL_MEDIAN_MS && coldMs <= GOAL_COLD_MS
    const goal: Goal = {
      goal: `validate 5,000 entries / 50 files well under 1 s (warm median ≤ ${GOAL_MEDIAN_MS} ms, cold ≤ ${GOAL_COLD_MS} ms, 0 errors)`,
      status: status(pass),
      detail: `cold ${ms(coldMs)}, median ${ms(warm.median)}, p90 ${ms(warm.p90)}, ${errors.length} errors`,
    }
    console.log(`${goal.status}  ${goal.goal}: ${goal.detail}`)
    const rows: Row[] = [
      { metric: 'validateManifests cold (first call)', value: ms(coldMs) },
      { metric: `validateManifests median / p90 (${RUNS} runs)`, value: `${ms(warm.median)} / ${ms(warm.p90)}` },
      { metric: 'entries per second (median)', value: Math.round(entries / (warm.median / 1000)).toLocaleString('en') },
      { metric: 'validateSources median / p90', value: `${ms(core.median)} / ${ms(core.p90)}` },
      { metric: "validateSources, parseMode 'slow' (median)", value: ms(slow.median) },
    ]
    printResult({ name: 'validate', rows, goals: [goal] })
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

if (isMain(import.meta.url)) runMain(main)
