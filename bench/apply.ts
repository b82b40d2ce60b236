// Benchmark: `apply` (re-plan → applyPlan) with the real SDK against the fake EKS, 2 accounts × 5
// clusters, 200 new entries per cluster (half with one policy, a quarter with two, a quarter with
// none), 20 ms latency and 200 requests/s per account shared by reads and writes (issue 9).
//
//   node build/bench/apply.js       (after `npm run build`; `npm run bench` does both)
//   BENCH_APPLY_FAKE=inline         the fake on the main thread instead of a worker
//   BENCH_APPLY_TRACE=1             per account: sends, throttles and the pacer's rate per 500 ms,
//                                   and when each cluster's writes started and ended
//   BENCH_APPLY_RUNS=3              runs the headline N times (fresh fake each) and reports the median
//
// The headline is the run at the DEFAULTS: applyCommand with the production composition
// (createEksApiFactory with one createLimiterRegistry() per run, as src/aws/edge.ts does) and the
// engine's default concurrency. Floor = (reads + writes per account − burst) ÷ rate. After the
// apply, a fresh plan must show 0 changes. The last stdout line is `BENCH_RESULT {json}`.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads'
import { applyCommand } from '../src/commands/apply.js'
import type { CommandDeps } from '../src/commands/deps.js'
import { planAccess } from '../src/commands/plan-access.js'
import type { ApplyRequest } from '../src/config/requests.js'
import { createEksApiFactory } from '../src/aws/eks-sdk.js'
import { createLimiterRegistry, type LimiterRegistry, type Pacer } from '../src/aws/pacer.js'
import type { EksApiFactory } from '../src/aws/port.js'
import { validateManifests } from '../src/manifest/validate.js'
import { startFakeAws, type FakeAwsOptions, type FakeCall, type FakeStats, type SeedCluster } from '../test/fake-aws/index.js'

const SELF = fileURLToPath(import.meta.url)
const LATENCY_MS = 20
const RATE = 200
const BURST = 20 // the fake's default: a tenth of a second's worth
const ACCOUNTS = ['111122223333', '444455556666'] as const
const REGION = 'eu-west-1'
const CLUSTERS_PER_ACCOUNT = 5
const ENTRIES = 200
const NOW = new Date('2026-11-15T12:00:00Z')
const ADMIN = 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy'
const WALL_GOAL = 1.2
const CALLS_GOAL = 1.01
const TRACE = process.env['BENCH_APPLY_TRACE'] === '1'
const RUNS = Math.max(1, Number(process.env['BENCH_APPLY_RUNS'] ?? 1) || 1)
const MUTATING = new Set([
  'CreateAccessEntry',
  'UpdateAccessEntry',
  'DeleteAccessEntry',
  'AssociateAccessPolicy',
  'DisassociateAccessPolicy',
  'TagResource',
  'UpdateClusterConfig',
])

interface Workload {
  readonly yaml: string
  readonly seeds: SeedCluster[]
  readonly minMutating: number
  readonly readsPerAccount: number
  readonly writesPerAccount: number
}

function workload(): Workload {
  const clusters: { key: string; account: string }[] = []
  for (const [a, account] of ACCOUNTS.entries())
    for (let c = 0; c < CLUSTERS_PER_ACCOUNT; c++) clusters.push({ key: `acct${a + 1}-prod-${c}`, account })
  const lines = ['version: 1', 'clusters:']
  for (const c of clusters) lines.push(`  ${c.key}:`, `    region: ${REGION}`, `    accountId: "${c.account}"`)
  lines.push('accessEntries:')
  let writes = 0
  for (const c of clusters) {
    for (let i = 0; i < ENTRIES; i++) {
      // i % 4: 0,1 → one policy (half); 2 → two (a quarter); 3 → none (a quarter)
      const kind = i % 4
      lines.push(
        `  - principalArn: arn:aws:iam::${c.account}:role/apps/${c.key}/svc-${String(i).padStart(3, '0')}`,
        `    clusters: [${c.key}]`,
      )
      if (kind === 3) lines.push('    kubernetesGroups: [readers]')
      else {
        lines.push(
          '    accessPolicies:',
          '      - policyArn: AmazonEKSEditPolicy',
          `        accessScope: { type: namespace, namespaces: [ns-${i}] }`,
        )
        if (kind === 2) lines.push('      - policyArn: AmazonEKSViewPolicy', '        accessScope: { type: cluster }')
      }
      writes += 1 + (kind === 3 ? 0 : kind === 2 ? 2 : 1)
    }
  }
  // Each cluster has EKS's own creator entry (unowned admin), so no cluster is ever without an admin.
  const seeds: SeedCluster[] = clusters.map((c) => ({
    name: c.key,
    region: REGION,
    accountId: c.account,
    authenticationMode: 'API',
    entries: [
      {
        principalArn: `arn:aws:iam::${c.account}:role/cluster-creator`,
        accessPolicies: [{ policyArn: ADMIN, accessScope: { type: 'cluster' } }],
      },
    ],
  }))
  // Reads per cluster: DescribeCluster, ListAccessEntries, DescribeAccessEntry and
  // ListAssociatedAccessPolicies of the creator; ListAccessPolicies once (first account).
  const readsPerAccount = CLUSTERS_PER_ACCOUNT * 4
  const writesPerAccount = (writes / clusters.length) * CLUSTERS_PER_ACCOUNT
  return { yaml: `${lines.join('\n')}\n`, seeds, minMutating: writes, readsPerAccount, writesPerAccount }
}

// ── the fake, in a worker thread (a real endpoint takes no CPU from the client) ──
interface FakeHandle {
  readonly url: string
  report(): Promise<{ calls: FakeCall[]; stats: FakeStats }>
  close(): Promise<void>
}

async function startFake(options: FakeAwsOptions): Promise<FakeHandle> {
  if (process.env['BENCH_APPLY_FAKE'] === 'inline') {
    const fake = await startFakeAws(options)
    return { url: fake.url, report: async () => ({ calls: [...fake.calls], stats: fake.stats() }), close: () => fake.close() }
  }
  const worker = new Worker(SELF, { workerData: { options } })
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
    report: async () => (await ask('report')) as { calls: FakeCall[]; stats: FakeStats },
    close: async () => {
      await ask('close')
      await worker.terminate()
    },
  }
}

async function serveFakeInWorker(options: FakeAwsOptions): Promise<void> {
  const fake = await startFakeAws(options)
  parentPort?.on('message', (m: string) => {
    if (m === 'start') parentPort?.postMessage({ url: fake.url })
    if (m === 'report') parentPort?.postMessage({ calls: fake.calls, stats: fake.stats() })
    if (m === 'close') void fake.close().then(() => parentPort?.postMessage({ closed: true }))
  })
}

// ── tracing (BENCH_APPLY_TRACE=1): what the pacers did, per account ──
type Event = { t: number; account: string; kind: 'send' | 'throttle' | 'accept'; rate: number }
interface ClusterSpan {
  first: number
  last: number
  writes: number
}

function tracingRegistry(inner: LimiterRegistry, events: Event[]): LimiterRegistry {
  const wrapped = new Map<string, Pacer>()
  return {
    limiterFor(accountId, region) {
      const key = `${accountId}|${region}`
      const known = wrapped.get(key)
      if (known) return known
      const p = inner.limiterFor(accountId, region)
      const log = (kind: Event['kind']): void => void events.push({ t: performance.now(), account: accountId, kind, rate: p.rate })
      const pacer: Pacer = {
        async acquire() {
          const ticket = await p.acquire()
          log('send')
          return ticket
        },
        onAccepted() {
          p.onAccepted()
          log('accept')
        },
        onThrottled(ticket) {
          p.onThrottled(ticket)
          log('throttle')
        },
        get rate() {
          return p.rate
        },
      }
      wrapped.set(key, pacer)
      return pacer
    },
  }
}

/** Wraps each port's write methods to note when each cluster's writes ran. */
function tracingFactory(inner: EksApiFactory, spans: Map<string, ClusterSpan>): EksApiFactory {
  const writes = ['createAccessEntry', 'associateAccessPolicy', 'updateAccessEntry', 'tagResource', 'deleteAccessEntry']
  return (target, context) => {
    const api = inner(target, context)
    const out = Object.create(api) as typeof api & Record<string, unknown>
    for (const name of writes) {
      const fn = (api as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[name]
      if (fn === undefined) continue
      out[name] = async (...args: unknown[]) => {
        const t = performance.now()
        const s = spans.get(target.key) ?? { first: t, last: t, writes: 0 }
        spans.set(target.key, s)
        try {
          return await fn.apply(api, args)
        } finally {
          s.last = performance.now()
          s.writes++
        }
      }
    }
    return out
  }
}

function printTrace(events: Event[], spans: Map<string, ClusterSpan>, t0: number): void {
  const BIN = 500
  for (const account of ACCOUNTS) {
    const mine = events.filter((e) => e.account === account)
    const bins = new Map<number, { send: number; throttle: number; rate: number }>()
    for (const e of mine) {
      const b = Math.floor((e.t - t0) / BIN)
      const bin = bins.get(b) ?? { send: 0, throttle: 0, rate: 0 }
      if (e.kind === 'send') bin.send++
      if (e.kind === 'throttle') bin.throttle++
      bin.rate = e.rate
      bins.set(b, bin)
    }
    const cells = [...bins.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(
        ([b, v]) =>
          `${((b * BIN) / 1000).toFixed(1)}s:${v.send * (1000 / BIN)}/s${v.throttle ? ` T${v.throttle}` : ''} r${v.rate.toFixed(0)}`,
      )
    console.log(`  trace ${account}: ${cells.join(' | ')}`)
  }
  for (const [key, s] of [...spans.entries()].sort()) {
    console.log(`  cluster ${key}: writes ${((s.first - t0) / 1000).toFixed(2)} → ${((s.last - t0) / 1000).toFixed(2)} s (${s.writes})`)
  }
}

const keysFor = (accountId: string) => ({ accessKeyId: `AKIA${accountId}BNCH`, secretAccessKey: 'bench-not-a-secret' })

interface Figures {
  wallMs: number
  floorMs: number
  ratio: number
  mutatingSent: number
  mutatingOk: number
  callsRatio: number
  throttled: number
  throttledWrites: number
  requests: number
  changesAfter: number
  status: string
  summary: string
  load: string
}

async function runOnce(w: Workload): Promise<Figures> {
  const dir = mkdtempSync(join(tmpdir(), 'eag-bench-apply-'))
  writeFileSync(join(dir, 'eks-access.yaml'), w.yaml)
  const fake = await startFake({ latencyMs: LATENCY_MS, ratePerSecondPerAccount: RATE, burst: BURST, clusters: w.seeds })
  try {
    const events: Event[] = []
    const spans = new Map<string, ClusterSpan>()
    // The production composition (src/aws/edge.ts): one registry (one pacer per account and
    // region) for the run, one SDK client per (region, account, role).
    const limiters = TRACE ? tracingRegistry(createLimiterRegistry(), events) : createLimiterRegistry()
    const factory = createEksApiFactory({ endpoint: fake.url, credentialsFor: (t) => keysFor(t.accountId), limiters })
    const deps: CommandDeps = {
      cwd: dir,
      env: {},
      now: () => NOW,
      logger: { info() {}, warning() {}, error() {}, debug() {} },
      isFile: () => false,
      validate: validateManifests,
      eks: () => (TRACE ? tracingFactory(factory, spans) : factory),
      eksForCluster: () => {
        throw new Error('unused')
      },
    }
    const request: ApplyRequest = {
      command: 'apply',
      manifest: 'eks-access.yaml',
      rules: { path: '.github/eks-access-rules.yaml', explicit: false },
      expiryWarningDays: 7,
      yes: true,
      findReviewedPlan: false,
      color: false,
      assumeRoles: false,
      clusterTimeoutSeconds: 300,
      commitSha: 'b'.repeat(40),
    }
    const t0 = performance.now()
    const outcome = await applyCommand(request, deps)
    const wallMs = performance.now() - t0
    if (TRACE) printTrace(events, spans, t0)
    const { calls, stats } = await fake.report()
    const eks = calls.filter((c) => c.service === 'eks')
    const mutatingOk = eks.filter((c) => MUTATING.has(c.operation) && c.status === 200).length
    const mutatingSent = eks.filter((c) => MUTATING.has(c.operation)).length
    const throttledWrites = eks.filter((c) => MUTATING.has(c.operation) && c.status === 429).length
    const floorMs = ((w.readsPerAccount + w.writesPerAccount - BURST) / RATE) * 1000

    const after = await planAccess(
      { manifest: 'eks-access.yaml', cwd: dir, now: NOW, expiryWarningDays: 7 },
      { apiFor: createEksApiFactory({ endpoint: fake.url, credentialsFor: (t) => keysFor(t.accountId) }) },
    )
    const s = after.kind === 'planned' ? after.plan.summary : undefined
    const changesAfter = s ? s.create + s.update + s.replace + s.delete + s.associate + s.disassociate : Number.NaN
    return {
      wallMs,
      floorMs,
      ratio: wallMs / floorMs,
      mutatingSent,
      mutatingOk,
      callsRatio: mutatingSent / w.minMutating,
      throttled: stats.throttled,
      throttledWrites,
      requests: stats.requests,
      changesAfter: after.kind === 'planned' ? changesAfter : Number.NaN,
      status: outcome.status,
      summary: outcome.stdout?.split('\n')[0] ?? '',
      load: loadavg()
        .map((l) => l.toFixed(2))
        .join(' '),
    }
  } finally {
    await fake.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

async function main(): Promise<void> {
  const w = workload()
  const runs: Figures[] = []
  for (let i = 0; i < RUNS; i++) {
    const f = await runOnce(w)
    runs.push(f)
    if (RUNS > 1)
      console.log(
        `  run ${i + 1}: ${f.ratio.toFixed(2)}× floor, ${f.mutatingSent} mutating calls, ${f.throttled} throttled, ${f.changesAfter} changes after (load ${f.load})`,
      )
  }
  // The median run by wall/floor is the headline.
  const f = [...runs].sort((a, b) => a.ratio - b.ratio)[Math.floor(runs.length / 2)] as Figures
  console.log(`apply at the defaults${RUNS > 1 ? ` (median of ${RUNS} runs)` : ''}: ${f.status}, exit ${f.status === 'ok' ? 0 : 1}`)
  console.log(`  ${f.summary}`)
  console.log(
    `  wall ${(f.wallMs / 1000).toFixed(2)} s  floor ${(f.floorMs / 1000).toFixed(2)} s  wall/floor ${f.ratio.toFixed(2)}×  (load average ${f.load})`,
  )
  console.log(
    `  per account: ${w.readsPerAccount} reads + ${w.writesPerAccount} writes − burst ${BURST} at ${RATE}/s; requests ${f.requests}, throttled ${f.throttled} (${f.throttledWrites} of them writes)`,
  )
  console.log(
    `  mutating calls: ${f.mutatingSent} sent (${f.mutatingOk} succeeded, ${f.mutatingSent - f.mutatingOk} answered 429/5xx and retried), minimum ${w.minMutating} → ${f.callsRatio.toFixed(3)}× sent, ${(f.mutatingOk / w.minMutating).toFixed(3)}× succeeded`,
  )
  console.log(`  plan after apply: ${f.changesAfter} changes`)
  const goals = [
    {
      goal: `wall ≤ ${WALL_GOAL}× floor at the defaults`,
      status: f.ratio <= WALL_GOAL ? 'PASS' : 'MISS',
      detail: `${f.ratio.toFixed(2)}× (${(f.wallMs / 1000).toFixed(2)} s vs ${(f.floorMs / 1000).toFixed(2)} s), load ${f.load}`,
    },
    {
      goal: `mutating calls ≤ ${CALLS_GOAL}× minimum`,
      status: f.callsRatio <= CALLS_GOAL ? 'PASS' : 'MISS',
      detail: `${f.mutatingSent} / ${w.minMutating} (${f.callsRatio.toFixed(3)}×)`,
    },
    {
      goal: 'a plan after apply shows 0 changes',
      status: f.changesAfter === 0 && f.status === 'ok' ? 'PASS' : 'MISS',
      detail: `${f.changesAfter} changes, apply ${f.status}`,
    },
  ]
  const rows = [
    { metric: 'wall (defaults)', value: `${(f.wallMs / 1000).toFixed(2)} s` },
    { metric: 'floor', value: `${(f.floorMs / 1000).toFixed(2)} s` },
    { metric: 'wall/floor', value: `${f.ratio.toFixed(2)}×` },
    { metric: 'mutating calls', value: `${f.mutatingSent} (min ${w.minMutating})` },
    { metric: 'throttled', value: String(f.throttled) },
    { metric: 'plan after', value: `${f.changesAfter} changes` },
  ]
  console.log(`BENCH_RESULT ${JSON.stringify({ rows, goals })}`)
}

if (isMainThread) await main()
else await serveFakeInWorker((workerData as { options: FakeAwsOptions }).options)
