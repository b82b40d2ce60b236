/** Onboarding: import-aws-auth, iam-policy and the authentication-mode guidance (pure cores). */
export { importAwsAuth, formatCoverage, formatWarning, WARNING_CODES } from './import-aws-auth.js'
export type { ImportOptions, ImportResult, ImportWarning, ImportedEntry, Coverage, WarningCode } from './import-aws-auth.js'
export { buildIamPolicies, UNSCOPABLE_ACTIONS, clusterArn, accessEntryArns } from './iam-policy.js'
export type {
  IamFormat,
  IamGuardrails,
  IamPolicyOptions,
  IamPolicyResult,
  PolicyDocument,
  PolicyStatement,
  RolePolicies,
} from './iam-policy.js'
export { authenticationModeGuidance } from './auth-mode.js'
export type { AuthModeGuidance } from './auth-mode.js'
