import { createHash } from 'node:crypto'
import { isClusterAdminPolicy, policyName } from '../policies.js'
import type { AccessScope, AuthenticationModeChange, Change, ClusterPlan, Plan } from '../types.js'
import { planHash, stableStringify } from './hash.js'

/**
 * The reviewed plan, carried by the sticky PR comment in two hidden HTML comments:
 *
 *   first line:  <!-- eks-access-gate {"clusters":{KEY:HASH,…},"head":SHA,"shard":"*","v":2} -->
 *   at the end:  <!-- eks-access-gate:reviewed {"clusters":{KEY:DIGESTS,…},"head":SHA,"v":1} -->
 *
 * HASH is `clusterPlanHash`: the first 20 base64url characters (120 bits) of the sha256 of the
 * cluster's plan. The marker only has to tell the reviewed plan of a cluster from a fresh one (an
 * equality check on our own output, never a signature), and 120 bits make an accidental match
 * impossible in practice while keeping a 200-cluster marker near 9 KB. Version 1 markers (comments
 * written before, with the full 64-hex sha256) are still read, so a pull request reviewed before an
 * upgrade is compared correctly after it. DIGESTS is one 8-character base64url
 * `changeDigest` per change (and one for the authentication-mode step), concatenated, so apply can
 * name exactly the changes that were not reviewed when a cluster's hash differs. Both comments are
 * written by us, but a comment body is still input: the parsers are strict and size-capped, and
 * what they return is only ever compared with a fresh plan, never acted on.
 *
 * The policy (compareWithReviewed): a cluster whose hash matches applies as is. Otherwise each
 * change not in the reviewed list is reported; deletions, type changes (delete + create),
 * disassociations, escalations (a new entry, a new or widened policy, added groups, a changed
 * username) and any narrowing of the cluster-admin policy are skipped (the next PR's plan shows them
 * for review); other changes (tags, groups removed, a non-admin scope narrowed) are applied. An
 * unreviewed authentication-mode step (irreversible) is skipped. No reviewed plan at all (a direct
 * push) applies the fresh plan as it is and says so.
 */

/** The marker written (short cluster hashes); version 1 (full sha256 hex) is still read. */
export const MARKER_VERSION = 2
const LEGACY_MARKER_VERSION = 1
/** The digest comment's version (unchanged by marker version 2). */
export const DIGESTS_VERSION = 1
export const MARKER_PREFIX = '<!-- eks-access-gate '
export const DIGESTS_PREFIX = '<!-- eks-access-gate:reviewed '
const COMMENT_END = ' -->'
/** Characters of the base64url sha256 kept per cluster in a version 2 marker (120 bits). */
export const CLUSTER_HASH_LENGTH = 20
/**
 * Longest first line parseMarker accepts (and so the most a plan's marker may be): half of a
 * comment, so the review and the digests keep the other half. A cluster costs its key plus 26
 * characters (`"KEY":"HASH",`) and the rest of the line about 110, so one comment's marker holds
 * about 1,200 clusters with 1-character keys, 740 with 18-character keys (`prod-eu-west-1-pay`),
 * 500 with 39-character keys and 200 with 135-character keys. Past it the publish step fails
 * with a message that says to shard the plan (`clusters` input); it never posts a comment it
 * could not find again.
 */
export const MAX_MARKER_LENGTH = 32_768
/** Longest digest comment parseReviewedDigests accepts (a comment body is at most 65,536). */
export const MAX_DIGESTS_LENGTH = 65_536
/** Default budget of formatReviewedDigests; clusters that do not fit are left out (all their changes then count as unreviewed). */
export const DEFAULT_DIGESTS_BUDGET = 24_576
/** More than MAX_MARKER_LENGTH can hold (27 characters a cluster at least), so the length binds first. */
const MAX_CLUSTERS = 2_000
const MAX_KEY_LENGTH = 256
const DIGEST_LENGTH = 8

const COMMIT = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/
/** The cluster hash of each marker version: exactly one form per version. */
const HASH_OF_VERSION: Readonly<Record<1 | 2, RegExp>> = { 1: /^[0-9a-f]{64}$/, 2: /^[A-Za-z0-9_-]{20}$/ }
const DIGESTS = /^(?:[A-Za-z0-9_-]{8})*$/
// No control characters, and nothing that could end the HTML comment.
const SAFE_TEXT = /^[^\u0000-\u001f\u007f<>]+$/

export interface MarkerData {
  /** 2 when written by this release; 1 when read from an older comment (full sha256 hex hashes). */
  readonly v: 1 | 2
  /** The head commit the plan was made for. */
  readonly head: string
  /** The `clusters` filter of the job that wrote it, or "*". */
  readonly shard: string
  /** Logical cluster key → clusterPlanHash (version 2) or the full sha256 hex (version 1). */
  readonly clusters: Readonly<Record<string, string>>
}

export interface ReviewedDigests {
  readonly v: 1
  readonly head: string
  /** Logical cluster key → concatenated 8-character digests. */
  readonly clusters: Readonly<Record<string, string>>
}

export interface ReviewedPlan {
  readonly marker: MarkerData
  /** Absent when the body has no (valid) digest comment. */
  readonly digests?: ReviewedDigests
}

// ───────────────────────────── hashes and digests ─────────────────────────────

/**
 * The marker's hash of one cluster's plan: sha256 over the same stable JSON plan/hash.ts hashes
 * (`planHash([cluster])`), base64url, cut to CLUSTER_HASH_LENGTH characters.
 */
export function clusterPlanHash(cluster: ClusterPlan): string {
  return createHash('sha256')
    .update(stableStringify([cluster]))
    .digest('base64url')
    .slice(0, CLUSTER_HASH_LENGTH)
}

/** Whether a reviewed hash (either marker version's form) is the hash of this fresh cluster plan. */
export function matchesReviewedHash(reviewed: string | undefined, cluster: ClusterPlan): boolean {
  if (reviewed === undefined) return false
  return HASH_OF_VERSION[1].test(reviewed) ? reviewed === planHash([cluster]) : reviewed === clusterPlanHash(cluster)
}

/**
 * What identifies a change for review: what it does, not how the live state looked in every detail
 * (so drift elsewhere in an entry does not make a reviewed change "new"). Expiry reasons are left
 * out: a delete is a delete.
 */
export function changeIdentity(c: Change): unknown {
  switch (c.action) {
    case 'create':
      return { a: c.action, p: c.principalArn, after: c.after }
    case 'update':
      return {
        a: c.action,
        p: c.principalArn,
        entry: c.updateEntry
          ? {
              groups: c.after.kubernetesGroups,
              username: c.after.username ?? null,
              fromGroups: c.before.kubernetesGroups,
              fromUsername: c.before.username ?? null,
            }
          : null,
        tags: c.tagsToSet,
        adopt: c.adopt,
      }
    case 'replace':
      return { a: c.action, p: c.principalArn, fromType: c.before.type, after: c.after }
    case 'delete':
      return { a: c.action, p: c.principalArn }
    case 'associate':
      return { a: c.action, p: c.principalArn, policy: c.policyArn, scope: c.accessScope, from: c.previousScope ?? null }
    case 'disassociate':
      return { a: c.action, p: c.principalArn, policy: c.policyArn }
  }
}

function digestOf(identity: unknown): string {
  return createHash('sha256').update(stableStringify(identity)).digest('base64url').slice(0, DIGEST_LENGTH)
}

/** 8 base64url characters (48 bits) of sha256 over the change's stable identity. */
export function changeDigest(change: Change): string {
  return digestOf(changeIdentity(change))
}

export function modeDigest(mode: AuthenticationModeChange): string {
  return digestOf({ a: 'authentication-mode', from: mode.from, to: mode.to })
}

function clusterDigests(c: ClusterPlan): string {
  const mode = c.authenticationMode === undefined ? '' : modeDigest(c.authenticationMode)
  return mode + c.changes.map(changeDigest).join('')
}

// ───────────────────────────── format ─────────────────────────────

/** JSON with sorted keys, `<`, `>` and `&` escaped so nothing can close the HTML comment. */
function commentJson(value: unknown): string {
  return stableStringify(value).replace(/[<>&]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`)
}

/** The marker data of a plan: one hash per cluster of the plan. */
export function markerDataFor(plan: Plan, head: string, shard = '*'): MarkerData {
  return { v: MARKER_VERSION, head, shard, clusters: Object.fromEntries(plan.clusters.map((c) => [c.cluster, clusterPlanHash(c)])) }
}

/** The sticky comment's first line. */
export function formatMarker(data: MarkerData): string {
  return `${MARKER_PREFIX}${commentJson(data)}${COMMENT_END}`
}

/**
 * The digest comment for the end of the body. Clusters are dropped from the end (in key order)
 * until it fits `maxLength`; a dropped cluster then has no reviewed change list and apply treats
 * all of its changes as unreviewed when its hash differs.
 */
export function formatReviewedDigests(plan: Plan, head: string, opts: { readonly maxLength?: number } = {}): string {
  const max = opts.maxLength ?? DEFAULT_DIGESTS_BUDGET
  const entries = plan.clusters.filter((c) => c.errors.length === 0).map((c) => [c.cluster, clusterDigests(c)] as const)
  for (let n = entries.length; n >= 0; n--) {
    const text = `${DIGESTS_PREFIX}${commentJson({ v: DIGESTS_VERSION, head, clusters: Object.fromEntries(entries.slice(0, n)) })}${COMMENT_END}`
    if (text.length <= max) return text
  }
  return ''
}

// ───────────────────────────── parse (strict) ─────────────────────────────

function parseCommentJson(text: string, prefix: string, maxLength: number): Record<string, unknown> | undefined {
  if (text.length > maxLength || !text.startsWith(prefix) || !text.endsWith(COMMENT_END)) return undefined
  const json = text.slice(prefix.length, text.length - COMMENT_END.length)
  if (json.includes('-->')) return undefined
  let value: unknown
  try {
    value = JSON.parse(json)
  } catch {
    return undefined
  }
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined
}

function hasExactly(o: Record<string, unknown>, keys: readonly string[]): boolean {
  const own = Object.keys(o)
  return own.length === keys.length && keys.every((k) => Object.hasOwn(o, k))
}

function stringRecord(value: unknown, valid: (v: string) => boolean): Record<string, string> | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined
  const entries = Object.entries(value as Record<string, unknown>)
  if (entries.length > MAX_CLUSTERS) return undefined
  for (const [k, v] of entries) {
    if (k.length === 0 || k.length > MAX_KEY_LENGTH || !SAFE_TEXT.test(k) || typeof v !== 'string' || !valid(v)) return undefined
  }
  // fromEntries defines own properties, so a key like "__proto__" stays data.
  return Object.fromEntries(entries) as Record<string, string>
}

/**
 * The marker of a comment's first line, or undefined when it is not exactly one: version 2 with
 * short hashes only, or version 1 with full sha256 hex hashes only.
 */
export function parseMarker(firstLine: string): MarkerData | undefined {
  const o = parseCommentJson(firstLine.endsWith('\r') ? firstLine.slice(0, -1) : firstLine, MARKER_PREFIX, MAX_MARKER_LENGTH)
  if (o === undefined || !hasExactly(o, ['v', 'head', 'shard', 'clusters'])) return undefined
  const v = o['v']
  if (v !== MARKER_VERSION && v !== LEGACY_MARKER_VERSION) return undefined
  const { head, shard } = o
  if (typeof head !== 'string' || !COMMIT.test(head)) return undefined
  if (typeof shard !== 'string' || shard.length > 1_000 || !SAFE_TEXT.test(shard)) return undefined
  const hash = HASH_OF_VERSION[v]
  const clusters = stringRecord(o['clusters'], (h) => hash.test(h))
  return clusters === undefined ? undefined : { v, head, shard, clusters }
}

/**
 * Why a marker line we are about to post cannot be used (undefined when it can): the publish
 * step's message for a plan with more clusters than one comment's marker holds.
 */
export function markerTooLong(line: string): string | undefined {
  if (line.length <= MAX_MARKER_LENGTH) return undefined
  const o = parseCommentJson(line, MARKER_PREFIX, Number.MAX_SAFE_INTEGER)
  const clusters = o?.['clusters']
  const count = clusters !== null && typeof clusters === 'object' ? `${Object.keys(clusters).length} clusters` : 'too many clusters'
  return (
    `the plan covers ${count}, too many for one pull-request comment: its hidden marker would be ${line.length} characters ` +
    `and at most ${MAX_MARKER_LENGTH} can be read back (about 500 clusters with 39-character names, 740 with 18). ` +
    'Shard the plan with the clusters input (a matrix of jobs, one comment per shard); no comment was written'
  )
}

/** The digest comment that ends a comment body (only trailing whitespace after it), or undefined. */
export function parseReviewedDigests(body: string): ReviewedDigests | undefined {
  const trimmed = body.trimEnd()
  const at = trimmed.lastIndexOf(DIGESTS_PREFIX)
  if (at < 0) return undefined
  const o = parseCommentJson(trimmed.slice(at), DIGESTS_PREFIX, MAX_DIGESTS_LENGTH)
  if (o === undefined || !hasExactly(o, ['v', 'head', 'clusters']) || o['v'] !== DIGESTS_VERSION) return undefined
  const head = o['head']
  if (typeof head !== 'string' || !COMMIT.test(head)) return undefined
  const clusters = stringRecord(o['clusters'], (v) => v.length <= MAX_DIGESTS_LENGTH && DIGESTS.test(v))
  return clusters === undefined ? undefined : { v: DIGESTS_VERSION, head, clusters }
}

/** Marker (first line) and digests (end) of a sticky comment body; undefined without a valid marker. */
export function readReviewedPlan(body: string): ReviewedPlan | undefined {
  const nl = body.indexOf('\n')
  const marker = parseMarker(nl < 0 ? body : body.slice(0, nl))
  if (marker === undefined) return undefined
  const digests = parseReviewedDigests(body)
  // Digests written for another head are not this plan's: ignore them.
  return digests !== undefined && digests.head === marker.head ? { marker, digests } : { marker }
}

// ───────────────────────────── compare ─────────────────────────────

export type ReviewDecision = 'skip' | 'apply'

export interface UnexpectedChange {
  /** Index in the fresh cluster plan's `changes`. */
  readonly index: number
  readonly change: Change
  readonly decision: ReviewDecision
  /** Plain text: what kind of change it is. */
  readonly why: string
}

export interface ClusterReview {
  readonly cluster: string
  /** matches: the reviewed hash; differs: compared change by change; not-reviewed: no reviewed plan at all. */
  readonly status: 'matches' | 'differs' | 'not-reviewed'
  /** The fresh changes that were not reviewed, in plan order (empty unless `differs`). */
  readonly unexpected: readonly UnexpectedChange[]
  /** Set when the cluster's authentication-mode step was not reviewed (always skipped: irreversible). */
  readonly authenticationMode?: { readonly decision: 'skip'; readonly why: string }
  /** Plain text, for the summary. */
  readonly note?: string
}

export interface ReviewComparison {
  /** false: no reviewed plan was found (direct push); every cluster is `not-reviewed`. */
  readonly reviewed: boolean
  readonly clusters: readonly ClusterReview[]
  readonly notes: readonly string[]
}

export function compareWithReviewed(fresh: Plan, reviewed: ReviewedPlan | undefined): ReviewComparison {
  if (reviewed === undefined) {
    return {
      reviewed: false,
      clusters: fresh.clusters.map((c) => ({ cluster: c.cluster, status: 'not-reviewed', unexpected: [] })),
      notes: ['No reviewed plan was found (a direct push, or no plan comment): the fresh plan was applied as it is.'],
    }
  }
  return { reviewed: true, clusters: fresh.clusters.map((c) => compareCluster(c, reviewed)), notes: [] }
}

function ownValue(record: Readonly<Record<string, string>> | undefined, key: string): string | undefined {
  return record !== undefined && Object.hasOwn(record, key) ? record[key] : undefined
}

function compareCluster(c: ClusterPlan, reviewed: ReviewedPlan): ClusterReview {
  const reviewedHash = ownValue(reviewed.marker.clusters, c.cluster)
  if (matchesReviewedHash(reviewedHash, c)) return { cluster: c.cluster, status: 'matches', unexpected: [] }
  const list = ownValue(reviewed.digests?.clusters, c.cluster)
  const known = new Set<string>()
  if (list !== undefined) for (let i = 0; i < list.length; i += DIGEST_LENGTH) known.add(list.slice(i, i + DIGEST_LENGTH))
  const unexpected: UnexpectedChange[] = []
  for (const [index, change] of c.changes.entries()) {
    if (list !== undefined && known.has(changeDigest(change))) continue
    unexpected.push({ index, change, ...reviewPolicy(change, c) })
  }
  const mode = c.authenticationMode
  const modeUnreviewed = mode !== undefined && (list === undefined || !known.has(modeDigest(mode)))
  const note =
    reviewedHash === undefined
      ? `Cluster ${c.cluster} was not in the reviewed plan: every change counts as unreviewed.`
      : list === undefined
        ? `The reviewed plan of cluster ${c.cluster} differs and its change list is missing: every change counts as unreviewed.`
        : undefined
  return {
    cluster: c.cluster,
    status: 'differs',
    unexpected,
    ...(modeUnreviewed
      ? { authenticationMode: { decision: 'skip' as const, why: `authentication-mode step ${mode.from} → ${mode.to} (irreversible)` } }
      : {}),
    ...(note === undefined ? {} : { note }),
  }
}

function narrows(previous: AccessScope, next: AccessScope): boolean {
  if (next.type === 'cluster') return false
  return previous.type === 'cluster' || previous.namespaces.some((n) => !next.namespaces.includes(n))
}

function widens(previous: AccessScope, next: AccessScope): boolean {
  if (previous.type === 'cluster') return false
  return next.type === 'cluster' || next.namespaces.some((n) => !previous.namespaces.includes(n))
}

/** Escalation detail from the plan's effects for this principal, when it has any. */
function escalationDetail(plan: ClusterPlan, principalArn: string): string {
  const details = plan.effects.filter((e) => e.principalArn === principalArn && e.escalation).map((e) => e.detail)
  return details.length === 0 ? '' : ` (${details.join('; ')})`
}

/** What an unreviewed change is and whether it is applied. */
export function reviewPolicy(c: Change, plan: ClusterPlan): { decision: ReviewDecision; why: string } {
  const skip = (why: string): { decision: ReviewDecision; why: string } => ({ decision: 'skip', why })
  switch (c.action) {
    case 'delete':
      return skip('deletion')
    case 'replace':
      return skip(`type change ${c.before.type} → ${c.after.type} (delete and re-create)`)
    case 'disassociate':
      return skip(`disassociation of ${policyName(c.policyArn)}`)
    case 'create':
      return skip(`escalation: new access entry${escalationDetail(plan, c.principalArn)}`)
    case 'associate': {
      const prev = c.previousScope
      if (prev === undefined) return skip(`escalation: ${policyName(c.policyArn)} granted${escalationDetail(plan, c.principalArn)}`)
      if (widens(prev, c.accessScope)) return skip(`escalation: ${policyName(c.policyArn)} scope widened`)
      if (narrows(prev, c.accessScope) && isClusterAdminPolicy(c.policyArn)) return skip(`removal: ${policyName(c.policyArn)} narrowed`)
      return { decision: 'apply', why: `${policyName(c.policyArn)} scope narrowed` }
    }
    case 'update': {
      if (c.updateEntry) {
        const added = c.after.kubernetesGroups.some((g) => !c.before.kubernetesGroups.includes(g))
        if (added) return skip('escalation: Kubernetes groups added')
        if (c.after.username !== c.before.username) return skip('escalation: username changed')
        return { decision: 'apply', why: 'Kubernetes groups removed' }
      }
      return { decision: 'apply', why: c.adopt ? 'ownership tag added (adopt)' : 'tags set' }
    }
  }
}
