/**
 * Dead access: EKS binds an access entry to the IAM principal's unique id, not its ARN
 * (EKS-API.md §4). When the role or user is deleted the entry grants nothing ("orphaned"); when it
 * is recreated under the same name the new principal silently does NOT get the access back
 * ("stale": IAM CreateDate later than the entry's createdAt). Both are warnings with the fix, in
 * plan and drift; neither changes the plan.
 *
 * One IAM read per distinct principal of the clusters' own account (the plan role reads that
 * account's IAM), paced by the caller's per-account limiter like the EKS reads; principals of other
 * accounts and ARNs that are not roles or users are reported as not checked.
 */
import { parsePrincipalArn } from '../arn.js'
import type { IamReadApi, IamTarget } from '../aws/iam-port.js'
import { AwsCallError } from '../aws/port.js'
import { formatInstant } from '../expiry.js'
import { problemAt, type Loc, type Manifest, type ObservedCluster, type Partition, type Problem } from '../types.js'
import { compareText } from './normalize.js'

export type DeadKind = 'orphaned' | 'stale'

export interface DeadAccess {
  /** Logical cluster name. */
  readonly cluster: string
  readonly principalArn: string
  readonly kind: DeadKind
  /** What to do, in one sentence. */
  readonly fix: string
  /** The entry's createdAt (ISO 8601), when known. */
  readonly entryCreatedAt?: string
  /** IAM CreateDate of the principal now holding the name (stale only). */
  readonly principalCreatedAt?: string
}

export type NotCheckedReason = 'other-account' | 'not-role-or-user' | 'no-entry-created-at' | 'lookup-failed'

export interface NotChecked {
  readonly cluster: string
  readonly principalArn: string
  readonly reason: NotCheckedReason
  readonly detail: string
}

export interface DeadAccessReport {
  /** Sorted by cluster, principal. */
  readonly dead: readonly DeadAccess[]
  readonly notChecked: readonly NotChecked[]
}

/** One cluster's live entries and whose IAM may be read for it. */
export interface ObservedForDeadAccess {
  /** Logical cluster name. */
  readonly cluster: string
  readonly accountId: string
  readonly partition: Partition
  /** planRoleArn; undefined = ambient credentials. */
  readonly roleArn?: string
  readonly observed: ObservedCluster
}

/** Anything with `run`, e.g. src/aws/limit.ts `Limiter` or the AWS edge's per-account registry. */
export interface RunLimiter {
  run<T>(task: () => Promise<T>): Promise<T>
}

export interface DeadAccessDeps {
  /** The IAM port for an account (e.g. `createIamApiFactory(...)`). */
  readonly iamFor: (target: IamTarget) => IamReadApi
  /** Paces the IAM reads per account, like the EKS reads; default: no pacing. */
  readonly limiterFor?: (accountId: string) => RunLimiter
}

const UNPACED: RunLimiter = { run: (task) => task() }

export async function findDeadAccess(clusters: readonly ObservedForDeadAccess[], deps: DeadAccessDeps): Promise<DeadAccessReport> {
  const dead: DeadAccess[] = []
  const notChecked: NotChecked[] = []
  // One lookup per distinct principal per account, shared by every cluster that has an entry for it.
  const lookups = new Map<string, Promise<Lookup>>()
  const lookup = (c: ObservedForDeadAccess, principalArn: string): Promise<Lookup> => {
    const key = `${c.partition}|${c.accountId}|${principalArn}`
    let found = lookups.get(key)
    if (found === undefined) {
      const iam = deps.iamFor({
        accountId: c.accountId,
        partition: c.partition,
        ...(c.roleArn === undefined ? {} : { roleArn: c.roleArn }),
      })
      const limiter = deps.limiterFor?.(c.accountId) ?? UNPACED
      found = limiter
        .run(() => iam.getPrincipal(principalArn))
        .then(
          (value): Lookup => ({ ok: true, value }),
          (e: unknown): Lookup => ({ ok: false, error: e instanceof AwsCallError ? `${e.code}: ${e.message}` : String(e) }),
        )
      lookups.set(key, found)
    }
    return found
  }

  const checks: Promise<void>[] = []
  for (const c of clusters) {
    for (const entry of c.observed.entries) {
      const arn = entry.principalArn
      const parsed = parsePrincipalArn(arn)
      if (!parsed.ok || (parsed.value.kind !== 'role' && parsed.value.kind !== 'user')) {
        notChecked.push({ cluster: c.cluster, principalArn: arn, reason: 'not-role-or-user', detail: 'not an IAM role or user ARN' })
        continue
      }
      if (parsed.value.accountId !== c.accountId || parsed.value.partition !== c.partition) {
        notChecked.push({
          cluster: c.cluster,
          principalArn: arn,
          reason: 'other-account',
          detail: `principal in account ${parsed.value.accountId}; the plan role reads IAM of account ${c.accountId} only`,
        })
        continue
      }
      const createdAt = entry.createdAt
      checks.push(
        lookup(c, arn).then((found) => {
          if (!found.ok) {
            notChecked.push({ cluster: c.cluster, principalArn: arn, reason: 'lookup-failed', detail: found.error })
            return
          }
          const verdict = judge(c.cluster, arn, createdAt, found.value)
          if (verdict.kind === 'dead') dead.push(verdict.dead)
          else if (verdict.kind === 'unknown') notChecked.push(verdict.notChecked)
        }),
      )
    }
  }
  await Promise.all(checks)
  const order = (a: { cluster: string; principalArn: string }, b: { cluster: string; principalArn: string }): number =>
    compareText(a.cluster, b.cluster) || compareText(a.principalArn, b.principalArn)
  return { dead: dead.sort(order), notChecked: notChecked.sort(order) }
}

type Lookup =
  { readonly ok: true; readonly value: Awaited<ReturnType<IamReadApi['getPrincipal']>> } | { readonly ok: false; readonly error: string }

type Verdict = { kind: 'alive' } | { kind: 'dead'; dead: DeadAccess } | { kind: 'unknown'; notChecked: NotChecked }

function judge(
  cluster: string,
  principalArn: string,
  createdAt: string | undefined,
  found: Awaited<ReturnType<IamReadApi['getPrincipal']>>,
): Verdict {
  const entryCreated = createdAt === undefined ? {} : { entryCreatedAt: createdAt }
  // A principal of that name under another path is another principal: the entry's is gone.
  if (!found.exists || (found.arn !== undefined && found.arn !== principalArn)) {
    return {
      kind: 'dead',
      dead: {
        cluster,
        principalArn,
        kind: 'orphaned',
        ...entryCreated,
        fix: 'the IAM principal does not exist, so this entry grants nothing: remove it from the manifest (or delete the access entry), or recreate the principal and then recreate the entry',
      },
    }
  }
  if (createdAt === undefined || Number.isNaN(Date.parse(createdAt))) {
    return {
      kind: 'unknown',
      notChecked: { cluster, principalArn, reason: 'no-entry-created-at', detail: "the live read did not report the entry's createdAt" },
    }
  }
  if (found.createDate.getTime() <= Date.parse(createdAt)) return { kind: 'alive' }
  const principalCreatedAt = formatInstant(found.createDate)
  return {
    kind: 'dead',
    dead: {
      cluster,
      principalArn,
      kind: 'stale',
      ...entryCreated,
      principalCreatedAt,
      fix: `the principal was recreated (${principalCreatedAt}) after the access entry (${createdAt}); EKS bound the entry to the old principal's id, so the new one has no access: recreate the entry (delete the access entry, then apply)`,
    },
  }
}

export const DEAD_ACCESS_CODES: Readonly<Record<DeadKind, string>> = { orphaned: 'dead-access:orphaned', stale: 'dead-access:stale' }

/**
 * Warnings for plan and drift: at the manifest entry's principalArn when the manifest names the
 * principal on that cluster's entries, else at no file position (line 0) — the entry is live only.
 */
export function deadAccessProblems(report: DeadAccessReport, manifest: Manifest): Problem[] {
  const locs = new Map<string, Loc>()
  for (const e of manifest.accessEntries) if (!locs.has(e.principalArn)) locs.set(e.principalArn, e.locs.principalArn)
  return report.dead.map((d) => {
    const loc = locs.get(d.principalArn) ?? { file: '', line: 0, column: 0 }
    return problemAt(
      loc,
      'warning',
      DEAD_ACCESS_CODES[d.kind],
      `${d.kind} access entry for "${d.principalArn}" on cluster ${d.cluster}: ${d.fix}`,
    )
  })
}
