/**
 * The AWS edge of one run, composed once per adapter (src/cli.ts, src/main.ts): EKS ports per
 * cluster with the credentials each command asks for, and ONE pacer per account and region shared
 * by every client of the run (plan's reads, apply's re-read and writes, every role), so two roles
 * in one account never pace against each other's throttles.
 */
import type { ClusterTarget, EksAccessApi, EksApiFactory } from './port.js'
import type { CredentialsFor } from './credentials.js'
import { createEksApi, createEksApiFactory } from './eks-sdk.js'
import type { IamApiFactory } from './iam-port.js'
import { createIamApiFactory } from './iam-sdk.js'
import { createLimiterRegistry, type LimiterRegistry } from './pacer.js'

export interface EdgeRequest {
  /** planRoleArn (plan, drift, export) or roleArn (apply). */
  readonly purpose: 'plan' | 'apply'
  /** Assume each cluster's role with the strategy given for the purpose; else ambient credentials. */
  readonly assumeRoles: boolean
  /** Ceiling in EKS requests per second per account and region (`--max-rate`); undefined = learnt only. */
  readonly maxRate?: number
}

export interface AwsEdge {
  eks(edge: EdgeRequest): EksApiFactory
  /** IAM reads (dead-access checks) with the same credentials as `eks` for the purpose. */
  iam(edge: EdgeRequest): IamApiFactory
  eksForCluster(target: Pick<ClusterTarget, 'name' | 'region'>, edge: Pick<EdgeRequest, 'maxRate'>): EksAccessApi
}

export function createAwsEdge(roles: Readonly<Partial<Record<EdgeRequest['purpose'], CredentialsFor>>>): AwsEdge {
  // One registry per run; the first command's ceiling holds for the run (a run is one command).
  let limiters: LimiterRegistry | undefined
  const limitersFor = (maxRate: number | undefined): LimiterRegistry =>
    (limiters ??= createLimiterRegistry(maxRate === undefined ? {} : { maxRate }))
  return {
    eks(edge) {
      const credentialsFor = edge.assumeRoles ? roles[edge.purpose] : undefined
      return createEksApiFactory({
        limiters: limitersFor(edge.maxRate),
        ...(credentialsFor === undefined ? {} : { credentialsFor: (t: ClusterTarget) => credentialsFor(t.roleArn, t.region) }),
      })
    },
    iam(edge) {
      const credentialsFor = edge.assumeRoles ? roles[edge.purpose] : undefined
      // IAM is global: a role is assumed through STS in its partition's home region.
      return credentialsFor === undefined
        ? createIamApiFactory()
        : createIamApiFactory({ credentialsFor: (t) => credentialsFor(t.roleArn, IAM_HOME_REGION[t.partition]) })
    },
    // export names a cluster outside any manifest: no account is known before the first answer,
    // so its client paces on its own.
    eksForCluster: (target) => createEksApi({ region: target.region }),
  }
}

const IAM_HOME_REGION = { aws: 'us-east-1', 'aws-cn': 'cn-north-1', 'aws-us-gov': 'us-gov-west-1' } as const
