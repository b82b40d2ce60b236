import { parsePrincipalArn } from '../arn.js'
import type { ApiCall } from '../plan/order.js'
import { DEFAULT_ENTRY_TYPE, normalizeType } from '../plan/normalize.js'
import { isClusterAdminPolicy, parsePolicyArn } from '../policies.js'
import { ENTRY_TYPES, type AssociatedPolicy, type Change, type ClusterPlan, type ObservedEntry } from '../types.js'
import type { ClusterProblem } from './types.js'

/**
 * Checks made before the first mutating call of a cluster, so that a bad call cannot leave a
 * half-applied cluster: every call well-formed (what EKS would refuse part-way through), and the
 * lockout invariant on the state the calls lead to. Pure.
 */

const RESERVED_USERNAME = /^(system:|eks:|aws:|amazon:|iam:)/
const MAX_TAGS = 50

/** Every problem with the calls (empty when all are well-formed). */
export function checkCalls(plan: ClusterPlan, calls: readonly ApiCall[], observed: readonly ObservedEntry[]): ClusterProblem[] {
  const problems: ClusterProblem[] = []
  const live = new Map(observed.map((e) => [e.principalArn, e]))
  const bad = (principal: string, what: string): void => {
    problems.push({ code: 'malformed-call', message: `${principal}: ${what}` })
  }
  for (const call of calls) {
    if (call.call === 'updateAuthenticationMode') continue
    const p = call.principalArn
    const change = plan.changes[call.change]
    if (change === undefined || change.principalArn !== p) {
      bad(p, `${call.call} names change ${call.change}, which is not a change of this principal`)
      continue
    }
    const parsed = parsePrincipalArn(p)
    if (!parsed.ok) bad(p, `not an IAM principal ARN (${parsed.error.reason})`)
    else if (parsed.value.kind !== 'role' && parsed.value.kind !== 'user') bad(p, `a ${parsed.value.kind} cannot have an access entry`)
    switch (call.call) {
      case 'createAccessEntry': {
        const type = normalizeType(call.type)
        if (!(ENTRY_TYPES as readonly string[]).includes(type)) bad(p, `unknown access-entry type ${JSON.stringify(call.type)}`)
        if (type !== DEFAULT_ENTRY_TYPE && (call.kubernetesGroups.length > 0 || call.username !== undefined))
          bad(p, `a ${type} entry takes no username or Kubernetes groups`)
        checkIdentity(p, call.username, call.kubernetesGroups, bad)
        checkTags(p, call.tags, bad)
        break
      }
      case 'updateAccessEntry':
        checkIdentity(p, call.username, call.kubernetesGroups, bad)
        break
      case 'tagResource':
        checkTags(p, call.tags, bad)
        if (live.get(p)?.accessEntryArn === undefined) bad(p, 'TagResource needs the access entry ARN, and the live state has none for it')
        break
      case 'associateAccessPolicy': {
        const policy = parsePolicyArn(call.policyArn)
        if (policy === undefined) bad(p, `${JSON.stringify(call.policyArn)} is not an access-policy ARN`)
        else if (parsed.ok && policy.partition !== parsed.value.partition) bad(p, `policy ${call.policyArn} is in another partition`)
        const s = call.accessScope
        if (s.type === 'cluster' && s.namespaces.length > 0) bad(p, 'a cluster scope takes no namespaces')
        if (s.type === 'namespace' && (s.namespaces.length === 0 || s.namespaces.some((n) => n.length === 0 || n.length > 63)))
          bad(p, 'a namespace scope needs one or more namespaces of 1 to 63 characters')
        if (s.type !== 'cluster' && s.type !== 'namespace') bad(p, `unknown scope type ${JSON.stringify(s.type)}`)
        break
      }
      case 'disassociateAccessPolicy':
        if (parsePolicyArn(call.policyArn) === undefined) bad(p, `${JSON.stringify(call.policyArn)} is not an access-policy ARN`)
        break
      case 'deleteAccessEntry':
        break
    }
  }
  return problems
}

function checkIdentity(p: string, username: string | undefined, groups: readonly string[], bad: (p: string, w: string) => void): void {
  if (username !== undefined) {
    if (username === '' || RESERVED_USERNAME.test(username))
      bad(p, `username ${JSON.stringify(username)} is empty or starts with a reserved prefix`)
    // As rules/eks/username.ts: a colon anywhere before the first placeholder (the default
    // `arn:aws:sts::…:assumed-role/NAME/{{SessionName}}` has its colons in the ARN).
    const first = /\{\{SessionName(Raw)?\}\}/.exec(username)
    if (first !== null && !username.slice(0, first.index).includes(':'))
      bad(p, `username ${JSON.stringify(username)}: {{SessionName}} needs a colon somewhere before it`)
  }
  for (const g of groups)
    if (g === '' || g.startsWith('system:')) bad(p, `Kubernetes group ${JSON.stringify(g)} is empty or starts with system:`)
}

function checkTags(p: string, tags: Readonly<Record<string, string>>, bad: (p: string, w: string) => void): void {
  const keys = Object.keys(tags)
  if (keys.length > MAX_TAGS) bad(p, `${keys.length} tags (EKS allows ${MAX_TAGS})`)
  for (const k of keys) {
    const v = tags[k] ?? ''
    if (k.length === 0 || k.length > 128 || k.toLowerCase().startsWith('aws:') || v.length > 256)
      bad(p, `tag ${JSON.stringify(k)}: keys take 1 to 128 characters and no aws: prefix, values up to 256`)
  }
}

// ───────────────────────────── lockout ─────────────────────────────

interface EndEntry {
  type: string
  policies: Map<string, AssociatedPolicy['accessScope']>
}

/**
 * The entries (by principal) once `changes` are applied to `observed`; `skip` are the changes left
 * out (unreviewed), whose effects the end state must not count.
 */
export function endState(observed: readonly ObservedEntry[], changes: readonly Change[], skip: ReadonlySet<number>): Map<string, EndEntry> {
  const state = new Map<string, EndEntry>()
  for (const e of observed) {
    state.set(e.principalArn, { type: normalizeType(e.type), policies: new Map(e.accessPolicies.map((p) => [p.policyArn, p.accessScope])) })
  }
  const skippedEntry = new Set<string>()
  for (const [i, c] of changes.entries()) {
    if (skip.has(i)) {
      if (c.action === 'create' || c.action === 'replace') skippedEntry.add(c.principalArn)
      continue
    }
    switch (c.action) {
      case 'create':
      case 'replace':
        state.set(c.principalArn, { type: normalizeType(c.after.type), policies: new Map() })
        break
      case 'delete':
        state.delete(c.principalArn)
        break
      case 'associate': {
        // An association on an entry whose create is skipped cannot happen.
        const e = state.get(c.principalArn)
        if (e !== undefined && !skippedEntry.has(c.principalArn)) e.policies.set(c.policyArn, c.accessScope)
        break
      }
      case 'disassociate':
        state.get(c.principalArn)?.policies.delete(c.policyArn)
        break
      case 'update':
        break
    }
  }
  return state
}

/** STANDARD entries holding AmazonEKSClusterAdminPolicy at cluster scope, sorted. */
export function adminHolders(state: ReadonlyMap<string, EndEntry>): string[] {
  const out: string[] = []
  for (const [p, e] of state) {
    if (e.type !== DEFAULT_ENTRY_TYPE) continue
    for (const [arn, scope] of e.policies) if (isClusterAdminPolicy(arn) && scope.type === 'cluster') out.push(p)
  }
  return [...new Set(out)].sort()
}

export function isAdminPolicy(p: AssociatedPolicy): boolean {
  return isClusterAdminPolicy(p.policyArn) && p.accessScope.type === 'cluster'
}

export function lockoutProblem(cluster: string): ClusterProblem {
  return {
    code: 'no-cluster-admin',
    message:
      `after this apply no STANDARD access entry on cluster ${cluster} would hold AmazonEKSClusterAdminPolicy at cluster scope ` +
      '(a lockout); nothing was changed on it. Keep or add one, or set allowNoClusterAdmin: true on the cluster',
  }
}
