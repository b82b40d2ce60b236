// What every benchmark shares: the `BENCH_RESULT {json}` line scripts/bench.mjs reads, the goal
// status, sample statistics, the load average, and the guard that runs a benchmark only when its
// file is the process's entry point (so importing a benchmark never runs it).
import { realpathSync } from 'node:fs'
import { loadavg } from 'node:os'
import { fileURLToPath } from 'node:url'

export interface Row {
  readonly metric: string
  readonly value: string
}

export interface Goal {
  readonly goal: string
  readonly status: 'PASS' | 'MISS'
  readonly detail: string
}

/** The last stdout line of a benchmark, read by scripts/bench.mjs for its closing table. */
export interface BenchResult {
  readonly name: string
  readonly rows: readonly Row[]
  readonly goals: readonly Goal[]
}

export const RESULT_PREFIX = 'BENCH_RESULT '

export function printResult(result: BenchResult): void {
  console.log(`${RESULT_PREFIX}${JSON.stringify(result)}`)
}

export const status = (pass: boolean): Goal['status'] => (pass ? 'PASS' : 'MISS')

/** The 1, 5 and 15 minute load averages: on a shared machine they explain most run-to-run spread. */
export function loadAverage(): string {
  return loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')
}

/** The sample at quantile `q` of ascending `sorted` (nearest rank); undefined when empty. */
export function quantile(sorted: readonly number[], q: number): number | undefined {
  if (sorted.length === 0) return undefined
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]
}

export interface Stats {
  readonly min: number
  readonly median: number
  readonly p90: number
  readonly max: number
}

export function stats(samples: readonly number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b)
  const at = (q: number) => quantile(sorted, q) ?? Number.NaN
  return { min: sorted[0] ?? Number.NaN, median: at(0.5), p90: at(0.9), max: at(1) }
}

export function median(samples: readonly number[]): number {
  return stats(samples).median
}

/** True when `moduleUrl` (a benchmark's `import.meta.url`) is the script Node was started with. */
export function isMain(moduleUrl: string): boolean {
  const entry = process.argv[1]
  if (entry === undefined) return false
  try {
    return realpathSync(entry) === realpathSync(fileURLToPath(moduleUrl))
  } catch {
    return false
  }
}

/**
 * Runs a benchmark's `main` and exits: 0 when it finished (goals are reported, not enforced),
 * 1 when it threw. The explicit exit also ends SDK sockets and timers left open by the run.
 */
export function runMain(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (e: unknown) => {
      console.error(e)
      process.exit(1)
    },
  )
}
