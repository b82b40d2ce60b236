/**
 * The AWS-managed access policies the fake's ListAccessPolicies returns (EKS-API.md §6).
 * A copy of src/policies.ts's list on purpose: the fake imports nothing from src at run time,
 * so it runs from plain Node after `tsc` and stays an independent oracle.
 */
export const FAKE_POLICY_NAMES: readonly string[] = [
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

export function partitionOfRegion(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn'
  if (region.startsWith('us-gov-')) return 'aws-us-gov'
  return 'aws'
}

export function fakePolicyArn(name: string, partition: string): string {
  return `arn:${partition}:eks::aws:cluster-access-policy/${name}`
}
