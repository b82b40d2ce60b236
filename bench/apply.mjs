// Benchmark: `apply` (re-plan → applyPlan) with the real SDK against the fake EKS, 2 accounts × 5
// clusters, 200 new entries per cluster (half with one policy, a quarter with two, a quarter with
// none), 20 ms latency and 200 requests/s per account shared by reads and writes (issue 9).
//
//   node bench/apply.mjs           (after `npm run build`; `npm run bench` does both)
//   BENCH_APPLY_FAKE=inline node bench/apply.mjs   fake on the main thread
//
// The headline is the run at the DEFAULTS: applyCommand with the production composition
// (createEksApiFactory: one SDK client per account and region, adaptive retry) and the engine's
// default concurrency. Floor = (reads + writes per account − burst) ÷ rate. After the apply, a
// fresh plan must show 0 changes. The last stdout line is `BENCH_RESULT {json}`.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads'
import { applyCommand } from '../build/src/commands/apply.js'
import { planAccess } from '../build/src/commands/plan-access.js'
import { createEksApiFactory } from '../build/src/aws/eks-sdk.js'
import { validateManifests } from '../build/src/manifest/validate.js'
import { startFakeAws } from '../build/test/fake-aws/index.js'

const LATENCY_MS = 20
const RATE = 200
const BURST = 20 // the fake's default: a tenth of a second's worth
const ACCOUNTS = ['111122223333', '444455556666']
const REGION = 'eu-west-1'
const CLUSTERS_PER_ACCOUNT = 5
const ENTRIES = 200
const NOW = new Date('2026-11-15T12:00:00Z')
const ADMIN = 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy'
const WALL_GOAL = 1.2
const CALLS_GOAL = 1.01
const MUTATING = new Set([
  'CreateAccessEntry',
  'UpdateAccessEntry',
  'DeleteAccessEntry',
  'AssociateAccessPolicy',
  'DisassociateAccessPolicy',
  'TagResource',
  'UpdateClusterConfig',
])

function workload() {
  const clusters = []
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
  const seeds = clusters.map((c) => ({
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

async function startFake(options) {
  if (process.env.BENCH_APPLY_FAKE === 'inline') {
    const fake = await startFakeAws(options)
    return { url: fake.url, report: async () => ({ calls: [...fake.calls], stats: fake.stats() }), close: () => fake.close() }
  }
  const worker = new Worker(new URL(import.meta.url), { workerData: { options } })
  const next = () =>
    new Promise((resolve, reject) => {
      worker.once('error', reject)
      worker.once('message', (m) => {
        worker.off('error', reject)
        resolve(m)
      })
    })
  const { url } = await next()
  return {
    url,
    report: () => {
      const reply = next()
      worker.postMessage('report')
      return reply
    },
    close: async () => {
      const reply = next()
      worker.postMessage('close')
      await reply
      await worker.terminate()
    },
  }
}

async function serveFakeInWorker() {
  const fake = await startFakeAws(workerData.options)
  parentPort.on('message', async (m) => {
    if (m === 'report') parentPort.postMessage({ calls: fake.calls, stats: fake.stats() })
    if (m === 'close') {
      await fake.close()
      parentPort.postMessage({ closed: true })
    }
  })
  parentPort.postMessage({ url: fake.url })
}

const keysFor = (accountId) => ({ accessKeyId: `AKIA${accountId}BNCH`, secretAccessKey: 'bench-not-a-secret' })

function depsFor(dir, url) {
  return {
    cwd: dir,
    env: {},
    now: () => NOW,
    logger: { info() {}, warning() {}, error() {}, debug() {} },
    isFile: () => false,
    validate: validateManifests,
    // The production composition (src/cli.ts eksFactory): one client per (region, account, role).
    eks: () => createEksApiFactory({ endpoint: url, credentialsFor: (t) => keysFor(t.accountId) }),
    eksForCluster: () => {
      throw new Error('unused')
    },
  }
}

async function main() {
  const w = workload()
  const dir = mkdtempSync(join(tmpdir(), 'eag-bench-apply-'))
  writeFileSync(join(dir, 'eks-access.yaml'), w.yaml)
  const fake = await startFake({ latencyMs: LATENCY_MS, ratePerSecondPerAccount: RATE, burst: BURST, clusters: w.seeds })
  try {
    const request = {
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
    const outcome = await applyCommand(request, depsFor(dir, fake.url))
    const wallMs = performance.now() - t0
    const { calls, stats } = await fake.report()
    const eks = calls.filter((c) => c.service === 'eks')
    const mutatingOk = eks.filter((c) => MUTATING.has(c.operation) && c.status === 200).length
    const mutatingSent = eks.filter((c) => MUTATING.has(c.operation)).length
    const floorMs = ((w.readsPerAccount + w.writesPerAccount - BURST) / RATE) * 1000

    const after = await planAccess(
      { manifest: 'eks-access.yaml', cwd: dir, now: NOW, expiryWarningDays: 7 },
      { apiFor: createEksApiFactory({ endpoint: fake.url, credentialsFor: (t) => keysFor(t.accountId) }) },
    )
    const s = after.kind === 'planned' ? after.plan.summary : undefined
    const changesAfter = s ? s.create + s.update + s.replace + s.delete + s.associate + s.disassociate : NaN

    const ratio = wallMs / floorMs
    const callsRatio = mutatingSent / w.minMutating
    const load = loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')
    console.log(`apply at the defaults: ${outcome.status}, exit ${outcome.status === 'ok' ? 0 : 1}`)
    console.log(`  ${outcome.stdout?.split('\n')[0] ?? ''}`)
    console.log(
      `  wall ${(wallMs / 1000).toFixed(2)} s  floor ${(floorMs / 1000).toFixed(2)} s  wall/floor ${ratio.toFixed(2)}×  (load average ${load})`,
    )
    console.log(
      `  per account: ${w.readsPerAccount} reads + ${w.writesPerAccount} writes − burst ${BURST} at ${RATE}/s; requests ${stats.requests}, throttled ${stats.throttled}, 5xx ${stats.injected5xx}`,
    )
    console.log(
      `  mutating calls: ${mutatingSent} sent (${mutatingOk} succeeded, ${mutatingSent - mutatingOk} answered 429/5xx and retried), minimum ${w.minMutating} → ${callsRatio.toFixed(3)}× sent, ${(mutatingOk / w.minMutating).toFixed(3)}× succeeded`,
    )
    console.log(`  plan after apply: ${changesAfter} changes${after.kind === 'planned' ? '' : ` (${after.kind})`}`)
    const goals = [
      {
        goal: `wall ≤ ${WALL_GOAL}× floor at the defaults`,
        status: ratio <= WALL_GOAL ? 'PASS' : 'MISS',
        detail: `${ratio.toFixed(2)}× (${(wallMs / 1000).toFixed(2)} s vs ${(floorMs / 1000).toFixed(2)} s), load ${load}`,
      },
      {
        goal: `mutating calls ≤ ${CALLS_GOAL}× minimum`,
        status: callsRatio <= CALLS_GOAL ? 'PASS' : 'MISS',
        detail: `${mutatingSent} / ${w.minMutating}`,
      },
      {
        goal: 'a plan after apply shows 0 changes',
        status: changesAfter === 0 && outcome.status === 'ok' ? 'PASS' : 'MISS',
        detail: `${changesAfter} changes, apply ${outcome.status}`,
      },
    ]
    const rows = [
      { metric: 'wall (defaults)', value: `${(wallMs / 1000).toFixed(2)} s` },
      { metric: 'floor', value: `${(floorMs / 1000).toFixed(2)} s` },
      { metric: 'wall/floor', value: `${ratio.toFixed(2)}×` },
      { metric: 'mutating calls', value: `${mutatingSent} (min ${w.minMutating})` },
      { metric: 'throttled', value: String(stats.throttled) },
      { metric: 'plan after', value: `${changesAfter} changes` },
    ]
    console.log(`BENCH_RESULT ${JSON.stringify({ rows, goals })}`)
  } finally {
    await fake.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

if (isMainThread) await main()
else await serveFakeInWorker()
