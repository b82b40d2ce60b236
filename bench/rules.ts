// Benchmark (issue 10): organisation rules — 20 rules (5 of them CEL) evaluated over the
// 5,000-entry bench manifest (bench/lib/fleet.ts, the one bench/validate.ts measures), as the time
// they add to `validate`.
//
//   node build/bench/rules.js          (after `npm run build`; `npm run bench` runs it too)
//   BENCH_RULES_RUNS=20 node build/bench/rules.js
//
// Figures: `validateSources` alone (the pure validate core over in-memory files, no disk), loading
// the rules file (YAML + schema + CEL compile), `evaluateOrgRules`, and validate + rules together,
// interleaved run by run so machine load hits both alike. Goal: rules add ≤ 30 % to validate.
// The last stdout line is `BENCH_RESULT {json}` for scripts/bench.mjs.
import { performance } from 'node:perf_hooks'
import { validateSources } from '../src/manifest/validate.js'
import { evaluateOrgRules, parseRulesSource } from '../src/rules/org/index.js'
import { FLEET_NOW, generateManifestFiles } from './lib/fleet.js'
import { isMain, loadAverage, median, printResult, runMain, status, type Goal, type Row } from './lib/report.js'

const RUNS = Number(process.env['BENCH_RULES_RUNS'] ?? 15)
const NOW = FLEET_NOW
const GOAL_PERCENT = 30

const RULES = `
version: 1
rules:
  - { id: known-accounts, kind: allowed-accounts, accounts: ["111122223333", "222233334444", "333344445555", "444455556666"], crossAccount: ["111122223333", "222233334444", "333344445555", "444455556666"] }
  - { id: prod-accounts, kind: allowed-accounts, clusters: ["prod-*"], accounts: ["111122223333"], crossAccount: ["111122223333", "222233334444", "333344445555", "444455556666"] }
  - { id: no-root, kind: denied-principals, principals: ["*:root", "arn:aws:iam::*:user/admin*"] }
  - { id: no-org-role, kind: denied-principals, principals: ["*:role/OrganizationAccountAccessRole"] }
  - { id: roles-and-people, kind: allowed-principals, principals: ["arn:aws:iam::*:role/*", "arn:aws:iam::*:user/people/*"] }
  - { id: admin-holders, kind: policy-holders, policy: AmazonEKSClusterAdminPolicy, principals: ["*:role/platform/*"], clusterScopeOnly: true }
  - { id: ns-admin-holders, kind: policy-holders, policy: AmazonEKSAdminPolicy, principals: ["*:role/ci/*", "*:role/platform/*"] }
  - { id: namespaced-edit, kind: namespace-scoped-policies, policies: [AmazonEKSEditPolicy, AmazonEKSAdminPolicy] }
  - { id: kube, kind: protected-namespaces, namespaces: [kube-system, "kube-*"], principals: ["*:role/platform/*"] }
  - { id: admin-count, kind: cluster-admins, min: 1, max: 3 }
  - { id: owner, kind: required-tags, severity: warning, files: ["access/00-*"], tags: [owner] }
  - { id: owner-value, kind: required-tags, severity: warning, files: ["access/00-*"], tags: { owner: "platform" } }
  - { id: no-masters, kind: forbidden-groups, groups: ["system:masters", "cluster-admin*"] }
  - { id: team-groups, kind: forbidden-groups, files: ["access/team-0*"], groups: ["platform-*"] }
  - { id: usernames, kind: username-patterns, patterns: ["*{{SessionName}}*", "person-*"] }
  - { id: standard-needs-access, kind: cel, expression: 'entry.type != "STANDARD" || entry.accessPolicies.size() > 0 || entry.kubernetesGroups.size() > 0' }
  - { id: users-namespaced, kind: cel, expression: '!entry.principalArn.contains(":user/") || entry.expiresAt != "" || entry.accessPolicies.all(p, p.accessScope.type == "namespace")' }
  - { id: same-account-users, kind: cel, expression: 'entry.accountId == cluster.accountId || !entry.principalArn.contains(":user/") || cluster.key.startsWith("dev-") || cluster.key.startsWith("sandbox-")' }
  - { id: no-kube-namespaces, kind: cel, expression: 'entry.accessPolicies.all(p, p.accessScope.type == "cluster" || p.accessScope.namespaces.all(n, !n.startsWith("kube-")))' }
  - { id: owner-format, kind: cel, severity: warning, expression: '!("owner" in entry.tags) || entry.tags["owner"].matches("^(team-[0-9]+|platform)$")' }
`

type Phase = 'validate' | 'load' | 'evaluate' | 'both'
/** Wall time and this process's CPU time (user + system), in ms. */
interface Sample {
  readonly wall: number
  readonly cpu: number
}
interface Clock {
  readonly wall: number
  readonly cpu: NodeJS.CpuUsage
}

const ms = (v: number): string => `${v.toFixed(1)} ms`

async function main(): Promise<void> {
  const files = generateManifestFiles()
  const ctx = { now: NOW, expiryWarningDays: 7 }

  const loaded = parseRulesSource('.github/eks-access-rules.yaml', RULES)
  if (!loaded.ok) throw new Error(`bench rules do not load: ${loaded.error.map((p) => `${p.line}:${p.column} ${p.message}`).join('; ')}`)
  const ruleSet = loaded.value
  const cel = ruleSet.rules.filter((r) => r.kind === 'cel').length

  // warm-up: JIT, schema and CEL environments
  const first = validateSources(files, ctx)
  const firstRules = evaluateOrgRules(ruleSet, first.manifest, { now: NOW })
  const byRule = new Map<string, number>()
  for (const p of firstRules) byRule.set(p.code, (byRule.get(p.code) ?? 0) + 1)
  console.log(
    `rules: ${ruleSet.rules.length} rules (${cel} CEL) over ${first.manifest.accessEntries.length} entries, ${first.manifest.clusters.length} clusters, ${files.length} files; ` +
      `validate found ${first.problems.length} problems, the rules ${firstRules.length} (${[...byRule].map(([c, n]) => `${c} ${n}`).join(', ') || 'none'})`,
  )

  // Wall time and this process's CPU time (user + system): on a shared machine the CPU figure is
  // the steadier one, since other processes' load stretches wall time but not our CPU time.
  const clock = (): Clock => ({ wall: performance.now(), cpu: process.cpuUsage() })
  const since = (a: Clock, b: Clock): Sample => ({
    wall: b.wall - a.wall,
    cpu: (b.cpu.user + b.cpu.system - a.cpu.user - a.cpu.system) / 1000,
  })
  const samples: Record<Phase, Sample[]> = { validate: [], load: [], evaluate: [], both: [] }
  for (let i = 0; i < RUNS; i++) {
    let t = clock()
    validateSources(files, ctx)
    samples.validate.push(since(t, clock()))

    t = clock()
    const out = validateSources(files, ctx)
    const mid = clock()
    const rules = parseRulesSource('.github/eks-access-rules.yaml', RULES)
    const loadedAt = clock()
    if (rules.ok) evaluateOrgRules(rules.value, out.manifest, { now: NOW })
    const end = clock()
    samples.both.push(since(t, end))
    samples.load.push(since(mid, loadedAt))
    samples.evaluate.push(since(loadedAt, end))
  }
  const med = (name: Phase, k: keyof Sample): number => median(samples[name].map((x) => x[k]))
  const load = loadAverage()
  const figure = (k: keyof Sample) => {
    const v = med('validate', k)
    const added = med('load', k) + med('evaluate', k)
    return { v, added, percent: (added / v) * 100, both: med('both', k), percentBoth: ((med('both', k) - v) / v) * 100 }
  }
  const wall = figure('wall')
  const cpu = figure('cpu')
  console.log(`  load average ${load}; ${RUNS} interleaved runs, medians (wall | CPU of this process):`)
  console.log(`  validateSources alone                 ${ms(wall.v)} | ${ms(cpu.v)}`)
  console.log(`  rules file load (YAML, schema, CEL)   ${ms(med('load', 'wall'))} | ${ms(med('load', 'cpu'))}`)
  console.log(`  evaluateOrgRules (20 rules)           ${ms(med('evaluate', 'wall'))} | ${ms(med('evaluate', 'cpu'))}`)
  console.log(
    `  validate + rules                      ${ms(wall.both)} (+${wall.percentBoth.toFixed(1)} %) | ${ms(cpu.both)} (+${cpu.percentBoth.toFixed(1)} %)`,
  )
  const goal: Goal = {
    goal: `20 organisation rules (5 CEL) over 5,000 entries add ≤ ${GOAL_PERCENT} % to validate`,
    status: status(wall.percent <= GOAL_PERCENT),
    detail: `load + evaluate ${ms(wall.added)} = ${wall.percent.toFixed(1)} % of validateSources ${ms(wall.v)} wall; ${cpu.percent.toFixed(1)} % in CPU time (load average ${load})`,
  }
  console.log(`${goal.status}  ${goal.goal}: ${goal.detail}`)
  const rows: Row[] = [
    { metric: 'validateSources alone (median wall)', value: ms(wall.v) },
    { metric: 'rules load + evaluate (median wall)', value: `${ms(wall.added)} (+${wall.percent.toFixed(1)} %)` },
    { metric: 'rules load + evaluate (median CPU)', value: `${ms(cpu.added)} (+${cpu.percent.toFixed(1)} %)` },
  ]
  printResult({ name: 'rules', rows, goals: [goal] })
}

if (isMain(import.meta.url)) runMain(main)
