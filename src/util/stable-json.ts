import { compareCodePoints } from './compare.js'

/**
 * JSON with object keys sorted by code point at every depth: the same value always gives the same
 * bytes, whatever order its keys were built in (plan hashes, snapshots). `undefined` members are
 * dropped as JSON.stringify drops them. `indent` as for JSON.stringify.
 */
export function stableStringify(value: unknown, indent?: number): string {
  return JSON.stringify(sortKeys(value), null, indent)
}

/** A deep copy with object keys in code-point order (arrays keep their order). */
export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys)
  if (value === null || typeof value !== 'object' || value instanceof Date) return value
  const out: Record<string, unknown> = {}
  for (const key of Object.keys(value).sort(compareCodePoints)) {
    const member = (value as Record<string, unknown>)[key]
    if (member !== undefined) out[key] = sortKeys(member)
  }
  return out
}
