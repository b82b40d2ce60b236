/**
 * Policy references (EKS-API.md §6):
 * - `eks:unknown-policy` — a short name missing from the catalogue is an error (with a did-you-mean);
 *   a well-formed full ARN missing from it only a warning, because AWS keeps adding policies.
 * - `eks:policy-arn` — a full ARN that is not `arn:<partition>:eks::aws:cluster-access-policy/<Name>`.
 * - `eks:policy-partition` — a full ARN whose partition differs from a selected cluster's; a short
 *   name is resolved in each cluster's partition and never has this problem.
 */
import { isPolicyArn, parsePolicyArn } from '../../policies.js'
import { problemAt, type Manifest, type ManifestAccessPolicy, type Problem } from '../../types.js'
import { didYouMean, entrySelector, type EntrySelection } from './helpers.js'
import type { EksRuleContext } from './context.js'

const POLICY_ARN_FORM = 'arn:<partition>:eks::aws:cluster-access-policy/<Name>'

export function checkPolicyReferences(manifest: Manifest, ctx: EksRuleContext): Problem[] {
  const names = ctx.catalogue.map((p) => p.name)
  const select = entrySelector(manifest)
  return manifest.accessEntries.flatMap((entry) =>
    entry.accessPolicies.flatMap((policy) => checkPolicy(policy, () => select(entry), names)),
  )
}

function checkPolicy(policy: ManifestAccessPolicy, selected: () => EntrySelection, catalogue: readonly string[]): Problem[] {
  const ref = policy.policyArn
  const loc = policy.locs.policyArn
  if (!isPolicyArn(ref)) {
    if (catalogue.includes(ref)) return []
    return [
      problemAt(
        loc,
        'error',
        'eks:unknown-policy',
        `policyArn "${ref}" is not a known EKS access policy${didYouMean(ref, catalogue)}; use a name from aws eks list-access-policies (e.g. AmazonEKSViewPolicy) or a full ARN`,
      ),
    ]
  }
  const parsed = parsePolicyArn(ref)
  if (parsed === undefined) return [problemAt(loc, 'error', 'eks:policy-arn', `policyArn "${ref}" ${describePolicyArnDefect(ref)}`)]
  const problems: Problem[] = []
  const others = selected().clusters.filter((c) => c.partition !== parsed.partition)
  if (others.length > 0) {
    const detail = others.map((c) => `"${c.key}" (partition ${c.partition})`).join(', ')
    problems.push(
      problemAt(
        loc,
        'error',
        'eks:policy-partition',
        `policyArn "${ref}" is in partition ${parsed.partition} but the entry selects ${detail}; write the short name ${parsed.name} so each cluster gets its own partition's ARN`,
      ),
    )
  }
  if (!catalogue.includes(parsed.name)) {
    problems.push(
      problemAt(
        loc,
        'warning',
        'eks:unknown-policy',
        `policyArn "${ref}" names ${parsed.name}, which is not in the known access-policy catalogue${didYouMean(parsed.name, catalogue)}; fine if AWS added it recently (plan checks it against ListAccessPolicies)`,
      ),
    )
  }
  return problems
}

/** What is wrong with a string that starts with `arn:` but is no access-policy ARN. */
function describePolicyArnDefect(ref: string): string {
  const [, partition = '', service = '', region = '', account = '', ...rest] = ref.split(':')
  const resource = rest.join(':')
  const expected = `expected ${POLICY_ARN_FORM}`
  if (service === 'iam' && resource.startsWith('policy/')) {
    return `is an IAM policy, not an EKS access policy; ${expected} or a short name such as AmazonEKSViewPolicy`
  }
  if (!['aws', 'aws-cn', 'aws-us-gov'].includes(partition))
    return `has partition "${partition}", not aws, aws-cn or aws-us-gov; ${expected}`
  if (service !== 'eks') return `has service "${service}", not eks; ${expected}`
  if (region !== '') return `has region "${region}"; access-policy ARNs have none (eks::aws); ${expected}`
  if (account !== 'aws') return `has account "${account}"; AWS-managed access policies have account "aws"; ${expected}`
  if (!resource.startsWith('cluster-access-policy/')) return `has resource "${resource}", not cluster-access-policy/<Name>; ${expected}`
  return `has an empty or invalid policy name; ${expected}`
}
