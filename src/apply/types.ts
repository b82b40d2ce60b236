import type { AuthenticationMode, Change, ClusterPlan, ObservedEntry } from '../types.js'
import type { EksAccessApi } from '../aws/port.js'
import type { ClusterReview } from '../plan/marker.js'

/**
 * Apply: the data and ports of the apply engine (engine.ts). Nothing here does I/O.
 *
 * The engine needs the port's optional `describeUpdate`; `ApplyEksApi` makes it required.
 */

export type { UpdateInfo, WriteOptions } from '../aws/port.js'

export type UpdateStatus = 'InProgress' | 'Failed' | 'Cancelled' | 'Successful'

/** The EKS port with DescribeUpdate required: apply waits for an authentication-mode update. */
export type ApplyEksApi = EksAccessApi & Required<Pick<EksAccessApi, 'describeUpdate'>>

/** Injected time: no engine code reads the wall clock or sets a timer of its own. */
export interface ApplyClock {
  /** Milliseconds (any epoch); only differences are used. */
  readonly now: () => number
  readonly sleep: (ms: number) => Promise<void>
}

export interface ApplyClusterDeps extends ApplyClock {
  readonly api: ApplyEksApi
}

export interface RetryPolicy {
  /** How long to keep retrying, measured on the injected clock from the first failure. */
  readonly deadlineMs: number
  readonly initialDelayMs: number
  readonly maxDelayMs: number
}

export interface ApplyOptions {
  /** Calls in flight at once within one step of one cluster (default 10). */
  readonly callConcurrency?: number
  /** "principalArn could not be found / is invalid" right after an IAM principal was created. Default 2 min, 1 s → 16 s. */
  readonly principalRetry?: RetryPolicy
  /** Polling of DescribeUpdate after an authentication-mode step. Default every 10 s for up to 30 min. */
  readonly modeUpdate?: { readonly pollMs: number; readonly deadlineMs: number }
}

/** What the engine needs to know about one cluster besides its plan. */
export interface ClusterApplyInput {
  readonly plan: ClusterPlan
  /**
   * The live entries the plan was made from (empty for a CONFIG_MAP cluster being switched):
   * TagResource needs each entry's `accessEntryArn`, and the lockout check needs the state the
   * changes start from.
   */
  readonly observed: readonly ObservedEntry[]
  /** The manifest cluster's `allowNoClusterAdmin`. */
  readonly allowNoClusterAdmin: boolean
  /** The manifest cluster's `adopt`: a 409 on create then also tags an unowned entry as owned. */
  readonly adopt: boolean
  /**
   * Seed of the clientRequestTokens, e.g. `${commitSha}` (with the plan hash): the same change of
   * the same run gets the same token; see tokens.ts.
   */
  readonly idempotencySeed: string
  /** The comparison with the reviewed plan (plan/marker.ts); absent = apply every change. */
  readonly review?: ClusterReview
}

// ───────────────────────────── results ─────────────────────────────

export type ItemStatus = 'applied' | 'failed' | 'not-attempted'

export type NotAttemptedReason =
  /** The whole cluster was refused before its first mutating call (plan errors, malformed call, lockout). */
  | 'cluster-refused'
  /** An earlier call of this cluster failed. */
  | 'stopped-after-failure'
  /** Not in the reviewed plan, and a removal or an escalation (or depends on one). */
  | 'unreviewed'
  /** The fresh re-check before the first removal found no cluster admin left, or could not run. */
  | 'lockout-recheck'

export interface CallError {
  /** EKS operation (`CreateAccessEntry`, …). */
  readonly operation: string
  readonly code: string
  readonly message: string
}

/** What one result line is about: a change of `plan.changes`, or the cluster's authentication-mode step. */
export type ApplySubject =
  | { readonly kind: 'change'; readonly index: number; readonly change: Change }
  | { readonly kind: 'authentication-mode'; readonly from: AuthenticationMode; readonly to: AuthenticationMode }

export interface ItemResult {
  readonly subject: ApplySubject
  readonly status: ItemStatus
  /** Set when failed. */
  readonly error?: CallError
  /** Set when not attempted. */
  readonly reason?: NotAttemptedReason
  /** Plain-text detail: why not attempted, or how it was applied ("already existed: reconciled"). */
  readonly detail?: string
  /** The change was not in the reviewed plan (applied or skipped). */
  readonly unreviewed?: boolean
}

export interface ApplyCounts {
  readonly applied: number
  readonly failed: number
  readonly notAttempted: number
}

export type ClusterApplyStatus =
  /** No change to make. */
  | 'unchanged'
  /** Every change applied (some may be skipped as unreviewed). */
  | 'applied'
  /** A call failed, or the lockout re-check stopped the cluster. */
  | 'failed'
  /** Refused before the first mutating call. */
  | 'refused'

export interface ClusterProblem {
  readonly code: string
  readonly message: string
}

export interface ClusterApplyResult {
  /** Logical name. */
  readonly cluster: string
  readonly name: string
  readonly region: string
  readonly accountId: string
  readonly status: ClusterApplyStatus
  /** Why refused, or the cluster-level failure (lockout re-check, no credentials). */
  readonly problems: readonly ClusterProblem[]
  /** The mode step first (if any), then the changes in plan order. */
  readonly items: readonly ItemResult[]
  readonly counts: ApplyCounts
  /** Notes for the summary (reviewed-plan comparison, …), plain text. */
  readonly notes: readonly string[]
  /** Mutating calls made (for tests and the bench). */
  readonly mutatingCalls: number
}

export interface PlanApplyResult {
  readonly clusters: readonly ClusterApplyResult[]
  readonly counts: ApplyCounts
  readonly notes: readonly string[]
  /** false when any change failed or any cluster was refused or stopped. */
  readonly ok: boolean
  readonly exitCode: 0 | 1
}
