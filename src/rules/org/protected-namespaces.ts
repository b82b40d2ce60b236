/**
 * `protected-namespaces` — `namespaces` (names or trailing-`*` prefixes, e.g. `kube-system`, `kube-*`)
 * may be granted only to principals matching `principals`. A namespace item of a namespace-scoped
 * association that names or (as a wildcard) covers a protected namespace is a violation at that item.
 * `allowWildcards` (default true): when false, a wildcard item that covers a protected namespace is
 * a violation even for the listed principals (protected namespaces must then be named exactly).
 * Cluster-scope grants are left to `policy-holders` and `namespace-scoped-policies`.
 */
import { patternMatcher } from './glob.js'
import { strings, type RuleKind } from './kind.js'
import { itemOverlaps, namespacePattern } from './namespaces.js'
import type { Violation } from './types.js'

export const protectedNamespaces: RuleKind = {
  kind: 'protected-namespaces',
  params: ['namespaces', 'principals', 'allowWildcards'],
  compile(params, common) {
    const protectedList = strings(params.namespaces).map((n) => ({ text: n, pattern: namespacePattern(n) }))
    const principals = strings(params.principals)
    const allowed = patternMatcher(principals)
    const allowWildcards = params.allowWildcards !== false
    return {
      ...common,
      scope: 'entry',
      checkEntry({ entry }) {
        let listed: boolean | undefined
        const out: Violation[] = []
        for (const policy of entry.accessPolicies) {
          if (policy.accessScope.type !== 'namespace') continue
          policy.accessScope.namespaces.forEach((item, i) => {
            const hit = protectedList.find((p) => itemOverlaps(item, p.pattern))
            if (hit === undefined) return
            const pattern = namespacePattern(item)
            listed ??= allowed(entry.principalArn)
            if (listed && (allowWildcards || !pattern.wildcard)) return
            const loc = policy.locs.namespaceItems[i] ?? policy.locs.namespaces ?? policy.locs.policyArn
            const detail = listed
              ? `namespace wildcard "${item}" covers protected namespace "${hit.text}"; name protected namespaces exactly`
              : `namespace "${item}" ${pattern.wildcard ? 'covers' : 'is'} protected namespace "${hit.text}", which only principals matching ${principals.map((p) => `"${p}"`).join(', ') || '(none)'} may be granted`
            out.push({ loc, principalArn: entry.principalArn, detail })
          })
        }
        return out
      },
    }
  },
}
