/** Policy references in rules: short names or full ARNs, compared by short name (any partition). */
import { BUILT_IN_POLICY_NAMES, isPolicyArn, parsePolicyArn, policyName } from '../../policies.js'
import { problemAt, type Loc, type Problem } from '../../types.js'
import { didYouMean } from '../eks/helpers.js'

export { policyName }

/**
 * A predicate "this reference names policy `name`" that avoids parsing every ARN: a short name is
 * compared as is, an ARN only when it ends in `/name` (thousands of associations per run).
 */
export function namesPolicy(name: string): (ref: string) => boolean {
  const suffix = `/${name}`
  return (ref) => ref === name || (ref.endsWith(suffix) && policyName(ref) === name)
}

export function namesAnyPolicy(names: readonly string[]): (ref: string) => boolean {
  const tests = names.map(namesPolicy)
  return (ref) => tests.some((t) => t(ref))
}

/** An unknown short name would make the rule match nothing, silently: an error with did-you-mean. */
export function checkPolicyRef(ref: string, loc: Loc, ruleId: string): Problem[] {
  if (isPolicyArn(ref)) {
    if (parsePolicyArn(ref) !== undefined) return []
    return [
      problemAt(
        loc,
        'error',
        'rules:policy',
        `rule "${ruleId}": "${ref}" is not an access-policy ARN (arn:aws:eks::aws:cluster-access-policy/NAME); write the short name, e.g. AmazonEKSClusterAdminPolicy`,
      ),
    ]
  }
  if (BUILT_IN_POLICY_NAMES.includes(ref)) return []
  return [
    problemAt(
      loc,
      'error',
      'rules:policy',
      `rule "${ruleId}": unknown access policy "${ref}"${didYouMean(ref, BUILT_IN_POLICY_NAMES)}; use a name from ListAccessPolicies, or its full ARN for a policy newer than this release`,
    ),
  ]
}
