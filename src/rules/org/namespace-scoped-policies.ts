/** `namespace-scoped-policies` — `policies` may only be associated with `accessScope.type: namespace`; at `policyArn`. */
import { strings, type RuleKind } from './kind.js'
import { checkPolicyRef, namesAnyPolicy, policyName } from './policy-ref.js'

export const namespaceScopedPolicies: RuleKind = {
  kind: 'namespace-scoped-policies',
  params: ['policies'],
  compile(params, common, ctx) {
    const list = strings(params.policies)
    const problems = list.flatMap((p, i) => checkPolicyRef(p, ctx.locate(['policies', i]), common.id))
    if (problems.length > 0) return problems
    const listed = namesAnyPolicy(list.map(policyName))
    return {
      ...common,
      scope: 'entry',
      checkEntry({ entry }) {
        return entry.accessPolicies
          .filter((p) => p.accessScope.type === 'cluster' && listed(p.policyArn))
          .map((p) => ({
            loc: p.locs.policyArn,
            principalArn: entry.principalArn,
            detail: `${policyName(p.policyArn)} must be namespace-scoped, not cluster-scoped; use accessScope: { type: namespace, namespaces: [...] }`,
          }))
      },
    }
  },
}
