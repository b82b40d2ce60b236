/**
 * `iam-policy --repo OWNER/REPO [--manifest GLOB] [--branch main] [--audience sts.amazonaws.com]
 * [--rules FILE] [--format json|cloudformation|terraform]`: validates the manifest, then prints the
 * least-privilege permission and OIDC trust policies of every plan and apply role it names.
 *
 * Outcomes: ok (policies on stdout); invalid (exit 1: the manifest has errors, or names no role;
 * nothing on stdout); usage (exit 2: bad option, manifest or named rules file missing).
 */
import { resolve } from 'node:path'
import type { IamPolicyRequest } from '../config/requests.js'
import { Defaults } from '../constants.js'
import { buildIamPolicies, type IamGuardrails } from '../onboarding/index.js'
import { Outcomes, type Note, type Outcome } from '../outcome.js'
import { renderProblemsText, summarizeProblems } from '../render/problems.js'
import type { CommandDeps } from './deps.js'

export async function iamPolicyCommand(request: IamPolicyRequest, deps: CommandDeps): Promise<Outcome> {
  const rulesExist = deps.isFile(resolve(deps.cwd, request.rules.path))
  if (request.rules.explicit && !rulesExist) return Outcomes.usage(`rules file not found or not a file: ${request.rules.path}`)
  const notes: Note[] = []
  if (rulesExist) {
    // The organisation-rules loader is not in this version: say so rather than print policies
    // that look guarded. `guardrailsFromRules` below is the mapping, ready for its output.
    notes.push({
      level: 'warning',
      message: `organisation rules (${request.rules.path}) are not turned into guardrails by this version: the apply role gets no Deny statements from them`,
    })
  }

  const checked = await deps.validate({
    manifest: request.manifest,
    cwd: deps.cwd,
    now: deps.now(),
    expiryWarningDays: Defaults.expiryWarningDays,
  })
  if (checked.kind === 'usage') return Outcomes.usage(checked.message, { notes })
  if (!checked.ok) {
    const fileCount = Math.max(checked.manifest.files.length, checked.sources.size)
    return Outcomes.invalid(`manifest invalid: ${summarizeProblems(checked.problems, fileCount)}; no policies printed`, {
      problems: checked.problems,
      stderr: renderProblemsText(checked.problems, checked.sources, { fileCount, color: false, cwd: deps.cwd }),
      notes,
    })
  }

  const built = buildIamPolicies(checked.manifest, {
    repo: request.repo,
    branch: request.branch,
    audience: request.audience,
    format: request.format,
  })
  if (!built.ok)
    return built.exitCode === 2
      ? Outcomes.usage(built.message, { notes })
      : Outcomes.invalid(built.message, { notes, stderr: `${built.message}\n` })
  return Outcomes.ok({ stdout: built.text, notes: [...notes, ...built.notes.map((message) => ({ level: 'warning' as const, message }))] })
}

// ───────────────────────────── organisation rules → guardrails ─────────────────────────────

/**
 * One organisation rule as the rules file writes it (PRODUCT.md, "Organisation rules"): only the
 * members the guardrails read. Structural, so the loader's own type fits without a conversion.
 */
export interface GuardrailRule {
  readonly id: string
  readonly kind: string
  readonly severity?: 'error' | 'warning'
  readonly files?: readonly string[]
  readonly clusters?: readonly string[]
  readonly principals?: readonly string[]
  readonly policy?: string
  readonly policies?: readonly string[]
  readonly namespaces?: readonly string[]
  readonly clusterScopeOnly?: boolean
}

export interface GuardrailMapping {
  readonly guardrails: IamGuardrails
  /** One line per rule that could not become an IAM condition, and why (printed as notes). */
  readonly skipped: readonly string[]
}

/**
 * An IAM ArnLike pattern matches each of the six colon-separated parts of an ARN on its own, while
 * a rule's `*` also crosses `:`. A pattern is carried over only where both read it the same:
 * `*` alone, or an ARN-shaped pattern with six parts.
 */
function arnLikeSafe(pattern: string): boolean {
  return pattern === '*' || (pattern.startsWith('arn:') && pattern.split(':').length === 6)
}

/**
 * The rule kinds EKS has condition keys for, as Deny statements on the apply role (error rules
 * only, rules for every file and cluster only, since IAM sees neither files nor logical names):
 * denied-principals → deniedPrincipals (eks:principalArn), namespace-scoped-policies →
 * namespaceOnlyPolicies (eks:policyArn + eks:accessScope), protected-namespaces →
 * protectedNamespaces (eks:namespaces), policy-holders → policyHolders (eks:policyArn +
 * eks:principalArn; held by nobody → deniedPolicies). Everything else stays a check of validate/plan only.
 */
export function guardrailsFromRules(rules: readonly GuardrailRule[]): GuardrailMapping {
  const deniedPrincipals: string[] = []
  const deniedPolicies: string[] = []
  const namespaceOnlyPolicies: string[] = []
  const protectedNamespaces: string[] = []
  const policyHolders: { policy: string; principals: string[] }[] = []
  const skipped: string[] = []
  const skip = (rule: GuardrailRule, why: string): void => {
    skipped.push(`rule ${rule.id} (${rule.kind}) is not enforced by the apply role: ${why}`)
  }
  for (const rule of rules) {
    if (!['denied-principals', 'namespace-scoped-policies', 'protected-namespaces', 'policy-holders'].includes(rule.kind)) continue
    if (rule.severity === 'warning') continue // a warning never blocks, so it has no Deny either
    if (rule.files !== undefined && rule.files.length > 0) {
      skip(rule, 'it applies to some manifest files only, and IAM does not see files')
      continue
    }
    if (rule.clusters !== undefined && rule.clusters.length > 0) {
      skip(rule, 'it applies to some clusters only; a Deny would cover every cluster of the role')
      continue
    }
    const policies = [...(rule.policies ?? []), ...(rule.policy === undefined ? [] : [rule.policy])]
    switch (rule.kind) {
      case 'denied-principals': {
        const unsafe = (rule.principals ?? []).filter((p) => !arnLikeSafe(p))
        if (unsafe.length > 0) skip(rule, `IAM ArnLike cannot match ${unsafe.join(', ')} as the rule does (write full ARN patterns)`)
        else deniedPrincipals.push(...(rule.principals ?? []))
        break
      }
      case 'namespace-scoped-policies':
        namespaceOnlyPolicies.push(...policies)
        break
      case 'protected-namespaces':
        if ((rule.principals ?? []).length > 0) skip(rule, 'it lets some principals in, and the Deny cannot make that exception')
        else protectedNamespaces.push(...(rule.namespaces ?? []))
        break
      case 'policy-holders': {
        const unsafe = (rule.principals ?? []).filter((p) => !arnLikeSafe(p))
        if (rule.clusterScopeOnly === true) skip(rule, 'it restricts cluster scope only, which the guardrail shape cannot express')
        else if (unsafe.length > 0) skip(rule, `IAM ArnLike cannot match ${unsafe.join(', ')} as the rule does (write full ARN patterns)`)
        else if ((rule.principals ?? []).length === 0)
          deniedPolicies.push(...policies) // nobody may hold it
        else for (const policy of policies) policyHolders.push({ policy, principals: [...(rule.principals ?? [])] })
        break
      }
    }
  }
  const guardrails: IamGuardrails = {
    ...(deniedPolicies.length > 0 ? { deniedPolicies } : {}),
    ...(deniedPrincipals.length > 0 ? { deniedPrincipals } : {}),
    ...(namespaceOnlyPolicies.length > 0 ? { namespaceOnlyPolicies } : {}),
    ...(protectedNamespaces.length > 0 ? { protectedNamespaces } : {}),
    ...(policyHolders.length > 0 ? { policyHolders } : {}),
  }
  return { guardrails, skipped }
}
