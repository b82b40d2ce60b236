/**
 * The narrow port through which dead-access checks reach IAM: one read per principal.
 * `iam-sdk.ts` implements it with `@aws-sdk/client-iam` (the only importer of that SDK);
 * tests use in-memory fakes or the local fake IAM (test/fake-aws/iam.ts).
 */
import type { Partition } from '../types.js'

/** What IAM says about a principal ARN today. */
export type PrincipalLookup =
  | { readonly exists: false }
  /**
   * `createDate` is IAM's CreateDate of the role or user now holding the name; `arn` its ARN (a
   * role or user of that name under another path is a different principal).
   */
  | { readonly exists: true; readonly createDate: Date; readonly arn?: string }

export interface IamReadApi {
  /**
   * GetRole for a role ARN (RoleName = the last path segment), GetUser for a user ARN. IAM's
   * `NoSuchEntity` is `{ exists: false }`; any other failure throws `AwsCallError`, and an ARN that
   * is neither a role nor a user throws too (callers check only those).
   */
  getPrincipal(principalArn: string): Promise<PrincipalLookup>
}

/** The account whose IAM is read (the plan role's account), and through which role. */
export interface IamTarget {
  readonly accountId: string
  readonly partition: Partition
  /** planRoleArn of a cluster in that account; undefined = ambient credentials. */
  readonly roleArn?: string
}

export type IamApiFactory = (target: IamTarget) => IamReadApi
