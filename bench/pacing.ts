// Benchmark: pacing at the DEFAULTS (no --max-rate, default concurrency): readLiveState with the
// real SDK against the fake EKS (in a worker thread, so it takes no CPU from the client).
//
//   npm run bench            (builds, then runs this first: its headline is the defaults figure)
//   node build/bench/pacing.js [fleet|two-processes|slow|all]
//
// Scenarios (issue 6):
//   fleet          one process, 2 accounts × 5 clusters × 200 entries, 20 ms latency, 200 req/s per account
//   two-processes  the same fleet, one process per account, started together
//   slow           1 account, 4 clusters × 375 entries, 20 req/s (burst 5)
// Floor = the most requests any account must make ÷ its rate. Calls ratio = requests ÷ requests
// that were answered (each read is made once: test/aws proves it), so throttles are the only waste.
// The last stdout line is `BENCH_RESULT {json}` for scripts/bench.mjs.
import { spawn } from 'node:child_process'
import { performance } from 'node:perf_hooks'
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads'
import { fileURLToPath } from 'node:url'
import { createEksApiFactory, createEksMetrics } from '../src/aws/eks-sdk.js'
import { createLimiterRegistry } from '../src/aws/pacer.js'
import { readLiveState } from '../src/aws/read-state.js'
import type { ClusterTarget } from '../src/aws/port.js'
import { startFakeAws, type FakeStats, type SeedCluster } from '../test/fake-aws/index.js'
import { isMain, loadAverage, printResult, runMain, status } from './lib/report.js'

const ACCOUNTS = ['111122223333', '444455556666'] as const
const REGION = 'eu-west-1'
const VIEW = 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy'
const SELF = fileURLToPath(import.meta.url)

interface Scenario {
  readonly name: string
  readonly accounts: readonly string[]
  readonly clustersPerAccount: number
  readonly entries: number
  readonly rate: number
  readonly burst?: number
  readonly latencyMs: number
  readonly goal: number
  readonly processes: 1 | 'per-account'
}

const SCENARIOS: Record<string, Scenario> = {
  fleet: {
    name: 'defaults, one process, 2 accounts',
    accounts: ACCOUNTS,
    clustersPerAccount: 5,
    entries: 200,
    rate: 200,
    latencyMs: 20,
    goal: 1.15,
    processes: 1,
  },
  'two-processes': {
    name: 'defaults, two processes (one per account) started together',
    accounts: ACCOUNTS,
    clustersPerAccount: 5,
    entries: 200,
    rate: 200,
    latencyMs: 20,
    goal: 1.15,
    processes: 'per-account',
  },
  slow: {
    name: 'defaults, 20 req/s (burst 5), 4 clusters × 375 entries',
    accounts: [ACCOUNTS[0]],
    clustersPerAccount: 4,
    entries: 375,
    rate: 20,
    burst: 5,
    latencyMs: 20,
    goal: 1.1,
    processes: 1,
  },
}
const CALLS_GOAL = 1.01
/** Diagnostic only (not the headline): BENCH_MAX_RATE=195 runs with that ceiling. */
const MAX_RATE = Number(process.env['BENCH_MAX_RATE'] ?? 0)

function seeds(s: Scenario): SeedCluster[] {
  return s.accounts.flatMap((accountId) =>
    Array.from({ length: s.clustersPerAccount }, (_, c) => ({
      name: `c${accountId.slice(0, 3)}-${c}`,
      region: REGION,
      accountId,
      entries: Array.from({ length: s.entries }, (_, i) => ({
        principalArn: `arn:aws:iam::${accountId}:role/r${String(i).padStart(4, '0')}`,
        accessPolicies: [{ policyArn: VIEW, accessScope: { type: 'cluster' as const } }],
      })),
    })),
  )
}

const keysFor = (accountId: string) => ({ accessKeyId: `AKIA${accountId}BNCH`, secretAccessKey: 'bench-not-a-secret' })

/** Reads the clusters of `accounts` at the defaults; returns cluster errors. */
async function readAccounts(url: string, s: Scenario, accounts: readonly string[]): Promise<{ errors: string[]; retries: number }> {
  const metrics = createEksMetrics()
  const factory = createEksApiFactory({
    endpoint: url,
    credentialsFor: (t) => keysFor(t.accountId),
    limiters: createLimiterRegistry(MAX_RATE ? { maxRate: MAX_RATE } : {}),
    metrics,
  })
  const targets: ClusterTarget[] = seeds(s)
    .filter((c) => accounts.includes(c.accountId ?? ''))
    .map((c) => ({ key: c.name, name: c.name, region: c.region, accountId: c.accountId ?? '' }))
  const state = await readLiveState(targets, factory)
  const errors = [...state.clusters.values()].flatMap((r) => (r.ok ? [] : [r.error.message]))
  return { errors, retries: metrics.retries }
}

// ── the fake, in a worker thread ──
interface FakeHandle {
  url: string
  stats(): Promise<FakeStats>
  close(): Promise<void>
}

async function startFakeWorker(s: Scenario): Promise<FakeHandle> {
  const worker = new Worker(SELF, { workerData: { fake: s } })
  const pending: ((v: unknown) => void)[] = []
  worker.on('message', (m: unknown) => pending.shift()?.(m))
  const ask = (msg: string): Promise<unknown> =>
    new Promise((resolve) => {
      pending.push(resolve)
      worker.postMessage(msg)
    })
  const { url } = (await ask('start')) as { url: string }
  return {
    url,
    stats: async () => (await ask('stats')) as FakeStats,
    close: async () => {
      await ask('close')
      await worker.terminate()
    },
  }
}

async function fakeWorkerMain(s: Scenario): Promise<void> {
  const fake = await startFakeAws({
    latencyMs: s.latencyMs,
    ratePerSecondPerAccount: s.rate,
    ...(s.burst === undefined ? {} : { burst: s.burst }),
    clusters: seeds(s),
  })
  parentPort?.on('message', (m: string) => {
    if (m === 'start') parentPort?.postMessage({ url: fake.url })
    if (m === 'stats') parentPort?.postMessage(fake.stats())
    if (m === 'close') void fake.close().then(() => parentPort?.postMessage({}))
  })
}

// ── one scenario ──
interface Figures {
  scenario: string
  wallMs: number
  floorMs: number
  ratio: number
  requests: number
  answered: number
  callsRatio: number
  throttled: number
  errors: number
  load: string
  pass: boolean
}

async function run(key: string): Promise<Figures> {
  const s = SCENARIOS[key]
  if (!s) throw new Error(`unknown scenario ${key}`)
  const fake = await startFakeWorker(s)
  try {
    const t0 = performance.now()
    let errors: string[]
    if (s.processes === 1) errors = (await readAccounts(fake.url, s, s.accounts)).errors
    else errors = (await Promise.all(s.accounts.map((a) => child(fake.url, key, a)))).flat()
    const wallMs = performance.now() - t0
    const stats = await fake.stats()
    // Per cluster: DescribeCluster, ListAccessEntries (100 per page), 2 reads per entry; plus one
    // ListAccessPolicies per process (each process reads the catalogue once).
    const perCluster = 1 + Math.ceil(s.entries / 100) + 2 * s.entries
    const catalogues = s.processes === 1 ? 1 : s.accounts.length
    const answered = perCluster * s.clustersPerAccount * s.accounts.length + catalogues
    const perAccount = perCluster * s.clustersPerAccount + 1
    const floorMs = (perAccount / s.rate) * 1000
    const ratio = wallMs / floorMs
    const callsRatio = stats.requests / answered
    return {
      scenario: s.name,
      wallMs,
      floorMs,
      ratio,
      requests: stats.requests,
      answered,
      callsRatio,
      throttled: stats.throttled,
      errors: errors.length,
      load: loadAverage(),
      pass: ratio <= s.goal && callsRatio <= CALLS_GOAL && errors.length === 0,
    }
  } finally {
    await fake.close()
  }
}

function child(url: string, key: string, account: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [SELF, '--child', url, key, account], { stdio: ['ignore', 'pipe', 'inherit'] })
    let out = ''
    p.stdout.setEncoding('utf8').on('data', (d: string) => (out += d))
    p.on('error', reject)
    p.on('close', () => {
      try {
        resolve((JSON.parse(out.trim().split('\n').pop() ?? '[]') as { errors: string[] }).errors)
      } catch {
        resolve([`child for ${account} gave no result`])
      }
    })
  })
}

function line(f: Figures): string {
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`
  return (
    `${status(f.pass)}  ${f.scenario}: ${s(f.wallMs)} = ${f.ratio.toFixed(2)}× floor ${s(f.floorMs)}; ` +
    `calls ${f.requests} = ${f.callsRatio.toFixed(3)}× minimum ${f.answered} (${f.throttled} throttled); errors ${f.errors}; load ${f.load}`
  )
}

async function main(): Promise<void> {
  const args = process.argv.slice(2)
  if (args[0] === '--child') {
    const [, url, key, account] = args
    const s = SCENARIOS[key ?? '']
    if (!url || !s || !account) throw new Error('usage: --child URL SCENARIO ACCOUNT')
    const r = await readAccounts(url, s, [account])
    console.log(JSON.stringify(r))
    return
  }
  const which = args[0] ?? process.env['BENCH_PACING'] ?? 'all'
  const keys = which === 'all' ? Object.keys(SCENARIOS) : which.split(',')
  console.log(
    `pacing at the defaults (no --max-rate); goals ≤ ${SCENARIOS['fleet']?.goal}× floor (fleet), ≤ ${SCENARIOS['slow']?.goal}× (slow), ≤ ${CALLS_GOAL}× minimum calls`,
  )
  const results: Figures[] = []
  for (const key of keys) {
    const f = await run(key)
    console.log(line(f))
    results.push(f)
  }
  printResult({
    name: 'pacing',
    goals: results.map((f) => ({ goal: f.scenario, status: status(f.pass), detail: line(f) })),
    rows: results.map((f) => ({
      metric: f.scenario,
      value: `${(f.wallMs / 1000).toFixed(1)} s = ${f.ratio.toFixed(2)}× floor, ${f.callsRatio.toFixed(3)}× min calls, ${f.throttled} throttled, load ${f.load}`,
    })),
  })
}

if (isMain(import.meta.url)) {
  if (isMainThread) runMain(main)
  else await fakeWorkerMain((workerData as { fake: Scenario }).fake)
}
