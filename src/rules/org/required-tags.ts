/**
 * `required-tags` — `tags`: a list of keys every entry must carry, or a map of key → value pattern.
 * A missing key is a violation at `tags` (else the entry's first line); a value that does not match
 * its pattern is a violation at that tag's key.
 */
import { patternToRegExp } from './glob.js'
import type { RuleKind } from './kind.js'
import type { Violation } from './types.js'

export const requiredTags: RuleKind = {
  kind: 'required-tags',
  params: ['tags'],
  compile(params, common) {
    const raw = params.tags
    const required: { key: string; value?: string; re?: RegExp }[] = Array.isArray(raw)
      ? raw.map((k) => ({ key: String(k) }))
      : Object.entries((raw ?? {}) as Record<string, unknown>).map(([key, v]) => ({
          key,
          value: String(v),
          re: patternToRegExp(String(v)),
        }))
    return {
      ...common,
      scope: 'entry',
      checkEntry({ entry }) {
        const out: Violation[] = []
        const missing = required.filter((r) => entry.tags[r.key] === undefined).map((r) => r.key)
        if (missing.length > 0) {
          out.push({
            loc: entry.locs.tags ?? entry.locs.entry,
            principalArn: entry.principalArn,
            detail: `missing required tag${missing.length === 1 ? '' : 's'} ${missing.map((k) => `"${k}"`).join(', ')}`,
          })
        }
        for (const r of required) {
          const value = entry.tags[r.key]
          if (value === undefined || r.re === undefined || r.re.test(value)) continue
          out.push({
            loc: entry.locs.tagKeys[r.key] ?? entry.locs.tags ?? entry.locs.entry,
            principalArn: entry.principalArn,
            detail: `tag "${r.key}" is "${value}", which does not match "${r.value ?? ''}"`,
          })
        }
        return out
      },
    }
  },
}
