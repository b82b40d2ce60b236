/**
 * `cel` — a custom rule: `expression` in CEL (as in Kubernetes ValidatingAdmissionPolicy) is evaluated
 * per access entry and selected cluster with these variables bound, and `true` means acceptable:
 *
 *   entry   {principalArn, accountId, type, username, kubernetesGroups, tags, expiresAt,
 *            accessPolicies: [{policyArn, policyName, accessScope: {type, namespaces}}]}
 *           normalised: type defaults to STANDARD, username and expiresAt are "" when not set,
 *           groups and namespaces sorted without duplicates, policies in manifest order (one per
 *           ARN), policyArn the full ARN in the cluster's partition, accountId "" when the ARN has none
 *   cluster {key, name, region, accountId, partition}  (key: the logical name)
 *   file    the entry's manifest path relative to the repository root
 *
 * `false` is a violation at the entry's first line; a non-boolean result or an evaluation error is an
 * error there whatever the rule's severity. The expression is parsed and type-checked once, at load: a
 * syntax or type error is a problem in the rules file at the expression (line and column when the
 * expression is a one-line scalar). An expression that never mentions `cluster` runs once per entry.
 */
import { Environment, type ASTNode } from '@marcbachmann/cel-js'
import { accountOfArn } from '../../arn.js'
import { DEFAULT_ENTRY_TYPE, sortedSet } from '../../plan/normalize.js'
import { isPolicyArn, policyArnFor, policyName } from '../../policies.js'
import type { ManifestCluster, ManifestEntry, Partition } from '../../types.js'
import { NONE, type RuleKind } from './kind.js'
import type { Violation } from './types.js'

/** One environment for every rule: the variables are declared, so a typo (`entri`) fails to compile. */
function celEnvironment(): Environment {
  return new Environment({ unlistedVariablesAreDyn: false, homogeneousAggregateLiterals: false })
    .registerVariable('entry', 'map')
    .registerVariable('cluster', 'map')
    .registerVariable('file', 'string')
}

let sharedEnvironment: Environment | undefined
/** Built on first use (a memo of a pure constructor; registering is what costs). */
function environment(): Environment {
  return (sharedEnvironment ??= celEnvironment())
}

export type CelCompiled =
  { ok: true; run: (vars: CelVariables) => unknown; usesCluster: boolean } | { ok: false; message: string; offset: number }

export interface CelVariables {
  readonly entry: Readonly<Record<string, unknown>>
  readonly cluster: Readonly<Record<string, unknown>>
  readonly file: string
}

/** Parses and type-checks once; the result must be `bool` (or `dyn`, checked per evaluation). */
export function compileCel(expression: string): CelCompiled {
  let parsed
  try {
    parsed = environment().parse(expression)
  } catch (e) {
    return { ok: false, message: celMessage(e), offset: celOffset(e) }
  }
  const checked = parsed.check()
  if (!checked.valid) return { ok: false, message: celMessage(checked.error), offset: celOffset(checked.error) }
  if (checked.type !== 'bool' && checked.type !== 'dyn') {
    return {
      ok: false,
      message: `the expression returns ${checked.type ?? 'an unknown type'}; it must return a bool (true when the entry is acceptable)`,
      offset: 0,
    }
  }
  return { ok: true, run: (vars) => parsed(vars), usesCluster: mentions(parsed.ast, 'cluster') }
}

function celMessage(e: unknown): string {
  if (e instanceof Error) {
    const summary = (e as { summary?: unknown }).summary
    return typeof summary === 'string' && summary !== '' ? summary : (e.message.split('\n')[0] ?? e.message)
  }
  return String(e)
}

function celOffset(e: unknown): number {
  const range = (e as { range?: { start?: unknown } } | undefined)?.range
  return typeof range?.start === 'number' ? range.start : 0
}

function mentions(node: ASTNode, name: string): boolean {
  if (node.op === 'id') return node.args === name
  const args: unknown = node.args
  const stack: unknown[] = Array.isArray(args) ? [...(args as unknown[])] : [args]
  while (stack.length > 0) {
    const item = stack.pop()
    if (Array.isArray(item)) stack.push(...(item as unknown[]))
    else if (typeof item === 'object' && item !== null && 'op' in item && mentions(item as ASTNode, name)) return true
  }
  return false
}

/** The `entry` variable: the access entry as EKS would hold it in the given partition. Built once per entry. */
export function celEntry(entry: ManifestEntry, partition: Partition): Record<string, unknown> {
  return {
    principalArn: entry.principalArn,
    accountId: accountOfArn(entry.principalArn) ?? '',
    type: entry.type === undefined || entry.type === '' ? DEFAULT_ENTRY_TYPE : entry.type,
    username: entry.username ?? '',
    kubernetesGroups: entry.kubernetesGroups.length < 2 ? [...entry.kubernetesGroups] : sortedSet(entry.kubernetesGroups),
    tags: entry.tags,
    expiresAt: entry.expiresAt ?? '',
    accessPolicies: entry.accessPolicies.length === 0 ? [] : celPolicies(entry, partition),
  }
}

/** Full ARNs, one per policy (the last scope wins, as in EKS), in manifest order; namespaces as sorted sets. */
function celPolicies(entry: ManifestEntry, partition: Partition): Record<string, unknown>[] {
  const byArn = new Map<string, Record<string, unknown>>()
  for (const p of entry.accessPolicies) {
    const policyArn = policyArnFor(p.policyArn, partition)
    const scope = p.accessScope
    byArn.set(policyArn, {
      policyArn,
      policyName: isPolicyArn(p.policyArn) ? policyName(p.policyArn) : p.policyArn,
      accessScope: {
        type: scope.type,
        namespaces: scope.type === 'cluster' ? [] : scope.namespaces.length < 2 ? [...scope.namespaces] : sortedSet(scope.namespaces),
      },
    })
  }
  return [...byArn.values()]
}

export function celCluster(cluster: ManifestCluster | undefined): Record<string, unknown> {
  if (cluster === undefined) return {}
  return { key: cluster.key, name: cluster.name, region: cluster.region, accountId: cluster.accountId, partition: cluster.partition }
}

export const celRule: RuleKind = {
  kind: 'cel',
  params: ['expression'],
  compile(params, common, ctx) {
    const expression = String(params.expression)
    const compiled = compileCel(expression)
    if (!compiled.ok) {
      return [
        {
          severity: 'error',
          code: 'rules:cel',
          message: `rule "${common.id}": CEL expression does not compile: ${compiled.message}`,
          ...ctx.locateInString(['expression'], compiled.offset),
        },
      ]
    }
    const { run, usesCluster } = compiled
    return {
      ...common,
      scope: 'entry',
      checkEntry({ entry, clusters, facts }) {
        // Without `cluster` in the expression the verdict is the same on every cluster: run once.
        if (!usesCluster) {
          const verdict = judge(run, facts.celActivation(clusters[0]))
          return verdict === true ? NONE : violations(common.id, entry, [{ verdict, clusters: clusters.map((c) => c.key) }])
        }
        let bad: { verdict: Verdict; clusters: string[] }[] | undefined
        for (const cluster of clusters) {
          const verdict = judge(run, facts.celActivation(cluster))
          if (verdict !== true) (bad ??= []).push({ verdict, clusters: [cluster.key] })
        }
        return bad === undefined ? NONE : violations(common.id, entry, bad)
      },
    }
  },
}

/** true (acceptable), false (a violation), or why the entry could not be judged. */
type Verdict = boolean | { readonly why: string }

function judge(run: (vars: CelVariables) => unknown, vars: CelVariables): Verdict {
  let result: unknown
  try {
    result = run(vars)
  } catch (e) {
    return { why: `evaluation failed: ${celMessage(e)}` }
  }
  if (typeof result === 'boolean') return result
  return { why: `the expression returned ${describe(result)}, not a bool` }
}

/** One violation for the clusters where the expression was false, one per cluster it could not judge. */
function violations(id: string, entry: ManifestEntry, bad: readonly { verdict: Verdict; clusters: string[] }[]): Violation[] {
  const out: Violation[] = []
  const falseOn = bad.filter((b) => b.verdict === false)
  if (falseOn.length > 0) {
    const failed = falseOn.flatMap((b) => b.clusters)
    out.push({
      loc: entry.locs.entry,
      principalArn: entry.principalArn,
      clusters: failed,
      detail: `entry does not satisfy CEL rule "${id}"${failed.length > 0 ? ` (cluster ${failed.join(', ')})` : ''}`,
    })
  }
  for (const b of bad) {
    if (typeof b.verdict === 'boolean') continue
    out.push({
      loc: entry.locs.entry,
      principalArn: entry.principalArn,
      clusters: b.clusters,
      severity: 'error',
      detail: `CEL rule "${id}" could not judge this entry${b.clusters.length > 0 ? ` (cluster ${b.clusters.join(', ')})` : ''}: ${b.verdict.why}`,
    })
  }
  return out
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return 'null'
  if (typeof value === 'bigint') return `the int ${value}`
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`
  if (Array.isArray(value)) return 'a list'
  if (typeof value === 'object') return 'a map'
  return `${typeof value} ${String(value)}`
}
