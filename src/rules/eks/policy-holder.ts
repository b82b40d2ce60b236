/**
 * `eks:policy-holder` — access policies AWS documents for one kind of holder only
 * (EKS user guide "Review access policy permissions"; EKS-API.md §4 Types and §6):
 * - AmazonEKSAutoNodePolicy is for the EKS Auto Mode node role, an entry of type EC2: on any other
 *   type it is an error (the EC2 side, a missing policy, is eks:node-entry-fields).
 * - The Auto Mode capability policies are associated by EKS itself to the cluster IAM role; the
 *   policies for EKS Capabilities, EMR on EKS, SageMaker HyperPod and AWS's operations agents are
 *   set up by those services for their own roles. AWS only advises here, so these are warnings:
 *   a manifest that claims such an association takes it over from the service that manages it.
 */
import { policyName } from '../../policies.js'
import { problemAt, type Manifest, type ManifestEntry, type Problem } from '../../types.js'

const CODE = 'eks:policy-holder'

export interface PolicyHolderRule {
  readonly severity: 'error' | 'warning'
  /** Who AWS documents as the holder. */
  readonly holder: string
  /** True when the entry is such a holder (by type). */
  readonly allows?: (entry: ManifestEntry) => boolean
}

const AUTO_MODE_CLUSTER_ROLE: PolicyHolderRule = {
  severity: 'warning',
  holder: 'the cluster IAM role, to which EKS associates it when Auto Mode is enabled; leave it to EKS',
}
const SERVICE_ROLE = (service: string): PolicyHolderRule => ({
  severity: 'warning',
  holder: `the role ${service} sets up for itself; associate it only as that service documents`,
})

/** Policy name → its documented holder. Exported for the README table and its test. */
export const POLICY_HOLDERS: Readonly<Record<string, PolicyHolderRule>> = {
  AmazonEKSAutoNodePolicy: {
    severity: 'error',
    holder: 'the EKS Auto Mode node role, an access entry of type EC2',
    allows: (e) => e.type === 'EC2',
  },
  AmazonEKSBlockStoragePolicy: AUTO_MODE_CLUSTER_ROLE,
  AmazonEKSComputePolicy: AUTO_MODE_CLUSTER_ROLE,
  AmazonEKSLoadBalancingPolicy: AUTO_MODE_CLUSTER_ROLE,
  AmazonEKSNetworkingPolicy: AUTO_MODE_CLUSTER_ROLE,
  AmazonEKSBlockStorageClusterPolicy: AUTO_MODE_CLUSTER_ROLE,
  AmazonEKSComputeClusterPolicy: AUTO_MODE_CLUSTER_ROLE,
  AmazonEKSLoadBalancingClusterPolicy: AUTO_MODE_CLUSTER_ROLE,
  AmazonEKSNetworkingClusterPolicy: AUTO_MODE_CLUSTER_ROLE,
  AmazonEKSACKPolicy: SERVICE_ROLE('the EKS ACK capability'),
  AmazonEKSArgoCDPolicy: SERVICE_ROLE('the EKS Argo CD capability'),
  AmazonEKSArgoCDClusterPolicy: SERVICE_ROLE('the EKS Argo CD capability'),
  AmazonEKSKROPolicy: SERVICE_ROLE('the EKS kro capability'),
  AmazonEMRJobPolicy: SERVICE_ROLE('EMR on EKS'),
  AmazonSagemakerHyperpodClusterPolicy: SERVICE_ROLE('SageMaker HyperPod'),
  AmazonSagemakerHyperpodControllerPolicy: SERVICE_ROLE('SageMaker HyperPod'),
  AmazonSagemakerHyperpodSpacePolicy: SERVICE_ROLE('SageMaker HyperPod'),
  AmazonSagemakerHyperpodSpaceTemplatePolicy: SERVICE_ROLE('SageMaker HyperPod'),
  AmazonSagemakerHyperpodSystemNamespacePolicy: SERVICE_ROLE('SageMaker HyperPod'),
  AmazonAIOpsAssistantPolicy: SERVICE_ROLE('the AWS operations assistant'),
  AIDevOpsAgentAccessPolicy: SERVICE_ROLE('the AWS DevOps agent'),
  AmazonARCRegionSwitchScalingPolicy: SERVICE_ROLE('ARC Region switch'),
}

export function checkPolicyHolders(manifest: Manifest): Problem[] {
  return manifest.accessEntries.flatMap((entry) =>
    entry.accessPolicies.flatMap((policy) => {
      const name = policyName(policy.policyArn)
      const rule = POLICY_HOLDERS[name]
      if (!rule || rule.allows?.(entry)) return []
      const type = entry.type ?? 'STANDARD'
      return [
        problemAt(
          policy.locs.policyArn,
          rule.severity,
          CODE,
          `${name} is documented by AWS for ${rule.holder}; this entry is type ${type}` +
            (rule.severity === 'error' ? '. Remove the policy, or make this the Auto Mode node role entry (type: EC2)' : ''),
        ),
      ]
    }),
  )
}
