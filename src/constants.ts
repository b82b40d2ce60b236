/**
 * User-facing names of the action and the CLI (PRODUCT.md "Action" and "CLI"), kept in one place
 * so action.yml, the runner adapter, the CLI and the tests cannot drift apart.
 */

export const PRODUCT = 'eks-access-gate'

/** Action inputs, exactly as action.yml spells them (they keep their dashes: `INPUT_GITHUB-TOKEN`). */
export const Inputs = {
  Command: 'command',
  Manifest: 'manifest',
  Rules: 'rules',
  GithubToken: 'github-token',
  Comment: 'comment',
  Clusters: 'clusters',
  Audience: 'audience',
  State: 'state',
  ExpiryWarningDays: 'expiry-warning-days',
  FailOnDrift: 'fail-on-drift',
  MaxRate: 'max-rate',
  ClusterTimeout: 'cluster-timeout',
} as const
export type InputName = (typeof Inputs)[keyof typeof Inputs]

/** Action outputs, exactly as action.yml spells them. */
export const Outputs = {
  HasChanges: 'has-changes',
  Summary: 'summary',
  PlanFile: 'plan-file',
  CommentUrl: 'comment-url',
  Clusters: 'clusters',
  Drift: 'drift',
  DriftChanged: 'drift-changed',
  DriftUnknown: 'drift-unknown',
  DriftPending: 'drift-pending',
} as const
export type OutputName = (typeof Outputs)[keyof typeof Outputs]

export const Defaults = {
  command: 'auto',
  manifest: 'eks-access.yaml',
  rules: '.github/eks-access-rules.yaml',
  audience: 'sts.amazonaws.com',
  expiryWarningDays: 7,
  comment: true,
  failOnDrift: false,
  /** Seconds one cluster's read (or apply) may take before it is reported as timed out. */
  clusterTimeoutSeconds: 300,
} as const

/** Values of the action's `command` input. `auto` is resolved from the triggering event. */
export const ACTION_COMMANDS = ['auto', 'validate', 'plan', 'apply', 'drift'] as const
export type ActionCommandInput = (typeof ACTION_COMMANDS)[number]
export type ActionCommand = Exclude<ActionCommandInput, 'auto'>

/** Sub-commands of the `eks-access-gate` CLI (PRODUCT.md table), in the order `--help` lists them. */
export const CLI_COMMANDS = ['validate', 'plan', 'apply', 'export', 'import-aws-auth', 'iam-policy', 'drift'] as const
export type CliCommand = (typeof CLI_COMMANDS)[number]

/** Upper bound for `expiry-warning-days`: ten years is already far beyond any sensible warning window. */
export const MAX_EXPIRY_WARNING_DAYS = 3650

/** Set to `1` to print stack traces of internal errors (never needed for user errors). */
export const DEBUG_ENV = 'EKS_ACCESS_GATE_DEBUG'
