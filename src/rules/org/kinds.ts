/** Every organisation rule kind, one module each (PRODUCT.md "Organisation rules"). */
import { allowedAccounts } from './allowed-accounts.js'
import { allowedPrincipals } from './allowed-principals.js'
import { celRule } from './cel.js'
import { clusterAdmins } from './cluster-admins.js'
import { deniedPrincipals } from './denied-principals.js'
import { forbiddenGroups } from './forbidden-groups.js'
import type { RuleKind } from './kind.js'
import { namespaceScopedPolicies } from './namespace-scoped-policies.js'
import { policyHolders } from './policy-holders.js'
import { protectedNamespaces } from './protected-namespaces.js'
import { requiredTags } from './required-tags.js'
import { usernamePatterns } from './username-patterns.js'

export const RULE_KINDS: readonly RuleKind[] = [
  allowedAccounts,
  deniedPrincipals,
  allowedPrincipals,
  policyHolders,
  namespaceScopedPolicies,
  protectedNamespaces,
  clusterAdmins,
  requiredTags,
  forbiddenGroups,
  usernamePatterns,
  celRule,
]

export const RULE_KINDS_BY_NAME: ReadonlyMap<string, RuleKind> = new Map(RULE_KINDS.map((k) => [k.kind, k]))

/** Members every rule may have besides its kind's parameters. */
export const COMMON_MEMBERS: readonly string[] = ['id', 'kind', 'severity', 'message', 'files', 'clusters']
