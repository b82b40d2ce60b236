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

/** Benchmark names in run order: the known ones first, then the rest by name. */
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

/** The script to run, or why there is none (a TypeScript benchmark that was not built). */
function scriptOf(name) {
  if (existsSync(join(BENCH_DIR, `${name}.ts`))) {
    const built = join(BUILT_BENCH_DIR, `${name}.js`)
    return existsSync(built) ? { script: built } : { error: `build/bench/${name}.js is missing: run \`npm run build\` first` }
  }
  return { script: join(BENCH_DIR, `${name}.mjs`) }
}

/** Runs one benchmark; resolves with its parsed result (or the reason it has none). */
function runBenchmark(name) {
  return new Promise((resolve) => {
    const started = performance.now()
    const { script, error } = scriptOf(name)
    if (!script) return resolve({ name, error, seconds: 0 })
    const child = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'inherit'] })
    let result
    let buffered = ''
    const onLine = (line) => {
      if (line.startsWith(RESULT_PREFIX)) {
        try {
          result = JSON.parse(line.slice(RESULT_PREFIX.length))
        } catch (e) {
          process.stdout.write(`bench: unreadable result line from ${name}: ${e.message}\n`)
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

function printTable(results) {
  const rows = results.flatMap((r) =>
    r.error ? [[r.name, 'CRASHED', r.error]] : r.rows.map((row, i) => [i === 0 ? r.name : '', row.metric, row.value]),
  )
  const widths = [0, 1].map((c) => Math.max(...rows.map((row) => row[c].length), c === 0 ? 9 : 6))
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
  const results = []
  for (const name of names) {
    console.log(`\n━━ ${name} ━━`)
    results.push(await runBenchmark(name))
  }
  printTable(results)
  return results.some((r) => r.error) ? 1 : 0
}

process.exitCode = await main()
