/**
 * `iam-policy --repo OWNER/REPO [--manifest GLOB] [--branch main] [--audience sts.amazonaws.com]
 * [--rules FILE] [--format json|cloudformation|terraform]`: validates the manifest, reads the
 * organisation rules, then prints the least-privilege permission and OIDC trust policies of every
 * plan and apply role the manifest names, with the rules EKS can enforce in IAM as Deny guardrails.
 *
 * Outcomes: ok (policies on stdout; rules that cannot become guardrails are warnings on stderr);
 * invalid (exit 1: the manifest or the rules file has errors, or the manifest names no role; nothing
 * on stdout); usage (exit 2: bad option, manifest or named rules file missing).
 */
import { parse as parseYaml } from 'yaml'
import type { IamPolicyRequest } from '../config/requests.js'
import { Defaults } from '../constants.js'
import { buildIamPolicies, type IamGuardrails } from '../onboarding/index.js'
import { Outcomes, type Note, type Outcome } from '../outcome.js'
import { renderProblemsText, summarizeProblems } from '../render/problems.js'
import { loadRulesFile } from '../rules/org/index.js'
import type { CommandDeps } from './deps.js'

export async function iamPolicyCommand(request: IamPolicyRequest, deps: CommandDeps): Promise<Outcome> {
  const rules = await readGuardrails(request, deps)
  if (rules.kind === 'usage') return Outcomes.usage(rules.message)
  if (rules.kind === 'invalid') return rules.outcome
  const notes: Note[] = rules.skipped.map((message) => ({ level: 'warning' as const, message }))

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
    guardrails: rules.guardrails,
  })
  if (!built.ok) {
    return built.exitCode === 2
      ? Outcomes.usage(built.message, { notes })
      : Outcomes.invalid(built.message, { notes, stderr: `${built.message}\n` })
  }
  return Outcomes.ok({ stdout: built.text, notes: [...notes, ...built.notes.map((message) => ({ level: 'warning' as const, message }))] })
}

type GuardrailsRead =
  | { readonly kind: 'usage'; readonly message: string }
  | { readonly kind: 'invalid'; readonly outcome: Outcome }
  | { readonly kind: 'ok'; readonly guardrails: IamGuardrails; readonly skipped: readonly string[] }

/**
 * The organisation rules (`--rules`, or the default file when it exists) → guardrails. A broken
 * rules file is exit 1 with its problems (never "no guardrails"); a missing `--rules FILE` is exit 2.
 */
async function readGuardrails(request: IamPolicyRequest, deps: CommandDeps): Promise<GuardrailsRead> {
  const loaded = await loadRulesFile({ cwd: deps.cwd, ...(request.rules.explicit ? { path: request.rules.path } : {}) })
  if (loaded.kind === 'usage') return loaded
  if (loaded.kind === 'absent') return { kind: 'ok', guardrails: {}, skipped: [] }
  if (!loaded.result.ok) {
    const problems = loaded.result.error
    const sources = new Map(loaded.text === undefined ? [] : [[loaded.file, loaded.text]])
    return {
      kind: 'invalid',
      outcome: Outcomes.invalid(`rules file invalid: ${summarizeProblems(problems, 1)}; no policies printed`, {
        problems,
        stderr: renderProblemsText(problems, sources, { fileCount: 1, color: false, cwd: deps.cwd }),
      }),
    }
  }
  // A compiled rule keeps its check, not its parameters: read those from the text, valid by now.
  const compiled = new Set(loaded.result.value.rules.map((r) => r.id))
  const doc = parseYaml(loaded.text ?? '') as { rules?: Record<string, unknown>[] } | null
  const raw = (doc?.rules ?? []).filter((r) => compiled.has(String(r['id'])))
  return { kind: 'ok', ...guardrailsFromRules(raw.map(toGuardrailRule)) }
}

function toGuardrailRule(raw: Readonly<Record<string, unknown>>): GuardrailRule {
  const list = (key: string): Record<string, string[]> => (Array.isArray(raw[key]) ? { [key]: (raw[key] as unknown[]).map(String) } : {})
  return {
    id: String(raw['id']),
    kind: String(raw['kind']),
    severity: raw['severity'] === 'warning' ? 'warning' : 'error',
    ...list('files'),
    ...list('clusters'),
    ...list('principals'),
    ...list('policies'),
    ...list('namespaces'),
    ...(typeof raw['policy'] === 'string' ? { policy: raw['policy'] } : {}),
    ...(raw['clusterScopeOnly'] === true ? { clusterScopeOnly: true } : {}),
  }
}

// ───────────────────────────── organisation rules → guardrails ─────────────────────────────

/**
 * One organisation rule as the rules file writes it (PRODUCT.md, "Organisation rules"): only the
 * members the guardrails read.
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
  /** One line per rule that could not become an IAM condition, and why (printed as warnings). */
  readonly skipped: readonly string[]
}

/**
 * A rule's principal pattern as an IAM ArnLike pattern that matches the same ARNs, or undefined.
 * ArnLike matches each of the six colon-separated parts of an ARN on its own, while a rule's `*`
 * also crosses `:`. Carried over: `*`, ARN-shaped patterns with six parts, and `*:NAME` (NAME
 * without `:`), which is `arn:*:*:*:*:NAME` (IAM names have no colon, so NAME is the last part).
 */
export function toArnLike(pattern: string): string | undefined {
  if (pattern === '*') return pattern
  if (pattern.startsWith('arn:') && pattern.split(':').length === 6) return pattern
  if (pattern.startsWith('*:') && !pattern.slice(2).includes(':')) return `arn:*:*:*:*:${pattern.slice(2)}`
  return undefined
}

const GUARDRAIL_KINDS: readonly string[] = ['denied-principals', 'namespace-scoped-policies', 'protected-namespaces', 'policy-holders']

/**
 * The rule kinds EKS has condition keys for, as Deny statements on the apply role (error rules
 * only, and only rules for every file and cluster, since IAM sees neither files nor logical names):
 * - denied-principals → deniedPrincipals (eks:principalArn);
 * - namespace-scoped-policies → namespaceOnlyPolicies (eks:policyArn + eks:accessScope);
 * - protected-namespaces → protectedNamespaces (eks:namespaces), or with `principals`
 *   namespaceHolders (eks:namespaces + eks:principalArn);
 * - policy-holders → policyHolders (eks:policyArn + eks:principalArn, + eks:accessScope with
 *   clusterScopeOnly); held by nobody → deniedPolicies (namespaceOnlyPolicies with clusterScopeOnly).
 * Everything else (accounts, admin counts, tags, groups, usernames, CEL) stays a check of validate/plan.
 */
export function guardrailsFromRules(rules: readonly GuardrailRule[]): GuardrailMapping {
  const deniedPrincipals: string[] = []
  const deniedPolicies: string[] = []
  const namespaceOnlyPolicies: string[] = []
  const protectedNamespaces: string[] = []
  const policyHolders: { policy: string; principals: string[]; clusterScopeOnly?: boolean }[] = []
  const namespaceHolders: { namespaces: string[]; principals: string[] }[] = []
  const skipped: string[] = []
  const skip = (rule: GuardrailRule, why: string): void => {
    skipped.push(`rule ${rule.id} (${rule.kind}) is not enforced by the apply role: ${why}`)
  }
  for (const rule of rules) {
    if (!GUARDRAIL_KINDS.includes(rule.kind)) continue
    if (rule.severity === 'warning') continue // a warning never blocks, so it has no Deny either
    if (rule.files !== undefined && rule.files.length > 0) {
      skip(rule, 'it applies to some manifest files only, and IAM does not see files')
      continue
    }
    if (rule.clusters !== undefined && rule.clusters.length > 0) {
      skip(rule, 'it applies to some clusters only; a Deny would cover every cluster of the role')
      continue
    }
    const written = rule.principals ?? []
    const principals = written.flatMap((p) => toArnLike(p) ?? [])
    const unsafe = written.filter((p) => toArnLike(p) === undefined)
    const cannot = `IAM ArnLike cannot match ${unsafe.join(', ')} as the rule does (write full ARN patterns, arn:PARTITION:iam::ACCOUNT:…)`
    // A deny list may lose a pattern (it then denies less, and says so); an allow list may not
    // (it would deny principals the rule allows).
    if (unsafe.length > 0 && rule.kind !== 'denied-principals') {
      skip(rule, cannot)
      continue
    }
    if (unsafe.length > 0) skipped.push(`rule ${rule.id} (${rule.kind}) is only partly enforced by the apply role: ${cannot}`)
    const policies = [...(rule.policies ?? []), ...(rule.policy === undefined ? [] : [rule.policy])]
    const clusterScopeOnly = rule.clusterScopeOnly === true
    switch (rule.kind) {
      case 'denied-principals':
        deniedPrincipals.push(...principals)
        break
      case 'namespace-scoped-policies':
        namespaceOnlyPolicies.push(...policies)
        break
      case 'protected-namespaces':
        if (principals.length === 0) protectedNamespaces.push(...(rule.namespaces ?? []))
        else namespaceHolders.push({ namespaces: [...(rule.namespaces ?? [])], principals })
        break
      case 'policy-holders':
        if (principals.length === 0) (clusterScopeOnly ? namespaceOnlyPolicies : deniedPolicies).push(...policies)
        else for (const policy of policies) policyHolders.push({ policy, principals, ...(clusterScopeOnly ? { clusterScopeOnly } : {}) })
        break
    }
  }
  const guardrails: IamGuardrails = {
    ...(deniedPolicies.length > 0 ? { deniedPolicies } : {}),
    ...(deniedPrincipals.length > 0 ? { deniedPrincipals } : {}),
    ...(namespaceOnlyPolicies.length > 0 ? { namespaceOnlyPolicies } : {}),
    ...(protectedNamespaces.length > 0 ? { protectedNamespaces } : {}),
    ...(policyHolders.length > 0 ? { policyHolders } : {}),
    ...(namespaceHolders.length > 0 ? { namespaceHolders } : {}),
  }
  return { guardrails, skipped }
}
