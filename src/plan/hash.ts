import { createHash } from 'node:crypto'
import type { ClusterPlan } from '../types.js'

/**
 * JSON with object keys sorted at every depth and no whitespace, so equal values always give equal
 * text (codeql-action's computeAutomationID sorts for the same reason). Like JSON.stringify,
 * undefined members are left out and undefined array items become null.
 */
export function stableStringify(value: unknown): string {
  return JSON.stringify(value, sortKeys) ?? 'null'
}

/** JSON.stringify replacer: plain objects are re-created with their keys in sorted order. */
function sortKeys(_key: string, value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value
  const record = value as Record<string, unknown>
  const sorted: Record<string, unknown> = {}
  for (const key of Object.keys(record).sort()) sorted[key] = record[key]
  return sorted
}

/**
 * sha256 (hex) of the stable JSON of the cluster plans. Only `clusters` is hashed: the manifest
 * commit, problems and any timestamps stay out, so re-planning unchanged access gives the same
 * hash and apply can refuse when it differs from what was reviewed.
 */
export function planHash(clusters: readonly ClusterPlan[]): string {
  return createHash('sha256').update(stableStringify(clusters)).digest('hex')
}
