import { createHash } from 'node:crypto'
import type { ClusterPlan } from '../types.js'
import { stableStringify as sortedJson } from '../util/stable-json.js'

/** Stable JSON (keys sorted by code point at every depth): the one implementation is in src/util. */
export function stableStringify(value: unknown): string {
  return sortedJson(value) ?? 'null'
}

/**
 * sha256 (hex) of the stable JSON of the cluster plans. Only `clusters` is hashed: the manifest
 * commit, problems and any timestamps stay out, so re-planning unchanged access gives the same
 * hash and apply can refuse when it differs from what was reviewed.
 */
export function planHash(clusters: readonly ClusterPlan[]): string {
  return createHash('sha256').update(stableStringify(clusters)).digest('hex')
}
