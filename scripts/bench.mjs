// `npm run bench` (after `npm run build`): runs each benchmark in bench/ in its own Node process,
// in order (pacing, validate, plan, rules, apply, then any other by name), streams its report, and
// ends with a compact table of every benchmark's figures and PASS/MISS goal lines.
//
//   node scripts/bench.mjs            every benchmark
//   node scripts/bench.mjs plan       only bench/plan.ts (names without extension)
//
// A benchmark is bench/<name>.ts, compiled by `npm run build` to build/bench/<name>.js (shared code
// lives in bench/lib/ and is not a benchmark), or a plain bench/<name>.mjs.
//
// Exit code: non-zero only when a benchmark crashes (non-zero exit or no result line). Goals are
// reported, not enforced: timings on a shared 2-core runner are too noisy to gate a build on.
//
// Plain JavaScript (it needs no build of its own), typed with JSDoc: `@ts-check` has editors check
// it, and it passes `tsc` under `allowJs` (tsconfig.json does not include it today).
// @ts-check
import { spawn } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'

const BENCH_DIR = join(import.meta.dirname, '..', 'bench')
/** TypeScript benchmarks (bench/*.ts), compiled by `npm run build`. */
const BUILT_BENCH_DIR = join(import.meta.dirname, '..', 'build', 'bench')
// pacing first: its headline is the figure at the defaults (issue 6).
const ORDER = ['pacing', 'validate', 'plan', 'rules', 'apply']
const RESULT_PREFIX = 'BENCH_RESULT '

/** @typedef {import('../bench/lib/report.js').BenchResult} BenchResult */
/**
 * One benchmark's run: its result line and how long the process took, or why it has no result.
 * @typedef {(BenchResult & { seconds: number, error?: undefined }) | { name: string, error: string, seconds: number, rows?: undefined, goals?: undefined }} Outcome
 */

/**
 * Benchmark names in run order: the known ones first, then the rest by name.
 * @param {readonly string[]} names
 * @returns {string[]}
 */
export function orderBenchmarks(names) {
  const known = ORDER.filter((n) => names.includes(n))
  const rest = names.filter((n) => !ORDER.includes(n)).sort()
  return [...known, ...rest]
}

/** Names of bench/<name>.ts and bench/<name>.mjs (a built build/bench/<name>.js without its source is stale: not listed). */
function listBenchmarks() {
  const names = readdirSync(BENCH_DIR)
    .filter((f) => (f.endsWith('.ts') && !f.endsWith('.d.ts')) || f.endsWith('.mjs'))
    .map((f) => f.replace(/\.(ts|mjs)$/, ''))
  return orderBenchmarks([...new Set(names)])
}

/**
 * The script to run, or why there is none (a TypeScript benchmark that was not built).
 * @param {string} name
 * @returns {{ script: string, error?: undefined } | { script?: undefined, error: string }}
 */
function scriptOf(name) {
  if (existsSync(join(BENCH_DIR, `${name}.ts`))) {
    const built = join(BUILT_BENCH_DIR, `${name}.js`)
    return existsSync(built) ? { script: built } : { error: `build/bench/${name}.js is missing: run \`npm run build\` first` }
  }
  return { script: join(BENCH_DIR, `${name}.mjs`) }
}

/**
 * Runs one benchmark; resolves with its parsed result (or the reason it has none).
 * @param {string} name
 * @returns {Promise<Outcome>}
 */
function runBenchmark(name) {
  return new Promise((resolve) => {
    const started = performance.now()
    const found = scriptOf(name)
    if (found.error !== undefined) return resolve({ name, error: found.error, seconds: 0 })
    const child = spawn(process.execPath, [found.script], { stdio: ['ignore', 'pipe', 'inherit'] })
    /** @type {BenchResult | undefined} */
    let result
    let buffered = ''
    /** @param {string} line */
    const onLine = (line) => {
      if (line.startsWith(RESULT_PREFIX)) {
        try {
          result = /** @type {BenchResult} */ (JSON.parse(line.slice(RESULT_PREFIX.length)))
        } catch (e) {
          process.stdout.write(`bench: unreadable result line from ${name}: ${e instanceof Error ? e.message : String(e)}\n`)
        }
      } else process.stdout.write(`${line}\n`)
    }
    child.stdout.setEncoding('utf8')
    child.stdout.on('data', (chunk) => {
      buffered += chunk
      const lines = buffered.split('\n')
      buffered = lines.pop() ?? ''
      lines.forEach(onLine)
    })
    child.on('error', (e) => resolve({ name, error: e.message, seconds: 0 }))
    child.on('close', (code, signal) => {
      if (buffered) onLine(buffered)
      const seconds = (performance.now() - started) / 1000
      if (code !== 0) resolve({ name, error: `exited with ${signal ?? code}`, seconds })
      else if (!result) resolve({ name, error: 'printed no BENCH_RESULT line', seconds })
      else resolve({ ...result, name, seconds })
    })
  })
}

/** @param {readonly Outcome[]} results */
function printTable(results) {
  /** @type {[string, string, string][]} */
  const rows = results.flatMap((r) =>
    r.error !== undefined
      ? [/** @type {[string, string, string]} */ ([r.name, 'CRASHED', r.error])]
      : r.rows.map((row, i) => /** @type {[string, string, string]} */ ([i === 0 ? r.name : '', row.metric, row.value])),
  )
  /** @param {0 | 1} c */
  const width = (c) => Math.max(...rows.map((row) => row[c].length), c === 0 ? 9 : 6)
  const widths = /** @type {const} */ ([width(0), width(1)])
  /** @param {readonly [string, string, string]} cells */
  const line = (cells) => `${cells[0].padEnd(widths[0])}  ${cells[1].padEnd(widths[1])}  ${cells[2]}`
  console.log(`\n${line(['benchmark', 'metric', 'value'])}`)
  console.log(line(['-'.repeat(widths[0]), '-'.repeat(widths[1]), '-----']))
  for (const row of rows) console.log(line(row))
  console.log('')
  for (const r of results) for (const g of r.goals ?? []) console.log(`${g.status.padEnd(5)} ${r.name}: ${g.goal} — ${g.detail}`)
  console.log(`\ntook ${results.map((r) => `${r.name} ${r.seconds.toFixed(1)} s`).join(', ')}`)
}

async function main() {
  const wanted = process.argv.slice(2)
  const all = listBenchmarks()
  const unknown = wanted.filter((n) => !all.includes(n))
  if (unknown.length) {
    console.error(`bench: no benchmark named ${unknown.join(', ')}; there are: ${all.join(', ')}`)
    return 2
  }
  const names = wanted.length ? all.filter((n) => wanted.includes(n)) : all
  // Load on the machine explains most run-to-run spread; print it so readers can judge.
  const load = loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')
  console.log(`bench: ${names.join(', ')} on Node ${process.versions.node}, ${cpus().length} CPUs, load average ${load}`)
  /** @type {Outcome[]} */
  const results = []
  for (const name of names) {
    console.log(`\n━━ ${name} ━━`)
    results.push(await runBenchmark(name))
  }
  printTable(results)
  return results.some((r) => r.error !== undefined) ? 1 : 0
}

process.exitCode = await main()
