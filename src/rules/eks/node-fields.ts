/**
 * `eks:node-entry-fields` — node entries carry no username, no kubernetesGroups and no access
 * policies: EKS sets the node identity and permissions itself (EKS-API.md §4, Types table).
 *
 * Confidence follows the reference: for EC2_LINUX, EC2_WINDOWS, FARGATE_LINUX and HYBRID_LINUX these
 * are errors. For `EC2` (Auto Mode NodeClass role) AmazonEKSAutoNodePolicy is the one policy EKS
 * documents associating, other policies are errors, while username/groups are UNCONFIRMED → warnings.
 * For HYPERPOD_LINUX every field rule is UNCONFIRMED → warnings only.
 */
import { policyName } from '../../policies.js'
import { NODE_USERNAMES, problemAt, type Manifest, type ManifestEntry, type Problem, type Severity } from '../../types.js'
import { isKnownNodeType } from './helpers.js'

const CODE = 'eks:node-entry-fields'
const AUTO_NODE_POLICY = 'AmazonEKSAutoNodePolicy'

/** Severity of username/groups on a node type: error where EKS-API.md confirms the rule. */
function identitySeverity(type: string): Severity {
  return type === 'EC2' || type === 'HYPERPOD_LINUX' ? 'warning' : 'error'
}

export function checkNodeEntryFields(manifest: Manifest): Problem[] {
  return manifest.accessEntries.flatMap(checkNodeFields)
}

function checkNodeFields(entry: ManifestEntry): Problem[] {
  const type = entry.type
  if (type === undefined || !isKnownNodeType(type)) return []
  return [...checkUsername(entry, type), ...checkGroups(entry, type), ...checkPolicies(entry, type), ...checkAutoNodePolicy(entry, type)]
}

/**
 * An `EC2` entry (Auto Mode NodeClass role) without AmazonEKSAutoNodePolicy: EKS documents
 * associating that policy to it, and the plan would disassociate it from a live entry that has
 * it, which breaks the nodes. A warning, since the entry itself is legal.
 */
function checkAutoNodePolicy(entry: ManifestEntry, type: string): Problem[] {
  if (type !== 'EC2' || entry.accessPolicies.some((p) => policyName(p.policyArn) === AUTO_NODE_POLICY)) return []
  return [
    problemAt(
      entry.locs.type ?? entry.locs.entry,
      'warning',
      CODE,
      `type EC2 entries (EKS Auto Mode node roles) need ${AUTO_NODE_POLICY} with cluster scope; without it the nodes get no permissions, and plan removes it from a live entry that has it. Add accessPolicies: [{policyArn: ${AUTO_NODE_POLICY}, accessScope: {type: cluster}}]`,
    ),
  ]
}

function checkUsername(entry: ManifestEntry, type: string): Problem[] {
  if (entry.username === undefined) return []
  const set = NODE_USERNAMES[type]
  const why = set === undefined ? 'EKS sets the node identity itself' : `EKS sets it to ${set}`
  return [
    problemAt(
      entry.locs.username ?? entry.locs.entry,
      identitySeverity(type),
      CODE,
      `type ${type} entries take no username (${why}); remove username "${entry.username}"`,
    ),
  ]
}

function checkGroups(entry: ManifestEntry, type: string): Problem[] {
  if (entry.kubernetesGroups.length === 0) return []
  return [
    problemAt(
      entry.locs.kubernetesGroups ?? entry.locs.entry,
      identitySeverity(type),
      CODE,
      `type ${type} entries take no kubernetesGroups (EKS adds the node groups itself); remove kubernetesGroups [${entry.kubernetesGroups.join(', ')}]`,
    ),
  ]
}

function checkPolicies(entry: ManifestEntry, type: string): Problem[] {
  return entry.accessPolicies.flatMap((policy) => {
    const name = policyName(policy.policyArn)
    if (type === 'EC2' && name === AUTO_NODE_POLICY) return []
    const severity: Severity = type === 'HYPERPOD_LINUX' ? 'warning' : 'error'
    const allowed = type === 'EC2' ? ` (only ${AUTO_NODE_POLICY} may be associated to an EC2 entry)` : ''
    return [
      problemAt(
        policy.locs.policyArn,
        severity,
        CODE,
        `type ${type} entries take no access policies${allowed}: EKS grants node permissions itself; remove policyArn "${policy.policyArn}" or use a STANDARD entry`,
      ),
    ]
  })
}
