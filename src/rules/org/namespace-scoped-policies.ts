/** `namespace-scoped-policies` — `policies` may only be associated with `accessScope.type: namespace`; at `policyArn`. */
import { NONE, strings, type RuleKind } from './kind.js'
import { checkPolicyRef, policyName } from './policy-ref.js'
import type { Violation } from './types.js'

export const namespaceScopedPolicies: RuleKind = {
  kind: 'namespace-scoped-policies',
  params: ['policies'],
  compile(params, common, ctx) {
    const list = strings(params.policies)
    const problems = list.flatMap((p, i) => checkPolicyRef(p, ctx.locate(['policies', i]), common.id))
    if (problems.length > 0) return problems
    const listed = new Set(list.map(policyName))
    return {
      ...common,
      scope: 'entry',
      checkEntry({ entry, facts }) {
        let out: Violation[] | undefined
        entry.accessPolicies.forEach((p, i) => {
          const name = facts.policyNames[i] as string
          if (p.accessScope.type !== 'cluster' || !listed.has(name)) return
          ;(out ??= []).push({
            loc: p.locs.policyArn,
            principalArn: entry.principalArn,
            detail: `${name} must be namespace-scoped, not cluster-scoped; use accessScope: { type: namespace, namespaces: [...] }`,
          })
        })
        return out ?? NONE
      },
    }
  },
}
