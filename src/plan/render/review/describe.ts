import { BUILT_IN_POLICY_NAMES, parsePolicyArn } from '../../../policies.js'
import type { AccessScope, AssociatedPolicy, Change, ClusterPlan, PlanSummary } from '../../../types.js'
import type { Access } from './access.js'
import { code } from '../../../render/safe.js'

/**
 * Small Markdown phrases shared by the review comment's parts. Every untrusted value goes
 * through `code` or `text` (safe.ts); everything else here is our own words.
 */

/** Longest list of namespaces or groups shown before "+N more". */
export const LIST_LIMIT = 5

const KNOWN_POLICIES: ReadonlySet<string> = new Set(BUILT_IN_POLICY_NAMES)

/** AWS-managed policies by their short name in plain text; anything else as a code span. */
export function policyLabel(policyArn: string): string {
  const parsed = parsePolicyArn(policyArn)
  return parsed !== undefined && KNOWN_POLICIES.has(parsed.name) ? parsed.name : code(policyArn)
}

export function valueList(values: readonly string[], limit: number = LIST_LIMIT): string {
  const shown = values.slice(0, limit).map((v) => code(v))
  const more = values.length > limit ? ` +${values.length - limit} more` : ''
  return `${shown.join(', ')}${more}`
}

export function scopeLabel(scope: AccessScope): string {
  return scope.type === 'cluster' ? 'cluster-wide' : `in ns ${valueList(scope.namespaces)}`
}

export function policyPhrase(p: AssociatedPolicy): string {
  return `${policyLabel(p.policyArn)} ${scopeLabel(p.accessScope)}`
}

/**
 * A principal's principal ARN, short when it is an IAM role or user of the cluster's own account
 * and partition (`role/team-a`); in full otherwise, so another account always shows.
 */
export function principalLabel(principalArn: string, cluster: Pick<ClusterPlan, 'accountId' | 'region'>): string {
  const m = /^arn:(aws|aws-cn|aws-us-gov):iam::(\d{12}):((?:role|user)\/.+)$/.exec(principalArn)
  const partition = cluster.region.startsWith('cn-') ? 'aws-cn' : cluster.region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws'
  if (m !== null && m[1] === partition && m[2] === cluster.accountId) return code(m[3] ?? principalArn)
  return code(principalArn)
}

const samePolicy = (a: AssociatedPolicy, b: AssociatedPolicy): boolean =>
  a.policyArn === b.policyArn &&
  a.accessScope.type === b.accessScope.type &&
  a.accessScope.namespaces.join('\u0000') === b.accessScope.namespaces.join('\u0000')

/**
 * `AmazonEKSViewPolicy cluster-wide · groups a, b`; items missing from `other` are bold when
 * `highlight` is set (what the principal gains), so the delta stands out in the "after" line.
 */
export function accessPhrase(access: Access | undefined, other: Access | undefined, highlight: boolean, showUsername: boolean): string {
  if (access === undefined) return '_no access entry_'
  const mark = (s: string, isNew: boolean): string => (highlight && isNew ? `**${s}**` : s)
  const parts: string[] = []
  if (access.type !== 'STANDARD') parts.push(mark(`type ${code(access.type)}`, other !== undefined && other.type !== access.type))
  for (const p of access.accessPolicies) {
    const isNew = !(other?.accessPolicies ?? []).some((q) => samePolicy(p, q))
    parts.push(mark(policyPhrase(p), isNew))
  }
  if (access.kubernetesGroups.length > 0) {
    const before = other?.kubernetesGroups ?? []
    const isNew = access.kubernetesGroups.some((g) => !before.includes(g))
    parts.push(mark(`groups ${valueList(access.kubernetesGroups)}`, isNew))
  }
  if (showUsername) parts.push(mark(`username ${access.username === undefined ? '_EKS default_' : code(access.username)}`, true))
  return parts.length > 0 ? parts.join(' · ') : '_no policies, no groups_'
}

const COUNT_ORDER: readonly (keyof PlanSummary)[] = ['create', 'update', 'replace', 'delete', 'associate', 'disassociate']

/** `2 to create · 1 to delete`; empty when nothing changes. */
export function countPhrase(counts: Readonly<Record<keyof PlanSummary, number>>): string {
  return COUNT_ORDER.filter((k) => counts[k] > 0)
    .map((k) => `${counts[k]} to ${k}`)
    .join(' · ')
}

export function clusterCounts(cluster: ClusterPlan): Record<keyof PlanSummary, number> {
  const counts = { create: 0, update: 0, replace: 0, delete: 0, associate: 0, disassociate: 0, unchanged: cluster.unchanged }
  for (const c of cluster.changes) counts[c.action] += 1
  return counts
}

export const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`

function expiry(change: Change): string {
  if (change.reason !== 'expired') return ''
  return change.expiresAt === undefined ? ' (expired)' : ` (expired ${code(change.expiresAt)})`
}

/** One API call, as a list item that wraps (no code block, which would scroll sideways). */
export function callItem(change: Change, cluster: ClusterPlan): string {
  const who = principalLabel(change.principalArn, cluster)
  const tail = expiry(change)
  switch (change.action) {
    case 'create': {
      const tags = Object.keys(change.after.tags).sort()
      const groups = change.after.kubernetesGroups.length > 0 ? `, groups ${valueList(change.after.kubernetesGroups)}` : ''
      const username = change.after.username === undefined ? '' : `, username ${code(change.after.username)}`
      const tagText = tags.length > 0 ? `, tags ${tagList(change.after.tags)}` : ''
      return `- ➕ create ${who} (type ${code(change.after.type)}${groups}${username}${tagText})${tail}`
    }
    case 'update': {
      const parts: string[] = []
      if (change.updateEntry) {
        const [b, a] = [change.before, change.after]
        if (b.kubernetesGroups.join('\u0000') !== a.kubernetesGroups.join('\u0000')) {
          parts.push(`groups ${listOrNone(b.kubernetesGroups)} → ${listOrNone(a.kubernetesGroups)}`)
        }
        if (b.username !== a.username) parts.push(`username ${usernameOf(b.username)} → ${usernameOf(a.username)}`)
        if (parts.length === 0) parts.push('groups and username re-sent')
      }
      if (Object.keys(change.tagsToSet).length > 0) parts.push(`set tags ${tagList(change.tagsToSet)}`)
      if (change.adopt) parts.push('adopt (ownership tag added)')
      return `- ✏️ update ${who}: ${parts.join('; ')}${tail}`
    }
    case 'replace':
      return `- ⛔ replace ${who}: type ${code(change.before.type)} → ${code(change.after.type)}, deleted then re-created (no access in between)${tail}`
    case 'delete': {
      const with_ = change.accessPolicies.length > 0 ? ` with ${change.accessPolicies.map(policyPhrase).join(', ')}` : ''
      return `- ➖ delete ${who} (type ${code(change.before.type)})${with_}${tail}`
    }
    case 'associate':
      if (change.previousScope !== undefined) {
        const how = change.inPlace ? 'in place, no gap' : 'disassociated, then associated'
        return `- 🔁 associate ${who} ${policyLabel(change.policyArn)}: ${scopeLabel(change.previousScope)} → ${scopeLabel(change.accessScope)} (${how})${tail}`
      }
      return `- ➕ associate ${who} ${policyPhrase(change)}${tail}`
    case 'disassociate':
      return `- ➖ disassociate ${who} ${policyPhrase(change)}${tail}`
  }
}

function listOrNone(values: readonly string[]): string {
  return values.length === 0 ? '_none_' : valueList(values)
}

function usernameOf(username: string | undefined): string {
  return username === undefined ? '_EKS default_' : code(username)
}

function tagList(tags: Readonly<Record<string, string>>): string {
  const keys = Object.keys(tags).sort()
  const shown = keys.slice(0, LIST_LIMIT).map((k) => `${code(k)}=${code(tags[k] ?? '')}`)
  return `${shown.join(', ')}${keys.length > LIST_LIMIT ? ` +${keys.length - LIST_LIMIT} more` : ''}`
}

/** Our own hint for what to do about a cluster that could not be planned. */
export function errorHint(codeValue: string): string {
  if (/AccessDenied|UnauthorizedOperation|NotAuthorized/i.test(codeValue)) {
    return "check that the cluster's `planRoleArn` trusts this repository's OIDC token and may call `eks:ListAccessEntries`, `eks:DescribeAccessEntry` and `eks:ListAssociatedAccessPolicies` (`eks-access-gate iam-policy` prints both policies), then re-run the job."
  }
  if (/ExpiredToken|InvalidClientTokenId|SignatureDoesNotMatch/i.test(codeValue))
    return 'the credentials were refused: re-run the job; if it repeats, check the role and the OIDC audience.'
  if (/ResourceNotFound/i.test(codeValue)) return 'check the cluster `name`, `region` and `accountId` in the manifest.'
  if (/Throttl|TooManyRequests|ServiceUnavailable|InternalFailure|Timeout/i.test(codeValue))
    return 'EKS was busy or unreachable: re-run the job.'
  if (codeValue === 'no-state') return 'export a snapshot for it (`eks-access-gate export --format state`) or run with AWS access.'
  return 'fix the cause above and push again; the other clusters were planned.'
}
