import type { AccessPolicyInfo, Partition } from './types.js'

/**
 * AWS-managed access policies known at release time (EKS-API.md §6, from a real
 * `aws eks list-access-policies`). AWS keeps adding policies, so `plan` refreshes this list
 * from ListAccessPolicies; `validate` needs no AWS access and uses it as is: an unknown short
 * name is an error, an unknown full ARN only a warning.
 */
export const BUILT_IN_POLICY_NAMES: readonly string[] = [
  'AIDevOpsAgentAccessPolicy',
  'AmazonAIOpsAssistantPolicy',
  'AmazonARCRegionSwitchScalingPolicy',
  'AmazonEKSACKPolicy',
  'AmazonEKSAdminPolicy',
  'AmazonEKSAdminViewPolicy',
  'AmazonEKSArgoCDClusterPolicy',
  'AmazonEKSArgoCDPolicy',
  'AmazonEKSAutoNodePolicy',
  'AmazonEKSBlockStorageClusterPolicy',
  'AmazonEKSBlockStoragePolicy',
  'AmazonEKSClusterAdminPolicy',
  'AmazonEKSComputeClusterPolicy',
  'AmazonEKSComputePolicy',
  'AmazonEKSEditPolicy',
  'AmazonEKSEventPolicy',
  'AmazonEKSHybridPolicy',
  'AmazonEKSKROPolicy',
  'AmazonEKSLoadBalancingClusterPolicy',
  'AmazonEKSLoadBalancingPolicy',
  'AmazonEKSNetworkingClusterPolicy',
  'AmazonEKSNetworkingPolicy',
  'AmazonEKSPodIdentityPolicy',
  'AmazonEKSSecretAdminPolicy',
  'AmazonEKSSecretReaderPolicy',
  'AmazonEKSViewPolicy',
  'AmazonEMRJobPolicy',
  'AmazonSagemakerHyperpodClusterPolicy',
  'AmazonSagemakerHyperpodControllerPolicy',
  'AmazonSagemakerHyperpodSpacePolicy',
  'AmazonSagemakerHyperpodSpaceTemplatePolicy',
  'AmazonSagemakerHyperpodSystemNamespacePolicy',
  'AmazonSagemakerHyperpodUserClusterPolicy',
]

export const CLUSTER_ADMIN_POLICY = 'AmazonEKSClusterAdminPolicy'

const POLICY_ARN = /^arn:(aws|aws-cn|aws-us-gov):eks::aws:cluster-access-policy\/([A-Za-z0-9+=,.@_-]+)$/

/** The partition a region belongs to: `cn-*` → aws-cn, `us-gov-*` → aws-us-gov. */
export function partitionOf(region: string): Partition {
  if (region.startsWith('cn-')) return 'aws-cn'
  if (region.startsWith('us-gov-')) return 'aws-us-gov'
  return 'aws'
}

export function isPolicyArn(ref: string): boolean {
  return ref.startsWith('arn:')
}

/** `{partition, name}` of a full access-policy ARN, or undefined when it is not one. */
export function parsePolicyArn(arn: string): { partition: Partition; name: string } | undefined {
  const m = POLICY_ARN.exec(arn)
  return m ? { partition: m[1] as Partition, name: m[2] as string } : undefined
}

/** The policy's short name: the part after `cluster-access-policy/`, or the reference itself. */
export function policyName(ref: string): string {
  return parsePolicyArn(ref)?.name ?? ref
}

/** Full ARN of a short name or ARN in the given partition (a full ARN is kept as written). */
export function policyArnFor(ref: string, partition: Partition): string {
  if (isPolicyArn(ref)) return ref
  return `arn:${partition}:eks::aws:cluster-access-policy/${ref}`
}

/** The built-in catalogue as `{name, arn}` for a partition. */
export function builtInCatalogue(partition: Partition = 'aws'): AccessPolicyInfo[] {
  return BUILT_IN_POLICY_NAMES.map((name) => ({ name, arn: policyArnFor(name, partition) }))
}

export function isClusterAdminPolicy(arn: string): boolean {
  return policyName(arn) === CLUSTER_ADMIN_POLICY
}
