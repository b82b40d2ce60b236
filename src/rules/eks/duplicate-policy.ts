/**
 * `eks:duplicate-policy` — a policy is associated at most once per entry (EKS-API.md §4: a second
 * AssociateAccessPolicy replaces the scope). The short name and any full ARN of the same policy
 * count as one; the error is at the second occurrence and names the first.
 */
import { policyName } from '../../policies.js'
import { problemAt, type Loc, type Manifest, type ManifestEntry, type Problem } from '../../types.js'
import { fileLine } from './helpers.js'

export function checkDuplicatePolicies(manifest: Manifest): Problem[] {
  return manifest.accessEntries.flatMap(checkEntry)
}

function checkEntry(entry: ManifestEntry): Problem[] {
  const firstSeen = new Map<string, { readonly ref: string; readonly loc: Loc }>()
  return entry.accessPolicies.flatMap((policy) => {
    const name = policyName(policy.policyArn)
    const first = firstSeen.get(name)
    if (first === undefined) {
      firstSeen.set(name, { ref: policy.policyArn, loc: policy.locs.policyArn })
      return []
    }
    const same = first.ref === policy.policyArn ? '' : ` as "${first.ref}"`
    return [
      problemAt(
        policy.locs.policyArn,
        'error',
        'eks:duplicate-policy',
        `policy ${name} is already associated to this entry${same} at ${fileLine(first.loc)}; an entry holds each policy once — merge the two into one accessScope (list all namespaces there)`,
      ),
    ]
  })
}
