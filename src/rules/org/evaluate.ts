/**
 * The evaluation stage: a loaded RuleSet over the built Manifest → Problems, in a deterministic order
 * (sorted by file, line, column, code, message). Pure; the rule set is compiled once at load.
 *
 * Each problem has code `rule:<id>`, the rule's severity (a CEL rule that cannot judge an entry is
 * always an error), and a message that starts with the rule's own `message` (placeholders
 * interpolated) followed by what is wrong.
 */
import path from 'node:path'
import { isExpired } from '../../expiry.js'
import { compareProblems } from '../../util/compare.js'
import { entrySelector } from '../eks/helpers.js'
import { accountOfArn } from '../../arn.js'
import { policyName } from '../../policies.js'
import type { Manifest, ManifestCluster, ManifestEntry, Partition, Problem } from '../../types.js'
import { celCluster, celEntry } from './cel.js'
import { clusterMatcher, fileMatcher, type Matcher } from './glob.js'
import type { CelActivation, CompiledRule, EntryFacts, EntryView, EvaluateOptions, RuleSet, Violation } from './types.js'

export function evaluateOrgRules(ruleSet: RuleSet, manifest: Manifest, opts: EvaluateOptions = {}): Problem[] {
  if (ruleSet.rules.length === 0) return []
  const toRoot = memoised(rootRelative(opts.cwdFromRoot ?? ''))
  const select = entrySelector(manifest)
  const entryRules: PreparedEntryRule[] = []
  const clusterRules: CompiledRule[] = []
  for (const rule of ruleSet.rules) {
    if (rule.scope === 'entry') entryRules.push(prepareEntryRule(rule))
    else clusterRules.push(rule)
  }
  const clusterVars = new Map<ManifestCluster, Record<string, unknown>>()
  const problems: Problem[] = []
  const selected: { entry: ManifestEntry; clusters: readonly ManifestCluster[] }[] = []
  // Entries outer, rules inner: what several rules derive from an entry (EntryFacts) is computed once.
  // Entries come file by file, so the rules whose `files` match are picked once per file.
  let lastFile: string | undefined
  let active: readonly PreparedEntryRule[] = entryRules
  for (const entry of manifest.accessEntries) {
    const file = toRoot(entry.locs.entry.file)
    const clusters = select(entry).clusters
    if (clusterRules.length > 0) selected.push({ entry, clusters })
    if (entryRules.length === 0) continue
    if (file !== lastFile) {
      lastFile = file
      active = entryRules.filter((r) => r.inFiles === undefined || r.inFiles(file))
    }
    if (active.length === 0) continue
    const view: EntryView = { entry, file, clusters, facts: new Facts(entry, file, clusterVars) }
    for (const r of active) {
      let v = view
      if (r.clustersOf !== undefined) {
        const mine = r.clustersOf(clusters)
        // a rule scoped to some clusters does not concern an entry that selects none of them
        if (mine.length === 0) continue
        if (mine !== clusters) v = { ...view, clusters: mine }
      }
      const found = r.rule.checkEntry(v)
      for (const x of found)
        problems.push(toProblem(r.rule, x.clusters === undefined ? { ...x, clusters: v.clusters.map((c) => c.key) } : x, file))
    }
  }
  if (clusterRules.length > 0) {
    const byCluster = entriesByCluster(manifest.clusters, selected, opts.now)
    for (const rule of clusterRules) {
      if (rule.scope !== 'cluster') continue
      const inFiles: Matcher = rule.files === undefined ? () => true : fileMatcher(rule.files)
      const inClusters: Matcher = rule.clusters === undefined ? () => true : clusterMatcher(rule.clusters)
      for (const cluster of manifest.clusters) {
        const file = toRoot(cluster.locs.key.file)
        if (!inFiles(file) || !inClusters(cluster.key)) continue
        for (const v of rule.checkCluster({ cluster, file, entries: byCluster.get(cluster.key) ?? [] }))
          problems.push(toProblem(rule, v, file))
      }
    }
  }
  return problems.sort(compareProblems)
}

interface PreparedEntryRule {
  readonly rule: Extract<CompiledRule, { scope: 'entry' }>
  /** undefined: every file */
  readonly inFiles?: Matcher
  /** undefined: every cluster; else the entry's clusters the rule's selectors match (the same array when all do) */
  readonly clustersOf?: (all: readonly ManifestCluster[]) => readonly ManifestCluster[]
}

function prepareEntryRule(rule: Extract<CompiledRule, { scope: 'entry' }>): PreparedEntryRule {
  const inFiles = rule.files === undefined ? undefined : fileMatcher(rule.files)
  if (rule.clusters === undefined) return inFiles === undefined ? { rule } : { rule, inFiles }
  const inClusters = clusterMatcher(rule.clusters)
  // entries share a handful of selections (entrySelector memoises them): filter each once per rule
  const filtered = new Map<readonly ManifestCluster[], readonly ManifestCluster[]>()
  const clustersOf = (all: readonly ManifestCluster[]): readonly ManifestCluster[] => {
    let hit = filtered.get(all)
    if (hit === undefined) {
      const kept = all.filter((c) => inClusters(c.key))
      filtered.set(all, (hit = kept.length === all.length ? all : kept))
    }
    return hit
  }
  return inFiles === undefined ? { rule, clustersOf } : { rule, inFiles, clustersOf }
}

/** EntryFacts, each computed on first use (most entries pass most rules, so most are never needed). */
class Facts implements EntryFacts {
  #account: string | null | undefined = null
  #accountKnown = false
  #policyNames: readonly string[] | undefined
  #celEntries: Map<Partition, Record<string, unknown>> | undefined
  #activations: Map<ManifestCluster | undefined, CelActivation> | undefined

  constructor(
    private readonly entry: ManifestEntry,
    private readonly file: string,
    private readonly clusterVars: Map<ManifestCluster, Record<string, unknown>>,
  ) {}

  get account(): string | undefined {
    if (!this.#accountKnown) {
      this.#account = accountOfArn(this.entry.principalArn)
      this.#accountKnown = true
    }
    return this.#account ?? undefined
  }

  get policyNames(): readonly string[] {
    return (this.#policyNames ??= this.entry.accessPolicies.map((p) => policyName(p.policyArn)))
  }

  celActivation(cluster: ManifestCluster | undefined): CelActivation {
    const activations = (this.#activations ??= new Map())
    let activation = activations.get(cluster)
    if (activation === undefined) {
      const partition = cluster?.partition ?? 'aws'
      const entries = (this.#celEntries ??= new Map())
      let entry = entries.get(partition)
      if (entry === undefined) entries.set(partition, (entry = celEntry(this.entry, partition)))
      activations.set(cluster, (activation = { entry, cluster: this.clusterVar(cluster), file: this.file }))
    }
    return activation
  }

  private clusterVar(cluster: ManifestCluster | undefined): Record<string, unknown> {
    if (cluster === undefined) return {}
    let v = this.clusterVars.get(cluster)
    if (v === undefined) this.clusterVars.set(cluster, (v = celCluster(cluster)))
    return v
  }
}

/** A pure function of a string, memoised for one evaluation (manifest paths repeat per entry). */
function memoised(f: (s: string) => string): (s: string) => string {
  const cache = new Map<string, string>()
  return (s) => {
    let v = cache.get(s)
    if (v === undefined) cache.set(s, (v = f(s)))
    return v
  }
}

function entriesByCluster(
  clusters: readonly ManifestCluster[],
  entries: readonly { entry: ManifestEntry; clusters: readonly ManifestCluster[] }[],
  now: Date | undefined,
): Map<string, ManifestEntry[]> {
  const map = new Map<string, ManifestEntry[]>(clusters.map((c) => [c.key, []]))
  for (const { entry, clusters: selected } of entries) {
    if (now !== undefined && entry.expiresAt !== undefined && isExpired(entry.expiresAt, now)) continue
    for (const c of selected) map.get(c.key)?.push(entry)
  }
  return map
}

function rootRelative(cwdFromRoot: string): (file: string) => string {
  const prefix = cwdFromRoot
    .replace(/\\/g, '/')
    .replace(/^\.\/?/, '')
    .replace(/\/$/, '')
  if (prefix === '') return (file) => file
  return (file) => path.posix.normalize(`${prefix}/${file}`)
}

/** The rule's message with `{principalArn}`, `{cluster}` and `{file}` replaced. */
export const PLACEHOLDERS: readonly string[] = ['principalArn', 'cluster', 'file']

export function interpolate(message: string, values: Readonly<Record<string, string>>): string {
  return message.replace(/\{([A-Za-z]+)\}/g, (whole, name: string) => values[name] ?? whole)
}

function toProblem(rule: CompiledRule, v: Violation, file: string): Problem {
  const own =
    rule.message === undefined
      ? undefined
      : interpolate(rule.message, { principalArn: v.principalArn ?? '', cluster: (v.clusters ?? []).join(', '), file })
  return {
    severity: v.severity ?? rule.severity,
    code: `rule:${rule.id}`,
    message: own === undefined ? v.detail : `${own}: ${v.detail}`,
    file: v.loc.file,
    line: v.loc.line,
    column: v.loc.column,
  }
}
