// Benchmark: `validateManifests` end to end on a generated 5,000-entry manifest split across
// 50 files (issue 2), plus the pure core `validateSources` and a per-stage breakdown.
//
//   node bench/validate.mjs          (after `npm run build`; `npm run bench` does both)
//   BENCH_VALIDATE_RUNS=20 node bench/validate.mjs
//
// The last stdout line is `BENCH_RESULT {json}` for scripts/bench.mjs.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'

const FILES = 50
const ENTRIES = 5000
const RUNS = Number(process.env.BENCH_VALIDATE_RUNS ?? 10)
const NOW = new Date('2026-11-15T12:00:00Z')
// "Well under a second": warm median at most half a second, the cold first call under one.
const GOAL_MEDIAN_MS = 500
const GOAL_COLD_MS = 1000

// ───────────────────────────── generated manifest ─────────────────────────────

const ENVS = [
  { env: 'prod', account: '111122223333' },
  { env: 'staging', account: '222233334444' },
  { env: 'dev', account: '333344445555' },
  { env: 'sandbox', account: '444455556666' },
]
const REGIONS = [
  ['eu-west-1', 'euw1'],
  ['us-east-1', 'use1'],
  ['eu-central-1', 'euc1'],
  ['ap-southeast-2', 'apse2'],
  ['us-west-2', 'usw2'],
]
const NODE_TYPES = ['EC2_LINUX', 'FARGATE_LINUX', 'EC2_WINDOWS', 'HYBRID_LINUX']
const q = JSON.stringify

/** 20 clusters: 4 environments (one account each) × 5 regions. */
function clusters() {
  const out = []
  REGIONS.forEach(([region, short]) => {
    for (const { env, account } of ENVS) out.push({ key: `${env}-${short}`, env, region, account })
  })
  return out
}

function clustersYaml(list) {
  const lines = ['clusters:']
  for (const c of list) {
    lines.push(`  ${c.key}:`)
    if (c.env === 'prod') lines.push(`    name: ${c.env}`)
    lines.push(`    region: ${c.region}`, `    accountId: ${q(c.account)}`)
    if (c.env === 'prod' || c.env === 'staging')
      lines.push(
        `    roleArn: arn:aws:iam::${c.account}:role/eks-access-apply`,
        `    planRoleArn: arn:aws:iam::${c.account}:role/eks-access-plan`,
      )
    if (c.env === 'sandbox') lines.push('    prune: all', '    authenticationMode: API')
    if (c.env === 'staging') lines.push('    adopt: true', '    authenticationMode: API_AND_CONFIG_MAP')
  }
  return lines
}

function entryYaml(e) {
  const lines = [`  - principalArn: ${e.principalArn}`]
  if (e.type) lines.push(`    type: ${e.type}`)
  lines.push(`    clusters: [${e.clusters.map(q).join(', ')}]`)
  if (e.username) lines.push(`    username: ${q(e.username)}`)
  if (e.groups) lines.push(`    kubernetesGroups: [${e.groups.map(q).join(', ')}]`)
  if (e.tags)
    lines.push(
      `    tags: { ${Object.entries(e.tags)
        .map(([k, v]) => `${k}: ${q(v)}`)
        .join(', ')} }`,
    )
  if (e.expiresAt) lines.push(`    expiresAt: ${e.expiresAt}`)
  if (e.policies) {
    lines.push('    accessPolicies:')
    for (const [policyArn, namespaces] of e.policies) {
      lines.push(`      - policyArn: ${policyArn}`)
      lines.push(
        namespaces
          ? `        accessScope: { type: namespace, namespaces: [${namespaces.map(q).join(', ')}] }`
          : '        accessScope: { type: cluster }',
      )
    }
  }
  return lines
}

/** The platform team's entries (in the clusters file): an admin per cluster, then org-wide roles. */
function platformEntries(list, count) {
  const out = list.map((c) => ({
    principalArn: `arn:aws:iam::${c.account}:role/platform/admins-${c.key}`,
    clusters: [c.key],
    tags: { owner: 'platform' },
    policies: [['AmazonEKSClusterAdminPolicy', null]],
  }))
  for (let i = out.length; i < count; i++)
    out.push({
      principalArn: `arn:aws:iam::111122223333:role/platform/ops/operator-${i}`,
      clusters: i % 2 ? ['*'] : ['prod-*', 'staging-*'],
      groups: ['platform-ops'],
      tags: { owner: 'platform', 'cost-center': `cc-${100 + (i % 7)}` },
      policies: [
        ['AmazonEKSViewPolicy', null],
        ['arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy', ['ops', 'monitoring', 'ingress-*']],
      ],
    })
  return out
}

/** One team's entries: roles with paths, IAM users, CI roles, node roles (same account as their cluster). */
function teamEntries(t, count, list) {
  const team = `team-${String(t).padStart(2, '0')}`
  const home = ENVS[t % ENVS.length].account
  const out = []
  for (let j = 0; j < count; j++) {
    const g = t * 1000 + j
    if (j < count * 0.6) {
      const selectors = [['staging-*', 'dev-*'], ['dev-*'], ['prod-*'], [`sandbox-${REGIONS[j % REGIONS.length][1]}`]][j % 4]
      out.push({
        principalArn: `arn:aws:iam::${home}:role/teams/${team}/developer-${g}`,
        clusters: selectors,
        ...(j % 10 === 0 ? { username: `${team}-dev:{{SessionName}}` } : {}),
        ...(j % 2 === 0 ? { groups: [`${team}-readers`] } : {}),
        tags: { owner: team, 'cost-center': `cc-${200 + (t % 13)}` },
        policies: [['AmazonEKSViewPolicy', [team, `${team}-*`]], ...(j % 3 === 0 ? [['AmazonEKSEditPolicy', [`${team}-apps`]]] : [])],
      })
    } else if (j < count * 0.75) {
      out.push({
        principalArn: `arn:aws:iam::${home}:user/people/${team}/person-${g}`,
        clusters: ['dev-*', 'sandbox-*'],
        username: `person-${g}`,
        ...(j % 5 === 0 ? { expiresAt: '2099-06-30' } : {}),
        tags: { owner: team },
        policies: [['arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy', [team]]],
      })
    } else if (j < count * 0.9) {
      out.push({
        principalArn: `arn:aws:iam::${home}:role/ci/${team}/deployer-${g}`,
        clusters: j % 2 ? ['staging-*', 'prod-*'] : ['dev-*'],
        groups: [`${team}-deployers`],
        tags: { owner: team, pipeline: 'github-actions' },
        policies: [
          ['AmazonEKSAdminPolicy', [team, `${team}-jobs`]],
          ['AmazonEKSAdminViewPolicy', null],
        ],
      })
    } else {
      // Node roles must live in their cluster's account (EKS-API.md §4).
      const c = list[(t * 7 + j) % list.length]
      out.push({
        principalArn: `arn:aws:iam::${c.account}:role/nodes/${team}/node-group-${g}`,
        type: NODE_TYPES[j % NODE_TYPES.length],
        clusters: [c.key],
      })
    }
  }
  return out
}

/** Deterministic files: `00-clusters.yaml` (20 clusters + platform entries) and 49 team files. */
export function generateManifestFiles(fileCount = FILES, entryCount = ENTRIES) {
  const list = clusters()
  const perFile = Math.floor(entryCount / fileCount)
  const files = []
  const head = ['# yaml-language-server: $schema=../schemas/eks-access.schema.json', 'version: 1', ...clustersYaml(list), 'accessEntries:']
  for (const e of platformEntries(list, entryCount - perFile * (fileCount - 1))) head.push(...entryYaml(e))
  files.push({ file: 'access/00-clusters.yaml', text: head.join('\n') + '\n' })
  for (let t = 1; t < fileCount; t++) {
    const lines = ['version: 1', 'accessEntries:']
    for (const e of teamEntries(t, perFile, list)) lines.push(...entryYaml(e))
    files.push({ file: `access/team-${String(t).padStart(2, '0')}.yaml`, text: lines.join('\n') + '\n' })
  }
  return files
}

// ───────────────────────────── timing ─────────────────────────────

function stats(samples) {
  const sorted = [...samples].sort((a, b) => a - b)
  const at = (p) => sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]
  return { min: sorted[0], median: at(0.5), p90: at(0.9), max: sorted.at(-1) }
}

async function timeRuns(n, fn) {
  const samples = []
  for (let i = 0; i < n; i++) {
    const t = performance.now()
    await fn()
    samples.push(performance.now() - t)
  }
  return stats(samples)
}

const ms = (v) => `${v.toFixed(0)} ms`

/**
 * Per stage: read → parse → schema per file (through `checkManifestFile`, the fast/exact switch,
 * when the build has it), the model, then each EKS rule. Uses internal modules, so it is skipped
 * with a note if they change shape; the end-to-end figures above do not depend on it.
 */
async function stageBreakdown(files, runs) {
  try {
    const check = await import('../build/src/manifest/check.js').catch(() => undefined)
    const load = await import('../build/src/manifest/load.js')
    const { checkManifestSchema } = await import('../build/src/manifest/schema.js')
    const { buildManifest } = await import('../build/src/manifest/model.js')
    const { EKS_RULES } = await import('../build/src/rules/eks/index.js')
    const { builtInCatalogue } = await import('../build/src/policies.js')
    const checkFile = check
      ? (f) => check.checkManifestFile(f.file, f.text)
      : (f) => {
          const parsed = load.parseManifestSource(f.file, f.text)
          return {
            ...parsed,
            loaded: parsed.loaded && { source: parsed.loaded, findings: checkManifestSchema(parsed.loaded) },
            via: 'slow',
          }
        }
    const ctx = { now: NOW, expiryWarningDays: 7, catalogue: builtInCatalogue() }
    const totals = new Map()
    const add = (k, v) => totals.set(k, [...(totals.get(k) ?? []), v])
    const via = {}
    for (let r = 0; r < runs; r++) {
      let t = performance.now()
      const checked = files.map(checkFile)
      add(`parse + schema, ${files.length} files`, performance.now() - t)
      if (r === 0) for (const c of checked) via[c.via ?? 'none'] = (via[c.via ?? 'none'] ?? 0) + 1
      t = performance.now()
      const { manifest } = buildManifest(
        checked.map((c) => c.loaded).filter(Boolean),
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
  } catch (e) {
    return { stages: [{ stage: `breakdown skipped (${e instanceof Error ? e.message : String(e)})`, median: 0 }], via: {} }
  }
}

async function main() {
  const files = generateManifestFiles()
  const dir = mkdtempSync(join(tmpdir(), 'eag-bench-validate-'))
  mkdirSync(join(dir, 'access'))
  let bytes = 0
  for (const f of files) {
    writeFileSync(join(dir, f.file), f.text)
    bytes += Buffer.byteLength(f.text)
  }
  try {
    let t = performance.now()
    const { validateManifests, validateSources } = await import('../build/src/validate.js')
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
    console.log(`  import of build/src/validate.js ${ms(importMs)}; cold first validateManifests ${ms(coldMs)}`)
    console.log(
      `  validateManifests × ${RUNS}: median ${ms(warm.median)}, p90 ${ms(warm.p90)} (min ${ms(warm.min)}, max ${ms(warm.max)}) → ` +
        `${Math.round(entries / (warm.median / 1000)).toLocaleString('en')} entries/s`,
    )

    let core
    let slow
    if (typeof validateSources === 'function') {
      const texts = files.map((f) => ({ file: f.file, text: readFileSync(join(dir, f.file), 'utf8') }))
      const ctx = { now: NOW, expiryWarningDays: 7 }
      core = await timeRuns(Math.max(3, Math.ceil(RUNS / 2)), () => validateSources(texts, ctx))
      console.log(
        `  validateSources (pure core, no disk) × ${Math.max(3, Math.ceil(RUNS / 2))}: median ${ms(core.median)}, p90 ${ms(core.p90)}`,
      )
      // The exact `yaml` path alone (files the fast path refuses take it), for comparison.
      slow = await timeRuns(2, () => validateSources(texts, { ...ctx, parseMode: 'slow' }))
      console.log(`  validateSources with parseMode 'slow' (exact yaml parser for every file) × 2: median ${ms(slow.median)}`)
      const { stages, via } = await stageBreakdown(files, 3)
      console.log(
        `  stages (median of 3; files by parser: ${
          Object.entries(via)
            .map(([k, n]) => `${k} ${n}`)
            .join(', ') || 'n/a'
        }):`,
      )
      for (const { stage, median } of stages)
        if (median >= 1 || stage.startsWith('breakdown')) console.log(`    ${stage.padEnd(40)} ${median.toFixed(1)} ms`)
    }

    const pass = errors.length === 0 && warm.median <= GOAL_MEDIAN_MS && coldMs <= GOAL_COLD_MS
    const goal = {
      goal: `validate 5,000 entries / 50 files well under 1 s (warm median ≤ ${GOAL_MEDIAN_MS} ms, cold ≤ ${GOAL_COLD_MS} ms, 0 errors)`,
      status: pass ? 'PASS' : 'MISS',
      detail: `cold ${ms(coldMs)}, median ${ms(warm.median)}, p90 ${ms(warm.p90)}, ${errors.length} errors`,
    }
    console.log(`${goal.status}  ${goal.goal}: ${goal.detail}`)
    const rows = [
      { metric: 'validateManifests cold (first call)', value: ms(coldMs) },
      { metric: `validateManifests median / p90 (${RUNS} runs)`, value: `${ms(warm.median)} / ${ms(warm.p90)}` },
      { metric: 'entries per second (median)', value: Math.round(entries / (warm.median / 1000)).toLocaleString('en') },
      ...(core ? [{ metric: 'validateSources median / p90', value: `${ms(core.median)} / ${ms(core.p90)}` }] : []),
      ...(slow ? [{ metric: "validateSources, parseMode 'slow' (median)", value: ms(slow.median) }] : []),
    ]
    console.log(`BENCH_RESULT ${JSON.stringify({ name: 'validate', rows, goals: [goal] })}`)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e)
    process.exit(1)
  },
)
