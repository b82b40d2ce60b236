/**
 * The EKS-rule and cross-reference layer of `validate` (EKS-API.md §4–6): pure checks of the built
 * `Manifest` after the schema passed. Each rule lives in its own file; `checkEksRules` runs them all.
 *
 * Codes (severity) — location:
 * - eks:principal-arn (error) — malformed principal, STS session, service-linked role — principalArn
 * - eks:sso-role-path (warning) — Identity Center role without its path — principalArn
 * - eks:principal-partition (error) — principal partition ≠ a selected cluster's — principalArn
 * - eks:node-principal (error; warning for HYPERPOD_LINUX account) — node type needs a same-account role — principalArn
 * - eks:node-entry-fields (error; warning where EKS-API.md is UNCONFIRMED) — username / kubernetesGroups / policyArn
 * - eks:username (error) — reserved prefix, `{{SessionName}}` without a preceding `:` — username
 * - eks:kubernetes-group (error) — `system:` group — the group item
 * - manifest:ownership-tag (error) — `managed-by` set to another value than the tool writes — the tag key
 * - eks:tags (error) — more than 50 tags once the ownership tag is added — tags
 * - eks:access-scope (error; warning for duplicates and a bare `*`) — namespaces / namespace item / accessScope
 * - eks:policy-holder (error for AmazonEKSAutoNodePolicy off an EC2 entry; warning where AWS only advises) — policyArn
 * - eks:duplicate-policy (error) — policy twice in one entry — second policyArn
 * - eks:unknown-policy (error for a short name, warning for a full ARN), eks:policy-arn (error),
 *   eks:policy-partition (error) — policyArn
 * - eks:authentication-mode (error) — desired CONFIG_MAP — the cluster's authenticationMode (else its key)
 * - expiry:expired (error), expiry:soon (warning), expiry:invalid (error) — expiresAt
 * - manifest:unknown-cluster (error), manifest:unmatched-selector (warning) — clusters item
 * - manifest:cluster-without-entries (warning) — the cluster's key
 * - manifest:duplicate-entry (error) — the later entry's principalArn, naming the earlier file:line
 */
import type { Manifest, Problem } from '../../types.js'
import { checkAccessScopes } from './access-scope.js'
import { checkAuthenticationModes } from './authentication-mode.js'
import { checkClusterSelectors } from './cluster-selectors.js'
import { checkClustersWithoutEntries } from './cluster-without-entries.js'
import type { EksRule, EksRuleContext } from './context.js'
import { checkDuplicateEntries } from './duplicate-entry.js'
import { checkDuplicatePolicies } from './duplicate-policy.js'
import { checkExpiry } from './expiry.js'
import { checkKubernetesGroups } from './kubernetes-groups.js'
import { checkNodeEntryFields } from './node-fields.js'
import { checkNodePrincipals } from './node-principal.js'
import { checkPolicyReferences } from './policy-catalogue.js'
import { checkPolicyHolders } from './policy-holder.js'
import { checkPrincipalArns } from './principal-arn.js'
import { checkPrincipalPartitions } from './principal-partition.js'
import { checkTags } from './tags.js'
import { checkUsernames } from './username.js'

export type { EksRule, EksRuleContext } from './context.js'
export { accessEndsAt, isExpired } from '../../expiry.js'
export { principalIdentity } from './duplicate-entry.js'

/** Every rule, in the order their problems are reported (manifest-wide checks last). */
export const EKS_RULES: readonly EksRule[] = [
  checkPrincipalArns,
  checkPrincipalPartitions,
  checkNodePrincipals,
  checkNodeEntryFields,
  checkUsernames,
  checkKubernetesGroups,
  checkTags,
  checkAccessScopes,
  checkDuplicatePolicies,
  checkPolicyReferences,
  checkPolicyHolders,
  checkExpiry,
  checkAuthenticationModes,
  checkClusterSelectors,
  checkDuplicateEntries,
  checkClustersWithoutEntries,
]

/** Runs every EKS rule and concatenates their problems (callers sort by location if they want). */
export function checkEksRules(manifest: Manifest, ctx: EksRuleContext): Problem[] {
  return EKS_RULES.flatMap((rule) => rule(manifest, ctx))
}
