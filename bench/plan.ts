// Benchmark: `planAccess` (validate → select → readLiveState → buildPlan) with the real SDK
// against the fake EKS, 10 clusters in 2 accounts × 200 access entries, 20 ms latency and
// 200 requests/s per account (issue 3). See bench/README.md.
//
//   node build/bench/plan.js              (after `npm run build`; `npm run bench` does both)
//   BENCH_PLAN_SWEEP=2,4,8 node build/bench/plan.js   concurrency values to try
//   BENCH_PLAN_EXTRA=1 node build/bench/plan.js       also the diagnostic variants (two regions, paced limiter)
//   BENCH_PLAN_FAKE=inline node build/bench/plan.js   fake on the main thread, sharing the CPU with the SDK
//
// The fake runs in a worker thread of this process by default: a real EKS endpoint does not
// take its CPU from the client, and with one thread the fake's work adds ~1 ms per request to
// the client's event loop, which shows up as latency well above the configured 20 ms.
//
// The last stdout line is `BENCH_RESULT {json}` for scripts/bench.mjs.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance, type EventLoopUtilization } from 'node:perf_hooks'
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads'
import { planAccess, type PlanOutcome } from '../src/commands/plan-access.js'
import { createEksApiFactory, createEksMetrics, type EksMetrics } from '../src/aws/eks-sdk.js'
import type { ClusterTarget, EksAccessApi, EksApiFactory } from '../src/aws/port.js'
import { readLiveState, type ReadStateOptions } from '../src/aws/read-state.js'
import { validateManifests } from '../src/manifest/validate.js'
import type { PlanError, PlanSummary } from '../src/types.js'
import { startFakeAws, type FakeAwsOptions, type FakeCall, type FakeStats } from '../test/fake-aws/index.js'
import { FLEET_NOW } from './lib/fleet.js'
import { isMain, printResult, quantile, runMain, status, type Goal, type Row } from './lib/report.js'

const LATENCY_MS = 20
const RATE = 200 // requests per second per account (the fake's token bucket)
const ACCOUNTS = ['111122223333', '444455556666'] as const
const REGION = 'eu-west-1'
const CLUSTERS_PER_ACCOUNT = 5
const ENTRIES_PER_CLUSTER = 200
const NOW = FLEET_NOW
const OWNED = { 'managed-by': 'eks-access-gate' }
const POLICY = (name: string): string => `arn:aws:eks::aws:cluster-access-policy/${name}`
/** `--max-rate` for the paced run: just under the fake's 200 requests/s per account. */
const PACED_RATE = 195
const GOAL_RATIO = 1.3
// `undefined` = planAccess's default (read-state.ts). Kept short so `npm run bench` stays near 2 minutes;
// BENCH_PLAN_EXTRA widens it.
const DEFAULT_SWEEP: readonly (number | undefined)[] = [4, 6, undefined]
const EXTRA_SWEEP: readonly (number | undefined)[] = [3, 4, 5, 6, 8, undefined, 16]
/** Operations that only read: any other operation seen in the fake's log is a bug. */
const READS = new Set(['DescribeCluster', 'ListAccessEntries', 'DescribeAccessEntry', 'ListAssociatedAccessPolicies', 'ListAccessPolicies'])
const NODE_TYPES = ['EC2_LINUX', 'EC2_WINDOWS', 'FARGATE_LINUX', 'HYBRID_LINUX']

// ───────────────────────────── workload ─────────────────────────────

interface Scope {
  readonly type: 'cluster' | 'namespace'
  readonly namespaces?: readonly string[]
}

interface ManifestEntry {
  readonly principalArn: string
  readonly type?: string
  readonly clusters: readonly string[]
  readonly tags?: Readonly<Record<string, string>>
  readonly kubernetesGroups?: readonly string[]
  readonly accessPolicies?: readonly { readonly policyArn: string; readonly accessScope: Scope }[]
  /** Made by EKS (node roles): live without our tags. */
  readonly eksMade?: boolean
}

interface WorkloadCluster extends ClusterTarget {
  readonly accountId: string
}

interface Workload {
  readonly clusters: readonly WorkloadCluster[]
  readonly manifestEntries: readonly ManifestEntry[]
}

/** A live entry in seed form; the drift below edits a few in place. */
interface LiveEntry {
  readonly principalArn: string
  readonly type: string
  kubernetesGroups: string[]
  readonly tags: Readonly<Record<string, string>>
  readonly accessPolicies: { readonly policyArn: string; readonly accessScope: { readonly type: string; namespaces: string[] } }[]
}

interface LiveCluster {
  readonly name: string
  readonly region: string
  readonly accountId: string
  readonly authenticationMode: 'API_AND_CONFIG_MAP'
  readonly entries: readonly LiveEntry[]
}

type RegionOf = (account: number, cluster: number) => string

/**
 * The desired state of every cluster, in seed form, plus the manifest entries that produce it.
 * Per cluster: 2 org-wide principals, 150 team principals shared by the account's clusters
 * (selected with a glob), 38 per-cluster service roles, 10 node roles (6 made by EKS, untagged).
 */
function buildWorkload(regionOf: RegionOf = () => REGION): Workload {
  const clusters: WorkloadCluster[] = []
  const manifestEntries: ManifestEntry[] = []
  const admin = `arn:aws:iam::${ACCOUNTS[0]}:role/platform/platform-admins`
  const sre = `arn:aws:iam::${ACCOUNTS[0]}:role/sre/on-call`
  manifestEntries.push(
    {
      principalArn: admin,
      clusters: ['*'],
      tags: { owner: 'platform' },
      accessPolicies: [{ policyArn: 'AmazonEKSClusterAdminPolicy', accessScope: { type: 'cluster' } }],
    },
    {
      principalArn: sre,
      clusters: ['*'],
      tags: { owner: 'sre' },
      kubernetesGroups: ['sre'],
      accessPolicies: [
        { policyArn: 'AmazonEKSViewPolicy', accessScope: { type: 'cluster' } },
        { policyArn: 'AmazonEKSEditPolicy', accessScope: { type: 'namespace', namespaces: ['ops', 'monitoring'] } },
      ],
    },
  )
  ACCOUNTS.forEach((account, a) => {
    const prefix = `acct${a + 1}`
    for (let i = 0; i < 150; i++) {
      const team = `team-${String(i % 15).padStart(2, '0')}`
      manifestEntries.push({
        principalArn: `arn:aws:iam::${account}:role/teams/${team}/dev-${String(i).padStart(3, '0')}`,
        clusters: [`${prefix}-*`],
        tags: { owner: team },
        ...(i % 2 === 0 ? { kubernetesGroups: [`${team}-devs`] } : {}),
        accessPolicies: [
          { policyArn: 'AmazonEKSViewPolicy', accessScope: { type: 'namespace', namespaces: [team, `${team}-*`] } },
          ...(i % 3 === 0 ? [{ policyArn: 'AmazonEKSEditPolicy', accessScope: { type: 'namespace', namespaces: [team] } } as const] : []),
        ],
      })
    }
    for (let c = 0; c < CLUSTERS_PER_ACCOUNT; c++) {
      const key = `${prefix}-prod-${c}`
      clusters.push({ key, name: key, region: regionOf(a, c), accountId: account })
      for (let s = 0; s < 38; s++) {
        manifestEntries.push({
          principalArn: `arn:aws:iam::${account}:role/apps/${key}/svc-${String(s).padStart(2, '0')}`,
          clusters: [key],
          tags: { owner: 'apps', app: `svc-${s}` },
          accessPolicies: [
            {
              policyArn: s % 4 === 0 ? 'AmazonEKSAdminPolicy' : 'AmazonEKSEditPolicy',
              accessScope: { type: 'namespace', namespaces: [`svc-${s}`] },
            },
          ],
        })
      }
      for (let n = 0; n < 10; n++) {
        const type = n === 9 ? 'FARGATE_LINUX' : n === 8 ? 'EC2_WINDOWS' : 'EC2_LINUX'
        manifestEntries.push({
          principalArn: `arn:aws:iam::${account}:role/nodes/${key}-ng-${n}`,
          type,
          clusters: [key],
          ...(n < 6 ? { eksMade: true } : {}),
        })
      }
    }
  })
  return { clusters, manifestEntries }
}

/** Small, realistic drift between manifest and live state: what a typical PR plans. */
const DRIFT = {
  // two new principals in the manifest only → 2 create (+ their associations)
  create: {
    cluster: 'acct1-prod-0',
    principals: ['arn:aws:iam::111122223333:role/apps/acct1-prod-0/new-a', 'arn:aws:iam::111122223333:role/apps/acct1-prod-0/new-b'],
  },
  // an owned live entry the manifest no longer names → 1 delete
  delete: { cluster: 'acct1-prod-1', principal: 'arn:aws:iam::111122223333:role/apps/acct1-prod-1/old-svc' },
  // live groups differ → 1 update
  update: { cluster: 'acct2-prod-2', principal: 'arn:aws:iam::444455556666:role/apps/acct2-prod-2/svc-01' },
  // live scope differs → 1 associate in place
  scope: { cluster: 'acct2-prod-3', principal: 'arn:aws:iam::444455556666:role/apps/acct2-prod-3/svc-02' },
} as const

function selects(selectors: readonly string[], key: string): boolean {
  return selectors.some((s) => (s === '*' ? true : s.endsWith('*') ? key.startsWith(s.slice(0, -1)) : s === key))
}

function fullPolicies(policies: ManifestEntry['accessPolicies'] = []): LiveEntry['accessPolicies'] {
  return policies.map((p) => ({
    policyArn: POLICY(p.policyArn),
    accessScope: { type: p.accessScope.type, namespaces: [...(p.accessScope.namespaces ?? [])] },
  }))
}

/** Live state: each cluster's entries as the manifest wants them, then the drift applied. */
function seedClusters(workload: Workload): LiveCluster[] {
  return workload.clusters.map((c) => {
    const entries: LiveEntry[] = []
    for (const e of workload.manifestEntries) {
      if (!selects(e.clusters, c.key)) continue
      entries.push({
        principalArn: e.principalArn,
        type: e.type ?? 'STANDARD',
        kubernetesGroups: [...(e.kubernetesGroups ?? [])],
        tags: e.eksMade ? {} : { ...e.tags, ...OWNED },
        accessPolicies: fullPolicies(e.accessPolicies),
      })
    }
    const find = (arn: string): LiveEntry => {
      const found = entries.find((e) => e.principalArn === arn)
      if (!found) throw new Error(`bench bug: ${c.key} has no live entry for ${arn}`)
      return found
    }
    if (c.key === DRIFT.delete.cluster) {
      // Keep exactly 200 live entries: the stale one replaces a service role the manifest also drops.
      const dropped = entries.findIndex((e) => e.principalArn.endsWith('/svc-37'))
      entries.splice(dropped, 1, {
        principalArn: DRIFT.delete.principal,
        type: 'STANDARD',
        kubernetesGroups: [],
        tags: { ...OWNED, owner: 'apps' },
        accessPolicies: fullPolicies([{ policyArn: 'AmazonEKSViewPolicy', accessScope: { type: 'cluster' } }]),
      })
    }
    if (c.key === DRIFT.update.cluster) find(DRIFT.update.principal).kubernetesGroups = ['legacy-admins']
    if (c.key === DRIFT.scope.cluster) {
      const policy = find(DRIFT.scope.principal).accessPolicies[0]
      if (!policy) throw new Error(`bench bug: ${DRIFT.scope.principal} has no policy`)
      policy.accessScope.namespaces = ['svc-2', 'legacy']
    }
    if (entries.length !== ENTRIES_PER_CLUSTER) throw new Error(`bench bug: ${c.key} has ${entries.length} live entries`)
    return { name: c.name, region: c.region, accountId: c.accountId, authenticationMode: 'API_AND_CONFIG_MAP', entries }
  })
}

function manifestYaml(workload: Workload): string {
  const q = (v: string): string => JSON.stringify(v)
  const lines = ['version: 1', 'clusters:']
  for (const c of workload.clusters) lines.push(`  ${c.key}:`, `    region: ${c.region}`, `    accountId: ${q(c.accountId)}`)
  lines.push('accessEntries:')
  const entries = workload.manifestEntries.filter((e) => !e.principalArn.endsWith(`${DRIFT.delete.cluster}/svc-37`))
  for (const p of DRIFT.create.principals)
    entries.push({
      principalArn: p,
      clusters: [DRIFT.create.cluster],
      tags: { owner: 'apps' },
      accessPolicies: [{ policyArn: 'AmazonEKSViewPolicy', accessScope: { type: 'namespace', namespaces: ['new'] } }],
    })
  for (const e of entries) {
    lines.push(`  - principalArn: ${e.principalArn}`)
    if (e.type) lines.push(`    type: ${e.type}`)
    lines.push(`    clusters: [${e.clusters.map(q).join(', ')}]`)
    if (e.kubernetesGroups) lines.push(`    kubernetesGroups: [${e.kubernetesGroups.map(q).join(', ')}]`)
    if (e.tags)
      lines.push(
        `    tags: { ${Object.entries(e.tags)
          .map(([k, v]) => `${k}: ${q(v)}`)
          .join(', ')} }`,
      )
    if (e.accessPolicies) {
      lines.push('    accessPolicies:')
      for (const p of e.accessPolicies) {
        const scope =
          p.accessScope.type === 'cluster'
            ? '{ type: cluster }'
            : `{ type: namespace, namespaces: [${(p.accessScope.namespaces ?? []).map(q).join(', ')}] }`
        lines.push(`      - policyArn: ${p.policyArn}`, `        accessScope: ${scope}`)
      }
    }
  }
  return lines.join('\n') + '\n'
}

interface ExpectedReads {
  readonly byAccount: Record<string, number>
  readonly byOperation: Record<string, number>
  readonly total: number
}

/** The minimum reads per account: what a plan that reads nothing twice must make. */
function expectedReads(seeds: readonly LiveCluster[]): ExpectedReads {
  const byAccount: Record<string, number> = {}
  const byOperation: Record<string, number> = {}
  const add = (account: string, op: string, n: number) => {
    byAccount[account] = (byAccount[account] ?? 0) + n
    byOperation[op] = (byOperation[op] ?? 0) + n
  }
  for (const s of seeds) {
    add(s.accountId, 'DescribeCluster', 1)
    add(s.accountId, 'ListAccessEntries', Math.max(1, Math.ceil(s.entries.length / 100)))
    add(s.accountId, 'DescribeAccessEntry', s.entries.length)
    const withPolicies = s.entries.filter((e) => !NODE_TYPES.includes(e.type)).length
    add(s.accountId, 'ListAssociatedAccessPolicies', withPolicies)
  }
  // ListAccessPolicies once per partition (33 policies: one page), in the first cluster's account.
  const first = seeds[0]
  if (first) add(first.accountId, 'ListAccessPolicies', 1)
  return { byAccount, byOperation, total: Object.values(byAccount).reduce((a, b) => a + b, 0) }
}

// ───────────────────────────── one run ─────────────────────────────

/** One call through the port: (operation, cluster, principal) with its timing. */
interface PortCall {
  readonly op: string
  readonly account: string
  readonly region: string
  readonly args: readonly string[]
  readonly start: number
  readonly end: number
}

/** Wraps the port so every call is logged as (operation, cluster, principal) with its timing. */
function recordingFactory(inner: EksApiFactory, log: PortCall[]): EksApiFactory {
  return (target, context) => {
    const api = inner(target, context)
    return new Proxy(api, {
      get(obj, prop) {
        const fn: unknown = Reflect.get(obj, prop)
        if (typeof fn !== 'function') return fn
        return async (...args: unknown[]) => {
          const start = performance.now()
          try {
            return await (fn as (...a: unknown[]) => Promise<unknown>).apply(obj, args)
          } finally {
            log.push({
              op: String(prop),
              account: target.accountId,
              region: target.region,
              args: args.filter((x): x is string => typeof x === 'string'),
              start,
              end: performance.now(),
            })
          }
        }
      },
    }) satisfies EksAccessApi
  }
}

interface FakeReport {
  readonly calls: readonly FakeCall[]
  readonly stats: FakeStats
}

interface FakeHandle {
  readonly url: string
  /** The fake thread's event-loop utilisation since `since`; undefined when it shares this thread. */
  elu(since?: EventLoopUtilization): EventLoopUtilization | undefined
  report(): Promise<FakeReport>
  close(): Promise<void>
}

/** Sent to the worker that serves the fake. */
interface FakeWorkerData {
  readonly benchPlanFake: FakeAwsOptions
}

/** The fake, in a worker thread (default) or on this thread (`BENCH_PLAN_FAKE=inline`). */
async function startFake(options: FakeAwsOptions): Promise<FakeHandle> {
  if (process.env['BENCH_PLAN_FAKE'] === 'inline') {
    const fake = await startFakeAws(options)
    return {
      url: fake.url,
      elu: () => undefined,
      report: async () => ({ calls: [...fake.calls], stats: fake.stats() }),
      close: () => fake.close(),
    }
  }
  const data: FakeWorkerData = { benchPlanFake: options }
  const worker = new Worker(new URL(import.meta.url), { workerData: data })
  const next = <T>(): Promise<T> =>
    new Promise((resolve, reject) => {
      const onError = (e: Error) => reject(e)
      worker.once('error', onError)
      worker.once('message', (m: T) => {
        worker.off('error', onError)
        resolve(m)
      })
    })
  const { url } = await next<{ url: string }>()
  return {
    url,
    elu: (since) => worker.performance.eventLoopUtilization(since),
    report: () => {
      const reply = next<FakeReport>()
      worker.postMessage('report')
      return reply
    },
    close: async () => {
      const reply = next<{ closed: true }>()
      worker.postMessage('close')
      await reply
      await worker.terminate()
    },
  }
}

async function serveFakeInWorker(data: FakeWorkerData): Promise<void> {
  const port = parentPort
  if (!port) throw new Error('bench bug: serveFakeInWorker outside a worker')
  const fake = await startFakeAws(data.benchPlanFake)
  port.on('message', (m: unknown) => {
    if (m === 'report') port.postMessage({ calls: fake.calls, stats: fake.stats() } satisfies FakeReport)
    if (m === 'close') void fake.close().then(() => port.postMessage({ closed: true }))
  })
  port.postMessage({ url: fake.url })
}

function keysFor(accountId: string): { accessKeyId: string; secretAccessKey: string } {
  // The fake reads the account from characters 5–16 of a static key (test/fake-aws/auth.ts).
  return { accessKeyId: `AKIA${accountId}BNCH`, secretAccessKey: 'bench-not-a-secret' }
}

interface RunOptions {
  readonly label: string
  /** deps.concurrency; undefined = planAccess's default. */
  readonly concurrency?: number | undefined
  /** deps.ratePerSecond (`plan --max-rate`). */
  readonly ratePerSecond?: number
  /** The fake's requests per second per account; 0 = unlimited. */
  readonly rate?: number
  readonly regionOf?: RegionOf
  /** Diagnostic: readLiveState alone with these options, instead of planAccess. */
  readonly direct?: ReadStateOptions
}

type RunOutcome = PlanOutcome | { readonly kind: 'read'; readonly errors: readonly PlanError[] }

async function runOnce({ label, concurrency, ratePerSecond, rate = RATE, regionOf, direct }: RunOptions): Promise<RunResult> {
  const workload = buildWorkload(regionOf)
  const seeds = seedClusters(workload)
  const expected = expectedReads(seeds)
  const dir = mkdtempSync(join(tmpdir(), 'eag-bench-plan-'))
  writeFileSync(join(dir, 'eks-access.yaml'), manifestYaml(workload))
  const fake = await startFake({ latencyMs: LATENCY_MS, ...(rate ? { ratePerSecondPerAccount: rate } : {}), clusters: seeds })
  const metrics = createEksMetrics()
  const portLog: PortCall[] = []
  const apiFor = recordingFactory(
    createEksApiFactory({ endpoint: fake.url, metrics, credentialsFor: (t) => keysFor(t.accountId) }),
    portLog,
  )
  try {
    const elu0 = performance.eventLoopUtilization()
    const fakeElu0 = fake.elu()
    const t0 = performance.now()
    let outcome: RunOutcome
    if (direct) {
      const targets = seeds.map((s) => ({ key: s.name, name: s.name, region: s.region, accountId: s.accountId }))
      const read = await readLiveState(targets, apiFor, direct)
      const errors = [...read.clusters.values()].flatMap((r) => (r.ok ? [] : [r.error]))
      outcome = { kind: 'read', errors }
    } else {
      outcome = await planAccess(
        { manifest: 'eks-access.yaml', cwd: dir, now: NOW, expiryWarningDays: 7 },
        { apiFor, ...(concurrency === undefined ? {} : { concurrency }), ...(ratePerSecond === undefined ? {} : { ratePerSecond }) },
      )
    }
    const wallMs = performance.now() - t0
    const elu = performance.eventLoopUtilization(elu0).utilization
    const fakeElu = fake.elu(fakeElu0)?.utilization
    const { calls, stats } = await fake.report()
    return { ...analyse({ label, concurrency, rate, wallMs, outcome, calls, stats, metrics, portLog, expected, t0 }), elu, fakeElu }
  } finally {
    await fake.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

interface Observed {
  readonly label: string
  readonly concurrency: number | undefined
  readonly rate: number
  readonly wallMs: number
  readonly outcome: RunOutcome
  readonly calls: readonly FakeCall[]
  readonly stats: FakeStats
  readonly metrics: EksMetrics
  readonly portLog: readonly PortCall[]
  readonly expected: ExpectedReads
  readonly t0: number
}

interface RunResult {
  readonly label: string
  readonly concurrency: number | 'default'
  readonly wallMs: number
  readonly readMs: number
  readonly callMs: { readonly p50: number | undefined; readonly p90: number | undefined; readonly max: number | undefined }
  readonly meanInFlight: number
  readonly beforeReadsMs: number
  readonly afterReadsMs: number
  readonly floorMs: number | undefined
  readonly ratio: number | undefined
  readonly readRatio: number | undefined
  readonly requests: number
  readonly okReads: number
  readonly okByOp: Record<string, number>
  readonly okByAccount: Record<string, number>
  readonly expected: ExpectedReads
  readonly throttled: number
  readonly fiveXx: number
  readonly otherErrors: number
  readonly sdkCalls: number
  readonly sdkRetries: number
  readonly duplicates: number
  readonly extraByOp: Record<string, number>
  readonly nonReads: readonly string[]
  readonly summary: PlanSummary | undefined
  readonly errors: readonly string[]
  readonly throttleTimeline: readonly number[]
  readonly perSecond: readonly number[]
  readonly elu: number
  readonly fakeElu: number | undefined
}

function outcomeErrors(outcome: RunOutcome): string[] {
  switch (outcome.kind) {
    case 'planned':
      return outcome.plan.clusters.flatMap((c) => c.errors.map((e) => `${c.cluster}: ${e.code}`))
    case 'read':
      return outcome.errors.map((e) => e.code)
    case 'usage':
      return [`${outcome.kind}: ${outcome.message}`]
    case 'invalid':
      return [
        `${outcome.kind}: ${outcome.problems
          .slice(0, 3)
          .map((p) => p.message)
          .join('; ')}`,
      ]
  }
}

function analyse(o: Observed): Omit<RunResult, 'elu' | 'fakeElu'> {
  const { portLog, expected, stats, metrics } = o
  const calls = o.calls.filter((c) => c.service === 'eks')
  const ok = calls.filter((c) => c.status === 200)
  const okByOp = count(ok, (c) => c.operation)
  const okByAccount = count(ok, (c) => c.account)
  const nonReads = Object.keys(stats.byOperation).filter((op) => !READS.has(op))
  // A read made twice: the same port call (operation, cluster, principal) more than once, or more
  // successful HTTP reads of an operation than the minimum (e.g. a page fetched twice).
  const tuples = count(portLog, (l) => [l.op, l.account, l.region, ...l.args].join('|'))
  const duplicates = Object.entries(tuples).filter(([, n]) => n > 1)
  const extraByOp = Object.fromEntries(
    Object.entries(okByOp)
      .map(([op, n]) => [op, n - (expected.byOperation[op] ?? 0)] as const)
      .filter(([, d]) => d !== 0),
  )
  const floorMs = o.rate ? (Math.max(...Object.values(expected.byAccount)) / o.rate) * 1000 : undefined
  const durations = portLog
    .filter((l) => l.op === 'describeAccessEntry')
    .map((l) => l.end - l.start)
    .sort((a, b) => a - b)
  const inFlight = portLog.reduce((sum, l) => sum + (l.end - l.start), 0)
  const first = Math.min(...portLog.map((l) => l.start))
  const last = Math.max(...portLog.map((l) => l.end))
  return {
    label: o.label,
    concurrency: o.concurrency ?? 'default',
    wallMs: o.wallMs,
    readMs: portLog.length ? last - first : 0,
    callMs: { p50: quantile(durations, 0.5), p90: quantile(durations, 0.9), max: durations.at(-1) },
    // Mean port calls in flight over the read phase (what the limiter actually achieved).
    meanInFlight: portLog.length ? inFlight / (last - first) : 0,
    beforeReadsMs: portLog.length ? first - o.t0 : 0,
    afterReadsMs: portLog.length ? o.t0 + o.wallMs - last : 0,
    floorMs,
    ratio: floorMs ? o.wallMs / floorMs : undefined,
    readRatio: floorMs ? (last - first) / floorMs : undefined,
    requests: stats.requests,
    okReads: ok.length,
    okByOp,
    okByAccount,
    expected,
    throttled: stats.throttled,
    fiveXx: stats.injected5xx,
    otherErrors: stats.errors,
    sdkCalls: metrics.calls,
    sdkRetries: metrics.retries,
    duplicates: duplicates.length,
    extraByOp,
    nonReads,
    summary: o.outcome.kind === 'planned' ? o.outcome.plan.summary : undefined,
    errors: outcomeErrors(o.outcome),
    throttleTimeline: timeline(calls),
    perSecond: perSecond(portLog, first, ACCOUNTS[0]),
  }
}

/** Port calls completed per second in one account: shows the pacer cutting the rate after throttles. */
function perSecond(portLog: readonly PortCall[], first: number, account: string): number[] {
  const out: number[] = []
  for (const l of portLog) {
    if (l.account !== account) continue
    const sec = Math.floor((l.end - first) / 1000)
    out[sec] = (out[sec] ?? 0) + 1
  }
  return Array.from(out, (n) => n ?? 0)
}

/** Throttles per 500 consecutive requests: the fake's log has arrival order but no timestamps. */
function timeline(calls: readonly FakeCall[]): number[] {
  const out: number[] = []
  for (let i = 0; i < calls.length; i += 500) {
    const slice = calls.slice(i, i + 500)
    out.push(slice.filter((c) => c.status === 429).length)
  }
  return out
}

function count<T>(items: readonly T[], keyOf: (item: T) => string): Record<string, number> {
  const out: Record<string, number> = {}
  for (const i of items) {
    const k = keyOf(i)
    out[k] = (out[k] ?? 0) + 1
  }
  return out
}

// ───────────────────────────── report ─────────────────────────────

const s = (ms: number | undefined): string => (ms === undefined ? '-' : `${(ms / 1000).toFixed(2)} s`)
const x = (r: number | undefined): string => (r === undefined ? '-' : `${r.toFixed(2)}×`)

function printRun(r: RunResult): void {
  console.log(`\n▸ ${r.label}`)
  console.log(
    `  wall ${s(r.wallMs)}  (before first read ${s(r.beforeReadsMs)}, reads ${s(r.readMs)}, after last read ${s(r.afterReadsMs)})` +
      (r.floorMs ? `  floor ${s(r.floorMs)}  wall/floor ${x(r.ratio)}  reads/floor ${x(r.readRatio)}` : ''),
  )
  console.log(
    `  HTTP requests ${r.requests} (successful reads ${r.okReads}, minimum ${r.expected.total}; ` +
      `by account ${Object.entries(r.okByAccount)
        .map(([a, n]) => `${a}: ${n}`)
        .join(', ')})`,
  )
  console.log(
    `  by operation: ${Object.entries(r.okByOp)
      .sort()
      .map(([op, n]) => `${op} ${n}`)
      .join(', ')}`,
  )
  console.log(
    `  throttled (429) ${r.throttled}, 5xx ${r.fiveXx}, other errors ${r.otherErrors}; SDK attempts ${r.sdkCalls}, SDK retries ${r.sdkRetries}` +
      (r.throttled ? `; 429s per 500 requests: [${r.throttleTimeline.join(', ')}]` : ''),
  )
  const wasted = r.duplicates + Object.values(r.extraByOp).reduce((a, b) => a + Math.max(0, b), 0)
  console.log(
    `  reads made twice: ${r.duplicates} duplicate (operation, cluster, principal) port calls; ` +
      `successful reads over the minimum: ${JSON.stringify(r.extraByOp)}${r.nonReads.length ? `; NON-READ operations: ${r.nonReads.join(', ')}` : ''} → ${wasted} made twice`,
  )
  console.log(
    `  DescribeAccessEntry call time p50 ${r.callMs.p50?.toFixed(1)} ms, p90 ${r.callMs.p90?.toFixed(1)} ms, max ${r.callMs.max?.toFixed(0)} ms (retries included); ` +
      `mean calls in flight ${r.meanInFlight.toFixed(1)} (both accounts)`,
  )
  console.log(`  reads completed per second in account ${ACCOUNTS[0]}: ${r.perSecond.join(' ')}`)
  console.log(
    `  event-loop utilisation: client thread ${(r.elu * 100).toFixed(0)}%` +
      (r.fakeElu === undefined ? ' (fake on the same thread)' : `, fake thread ${(r.fakeElu * 100).toFixed(0)}%`),
  )
  if (r.summary) console.log(`  plan summary: ${JSON.stringify(r.summary)}`)
  if (r.errors.length) console.log(`  cluster errors: ${r.errors.join('; ')}`)
}

function wastedOf(r: RunResult): number {
  return r.duplicates + Object.values(r.extraByOp).reduce((a, b) => a + Math.max(0, b), 0) + r.nonReads.length
}

function bestOf(runs: readonly RunResult[]): RunResult {
  const clean = runs.filter((r) => r.errors.length === 0)
  const best = [...(clean.length ? clean : runs)].sort((a, b) => a.wallMs - b.wallMs)[0]
  if (!best) throw new Error('bench bug: no runs')
  return best
}

function sweepOf(env: string | undefined): readonly (number | undefined)[] {
  if (env) return env.split(',').map((v) => (v.trim() === 'default' ? undefined : Number(v)))
  return process.env['BENCH_PLAN_EXTRA'] ? EXTRA_SWEEP : DEFAULT_SWEEP
}

async function main(): Promise<void> {
  const sweep = sweepOf(process.env['BENCH_PLAN_SWEEP'])
  const workload = buildWorkload()
  const expected = expectedReads(seedClusters(workload))
  console.log(
    `plan: ${ACCOUNTS.length} accounts × ${CLUSTERS_PER_ACCOUNT} clusters (${REGION}) × ${ENTRIES_PER_CLUSTER} entries; ` +
      `fake at ${LATENCY_MS} ms latency, ${RATE} req/s per account; minimum reads ${expected.total} ` +
      `(${Object.entries(expected.byAccount)
        .map(([a, n]) => `${a}: ${n}`)
        .join(', ')}); floor = max per account ÷ rate = ${s((Math.max(...Object.values(expected.byAccount)) / RATE) * 1000)}`,
  )
  const runs: RunResult[] = []
  for (const concurrency of sweep) {
    const r = await runOnce({ label: `rate-limited, concurrency ${concurrency ?? 'default'}`, concurrency })
    printRun(r)
    runs.push(r)
  }
  const latencyBound = await runOnce({ label: 'no rate limit (latency-bound), default concurrency', rate: 0 })
  printRun(latencyBound)

  const diagnostics: RunResult[] = []
  const diagnose = async (options: RunOptions) => {
    const r = await runOnce(options)
    printRun(r)
    diagnostics.push(r)
  }
  // `plan --max-rate 195`: reads paced just under the account's rate, so nothing is throttled.
  const paced = await runOnce({ label: 'plan --max-rate 195 (concurrency 16)', concurrency: 16, ratePerSecond: PACED_RATE })
  printRun(paced)
  if (process.env['BENCH_PLAN_EXTRA']) {
    const best = bestOf(runs)
    const c = best.concurrency === 'default' ? undefined : best.concurrency
    // Two regions per account: the client's limiter is per (account, region), the fake's bucket per account.
    await diagnose({
      label: `planAccess, 2 regions per account, concurrency ${best.concurrency}`,
      concurrency: c,
      regionOf: (_a, i) => (i % 2 ? 'eu-central-1' : REGION),
    })
    await diagnose({ label: 'readLiveState with pacing: concurrency 8, ratePerSecond 190', direct: { concurrency: 8, ratePerSecond: 190 } })
  }

  // CPU share of planAccess that is not AWS: validation runs once (twice only when a policy is unknown to the built-in catalogue).
  const dir = mkdtempSync(join(tmpdir(), 'eag-bench-plan-'))
  writeFileSync(join(dir, 'eks-access.yaml'), manifestYaml(workload))
  await validateManifests({ manifest: 'eks-access.yaml', cwd: dir, now: NOW, expiryWarningDays: 7 })
  const tv = performance.now()
  await validateManifests({ manifest: 'eks-access.yaml', cwd: dir, now: NOW, expiryWarningDays: 7 })
  const validateMs = performance.now() - tv
  rmSync(dir, { recursive: true, force: true })
  console.log(
    `\nvalidating the plan's manifest (${workload.manifestEntries.length} entries, warm) takes ${s(validateMs)} (planAccess validates once)`,
  )

  const best = bestOf(runs)
  console.log('\nconcurrency sweep (rate-limited):')
  console.log('  concurrency   wall      wall/floor  429s  SDK retries  twice   errors')
  for (const r of runs)
    console.log(
      `  ${String(r.concurrency).padEnd(12)}  ${s(r.wallMs).padEnd(8)}  ${x(r.ratio).padEnd(10)}  ${String(r.throttled).padEnd(4)}  ${String(r.sdkRetries).padEnd(11)}  ${String(wastedOf(r)).padEnd(6)}  ${r.errors.length}` +
        (r === best ? '  ← best' : ''),
    )
  const within = (r: RunResult) => r.ratio !== undefined && r.ratio <= GOAL_RATIO && wastedOf(r) === 0 && r.errors.length === 0
  const dflt = runs.find((r) => r.concurrency === 'default')
  const goals: Goal[] = [
    {
      goal: `plan within ${GOAL_RATIO}× floor, no wasted calls (best concurrency)`,
      status: status(within(best)),
      detail: `concurrency ${best.concurrency}: ${s(best.wallMs)} = ${x(best.ratio)} floor ${s(best.floorMs)}, reads made twice ${wastedOf(best)}, throttled ${best.throttled}, errors ${best.errors.length}`,
    },
    {
      goal: `plan within ${GOAL_RATIO}× floor, no wasted calls, with --max-rate ${PACED_RATE}`,
      status: status(within(paced) && paced.throttled === 0),
      detail: `${s(paced.wallMs)} = ${x(paced.ratio)} floor, ${paced.throttled} throttled, ${paced.sdkRetries} SDK retries, reads made twice ${wastedOf(paced)}, errors ${paced.errors.length}`,
    },
  ]
  if (dflt && dflt !== best)
    goals.push({
      goal: `plan within ${GOAL_RATIO}× floor at the default concurrency (learnt pacing, no --max-rate)`,
      status: status(within(dflt)),
      detail: `${s(dflt.wallMs)} = ${x(dflt.ratio)} floor, ${dflt.throttled} throttled, ${dflt.sdkRetries} SDK retries, errors ${dflt.errors.length}`,
    })
  for (const g of goals) console.log(`${g.status}  ${g.goal}: ${g.detail}`)
  const rows: Row[] = [
    ...runs.map((r) => ({
      metric: `wall, concurrency ${r.concurrency}`,
      value: `${s(r.wallMs)} (${x(r.ratio)} floor, ${r.throttled} throttled, ${r.sdkRetries} retries)`,
    })),
    {
      metric: `wall, --max-rate ${PACED_RATE}, concurrency 16`,
      value: `${s(paced.wallMs)} (${x(paced.ratio)} floor, ${paced.throttled} throttled, ${paced.sdkRetries} retries)`,
    },
    { metric: 'floor (max reads per account ÷ rate)', value: s(best.floorMs) },
    { metric: 'API calls (successful reads, minimum)', value: `${best.okReads} (${best.expected.total})` },
    { metric: 'no rate limit, default concurrency', value: `${s(latencyBound.wallMs)}, ${latencyBound.requests} requests` },
    ...diagnostics.map((r) => ({
      metric: r.label,
      value: `${s(r.wallMs)} (${x(r.ratio)} floor, ${r.throttled} throttled, ${r.sdkRetries} retries)`,
    })),
    { metric: 'validate the plan manifest (once, warm)', value: s(validateMs) },
  ]
  printResult({ name: 'plan', rows, goals })
}

if (isMain(import.meta.url)) {
  if (isMainThread) runMain(main)
  else await serveFakeInWorker(workerData as FakeWorkerData)
}
