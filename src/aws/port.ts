import type { AccessPolicyInfo, AccessScope, AssociatedPolicy, AuthenticationMode, ObservedEntry } from '../types.js'

/**
 * The narrow port through which the core reaches EKS. `eks-sdk.ts` implements it with
 * `@aws-sdk/client-eks` (the only importer of the SDK); tests use in-memory fakes.
 * Every method throws `AwsCallError` on a failed call.
 */
export interface EksAccessApi {
  describeCluster(name: string): Promise<ClusterInfo>
  /** Every principal ARN with an entry on the cluster (all pages). */
  listAccessEntries(name: string): Promise<string[]>
  describeAccessEntry(name: string, principalArn: string): Promise<Omit<ObservedEntry, 'accessPolicies'>>
  /** Every associated policy (all pages), namespaces sorted. */
  listAssociatedAccessPolicies(name: string, principalArn: string): Promise<AssociatedPolicy[]>
  /** The AWS-managed access-policy catalogue (all pages). */
  listAccessPolicies(): Promise<AccessPolicyInfo[]>

  createAccessEntry(name: string, entry: NewAccessEntry, opts?: WriteOptions): Promise<void>
  /** UpdateAccessEntry replaces groups and username together, so both are always sent. */
  updateAccessEntry(
    name: string,
    principalArn: string,
    fields: { username?: string; kubernetesGroups: readonly string[] },
    opts?: WriteOptions,
  ): Promise<void>
  deleteAccessEntry(name: string, principalArn: string): Promise<void>
  associateAccessPolicy(name: string, principalArn: string, policyArn: string, accessScope: AccessScope): Promise<void>
  disassociateAccessPolicy(name: string, principalArn: string, policyArn: string): Promise<void>
  tagResource(resourceArn: string, tags: Readonly<Record<string, string>>): Promise<void>
  updateAuthenticationMode(name: string, mode: AuthenticationMode, opts?: WriteOptions): Promise<{ updateId: string }>
  /** DescribeUpdate (apply waits for an authentication-mode update); optional so read-only fakes need not implement it. */
  describeUpdate?(name: string, updateId: string): Promise<UpdateInfo>
}

/** Per-call options of the mutating calls that take an idempotency token (apply). */
export interface WriteOptions {
  /** EKS `clientRequestToken`. */
  readonly clientRequestToken?: string
}

/** DescribeUpdate's `update`, as much of it as apply reads. */
export interface UpdateInfo {
  readonly id: string
  readonly status: string
  readonly errors?: readonly { readonly errorCode?: string; readonly errorMessage?: string }[]
}

export interface ClusterInfo {
  readonly name: string
  readonly arn?: string
  readonly status?: string
  readonly authenticationMode: AuthenticationMode
}

export interface NewAccessEntry {
  readonly principalArn: string
  readonly type: string
  readonly username?: string
  readonly kubernetesGroups: readonly string[]
  readonly tags: Readonly<Record<string, string>>
}

/** Where one cluster lives and which role (if any) reads or writes it. */
export interface ClusterTarget {
  /** Logical name from the manifest. */
  readonly key: string
  readonly name: string
  readonly region: string
  readonly accountId: string
  /** planRoleArn (plan, export, drift) or roleArn (apply); undefined = ambient credentials. */
  readonly roleArn?: string
}

/** What one use of the port (e.g. reading one cluster) may spend: retries stop at the deadline. */
export interface CallContext {
  /** Absolute time in ms on the adapter's clock. */
  readonly deadlineAt: number
}

/** Builds the port for one cluster (credentials, region, endpoint), bound to a deadline when given. */
export type EksApiFactory = (target: ClusterTarget, context?: CallContext) => EksAccessApi

/** A failed AWS call, with the service's error code (`ResourceNotFoundException`, …). */
export class AwsCallError extends Error {
  override readonly name = 'AwsCallError'
  constructor(
    readonly operation: string,
    readonly code: string,
    message: string,
    readonly status?: number,
  ) {
    super(message)
  }
}
