import type { AccessPolicyInfo, Manifest, Problem } from '../../types.js'

/** What the EKS rules need besides the manifest; injected so the rules stay pure. */
export interface EksRuleContext {
  /** The clock, for expiry. */
  readonly now: Date
  /** `expiry-warning-days`: an `expiresAt` this close (in days) is a warning. */
  readonly expiryWarningDays: number
  /** Known access policies: the built-in catalogue, or ListAccessPolicies when plan refreshed it. */
  readonly catalogue: readonly AccessPolicyInfo[]
}

export type EksRule = (manifest: Manifest, ctx: EksRuleContext) => Problem[]
