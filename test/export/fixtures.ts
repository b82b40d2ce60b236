import type { ObservedCluster, ObservedEntry } from '../../src/types.js'

const P = 'arn:aws:eks::aws:cluster-access-policy/'

export function entry(principalArn: string, fields: Partial<ObservedEntry> = {}): ObservedEntry {
  return { principalArn, type: 'STANDARD', kubernetesGroups: [], tags: {}, accessPolicies: [], ...fields }
}

/** A cluster with one of everything the export must handle. */
export const PROD: ObservedCluster = {
  name: 'prod',
  region: 'eu-west-1',
  accountId: '111122223333',
  authenticationMode: 'API_AND_CONFIG_MAP',
  entries: [
    // role with a path: EKS's username drops the path
    entry('arn:aws:iam::111122223333:role/sre/on-call', {
      username: 'arn:aws:sts::111122223333:assumed-role/on-call/{{SessionName}}',
      tags: { 'managed-by': 'eks-access-gate', owner: 'sre' },
      accessPolicies: [
        { policyArn: `${P}AmazonEKSViewPolicy`, accessScope: { type: 'cluster', namespaces: [] } },
        { policyArn: `${P}AmazonEKSEditPolicy`, accessScope: { type: 'namespace', namespaces: ['ops', 'apps-*'] } },
      ],
    }),
    // node entry EKS made for a managed node group
    entry('arn:aws:iam::111122223333:role/ng-general', {
      type: 'EC2_LINUX',
      username: 'system:node:{{EC2PrivateDNSName}}',
      kubernetesGroups: ['system:nodes'],
    }),
    entry('arn:aws:iam::111122223333:role/fargate-pods', { type: 'FARGATE_LINUX', username: 'system:node:{{SessionName}}' }),
    // IAM user: EKS's username is the user ARN
    entry('arn:aws:iam::111122223333:user/ops/alice', {
      username: 'arn:aws:iam::111122223333:user/ops/alice',
      kubernetesGroups: ['viewers'],
    }),
    // the cluster creator's admin entry, made by EKS
    entry('arn:aws:iam::111122223333:role/terraform', {
      username: 'arn:aws:sts::111122223333:assumed-role/terraform/{{SessionName}}',
      accessPolicies: [{ policyArn: `${P}AmazonEKSClusterAdminPolicy`, accessScope: { type: 'cluster', namespaces: [] } }],
    }),
    // custom username and groups, a tag set by someone else, a non-managed policy ARN
    entry('arn:aws:iam::444455556666:role/ci', {
      username: 'ci:{{SessionName}}',
      kubernetesGroups: ['deployers', 'auditors'],
      tags: { team: 'ci', 'managed-by': 'terraform' },
      accessPolicies: [{ policyArn: `${P}AmazonEKSFuturePolicy`, accessScope: { type: 'cluster', namespaces: [] } }],
    }),
  ],
}
