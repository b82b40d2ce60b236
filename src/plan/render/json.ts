import type { Plan } from '../../types.js'

/**
 * Serialises JSON with object keys in code-unit order at every level, 2-space indent.
 * Written by hand rather than `JSON.stringify(sortKeys(x))` because JS objects always list
 * integer-like keys ("10", "2") first whatever order they were inserted in, so only a
 * serialiser that sorts as it writes gives truly sorted keys (tag keys can be digits).
 * Like JSON.stringify it drops `undefined` members and writes non-finite numbers as null.
 */
export function stringifySorted(value: unknown, indent = '  ', depth = 0): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null'
  const pad = indent.repeat(depth + 1)
  const close = indent.repeat(depth)
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]'
    const items = value.map((item: unknown) =>
      item === undefined || typeof item === 'function' ? 'null' : stringifySorted(item, indent, depth + 1),
    )
    return `[\n${pad}${items.join(`,\n${pad}`)}\n${close}]`
  }
  const record = value as Record<string, unknown>
  const members = Object.keys(record)
    .filter((k) => record[k] !== undefined && typeof record[k] !== 'function')
    .sort()
    .map((k) => `${JSON.stringify(k)}: ${stringifySorted(record[k], indent, depth + 1)}`)
  if (members.length === 0) return '{}'
  return `{\n${pad}${members.join(`,\n${pad}`)}\n${close}}`
}

/** `plan --format json` and the action's `plan-file`: the whole Plan, sorted keys, trailing newline. */
export function renderJsonPlan(plan: Plan): string {
  return `${stringifySorted(plan)}\n`
}
