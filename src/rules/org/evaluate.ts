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
import { compareStrings } from '../../manifest/load.js'
import { entrySelector } from '../eks/helpers.js'
import type { Manifest, ManifestCluster, ManifestEntry, Problem } from '../../types.js'
import { clusterMatcher, fileMatcher, type Matcher } from './glob.js'
import type { CompiledRule, EvaluateOptions, RuleSet, Violation } from './types.js'

export function evaluateOrgRules(ruleSet: RuleSet, manifest: Manifest, opts: EvaluateOptions = {}): Problem[] {
  if (ruleSet.rules.length === 0) return []
  const toRoot = rootRelative(opts.cwdFromRoot ?? '')
  const select = entrySelector(manifest)
  const entries = manifest.accessEntries.map((entry) => ({
    entry,
    file: toRoot(entry.locs.entry.file),
    clusters: select(entry).clusters,
  }))
  const memo = new Map<string, WeakMap<object, unknown>>()
  const problems: Problem[] = []
  let byCluster: Map<string, ManifestEntry[]> | undefined
  for (const rule of ruleSet.rules) {
    const inFiles: Matcher = rule.files === undefined ? () => true : fileMatcher(rule.files)
    const inClusters: Matcher = rule.clusters === undefined ? () => true : clusterMatcher(rule.clusters)
    if (rule.scope === 'entry') {
      // entries share a handful of selections (entrySelector memoises them): filter each once per rule
      const filtered = new Map<readonly ManifestCluster[], readonly ManifestCluster[]>()
      const clustersOf = (all: readonly ManifestCluster[]): readonly ManifestCluster[] => {
        let hit = filtered.get(all)
        if (hit === undefined) filtered.set(all, (hit = all.filter((c) => inClusters(c.key))))
        return hit
      }
      // entries come file by file: match each file once
      let lastFile: string | undefined
      let inFile = true
      for (const e of entries) {
        if (rule.files !== undefined && e.file !== lastFile) {
          lastFile = e.file
          inFile = inFiles(e.file)
        }
        if (!inFile) continue
        const clusters = rule.clusters === undefined ? e.clusters : clustersOf(e.clusters)
        // a rule scoped to some clusters does not concern an entry that selects none of them
        if (rule.clusters !== undefined && clusters.length === 0) continue
        for (const v of rule.checkEntry({ entry: e.entry, file: e.file, clusters, memo })) {
          problems.push(toProblem(rule, v.clusters === undefined ? { ...v, clusters: clusters.map((c) => c.key) } : v, e.file))
        }
      }
    } else {
      byCluster ??= entriesByCluster(manifest.clusters, entries, opts.now)
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

function compareProblems(a: Problem, b: Problem): number {
  return (
    compareStrings(a.file, b.file) ||
    a.line - b.line ||
    a.column - b.column ||
    compareStrings(a.code, b.code) ||
    compareStrings(a.message, b.message)
  )
}
