import { compareCodePoints } from '../util/compare.js'
import { accountOfClusterArn } from '../arn.js'

import { partitionOf } from '../policies.js'
import {
  err,
  ok,
  type AccessPolicyInfo,
  type AssociatedPolicy,
  type ObservedCluster,
  type ObservedEntry,
  type Partition,
  type PlanError,
  type Result,
  TYPES_WITHOUT_POLICIES,
  CONFIG_MAP_ERROR_CODE,
  configMapModeError,
} from '../types.js'
import { createKeyedLimiter, type Limiter } from './limit.js'
import { AwsCallError, type ClusterTarget, type EksAccessApi, type EksApiFactory } from './port.js'
import { DEFAULT_CLUSTER_TIMEOUT_MS, DeadlineError } from './retry.js'

/**
 * readLiveState: the live access entries of every target cluster, read through the port.
 * Reads run concurrently, bounded per (account, region); clusters in different accounts and
 * regions run in one pass. A failing cluster becomes an error for that cluster only.
 */

export interface ReadStateResult {
  /** By logical key, in key order. */
  readonly clusters: Map<string, Result<ObservedCluster, PlanError>>
  /** From ListAccessPolicies, once per partition (first cluster that works); all partitions merged, sorted by ARN. */
  readonly catalogue?: AccessPolicyInfo[]
  /** The same catalogue per partition. */
  readonly cataloguesByPartition?: Partial<Record<Partition, AccessPolicyInfo[]>>
}

export interface ReadStateOptions {
  /** Requests in flight per account + region (default 10). */
  readonly concurrency?: number
  /** Optional ceiling on request starts per second per account + region (`--max-rate`). */
  readonly ratePerSecond?: number
  /** Alias of ratePerSecond (the name the CLI and action use). */
  readonly maxRate?: number
  /**
   * Per-cluster deadline in ms (`--cluster-timeout` × 1000; default 300 s): throttled and 5xx
   * reads are retried until then, and a read still waiting is abandoned.
   */
  readonly clusterTimeoutMs?: number
  /** The clock the adapter uses (deadlines are absolute times on it); default Date.now. */
  readonly now?: () => number
  /** false: skip ListAccessPolicies (the caller already has the catalogue). Default true. */
  readonly readCatalogue?: boolean
}

export { CONFIG_MAP_ERROR_CODE }

/** Requests in flight per account and region; the pacer, not this, keeps the rate. */
export const DEFAULT_CONCURRENCY = 16

export async function readLiveState(
  targets: readonly ClusterTarget[],
  apiFor: EksApiFactory,
  opts: ReadStateOptions = {},
): Promise<ReadStateResult> {
  const ceiling = opts.maxRate ?? opts.ratePerSecond
  const limiterFor = createKeyedLimiter({
    concurrency: opts.concurrency ?? DEFAULT_CONCURRENCY,
    ...(ceiling === undefined ? {} : { ratePerSecond: ceiling }),
  })
  const now = opts.now ?? Date.now
  const timeoutMs = opts.clusterTimeoutMs ?? DEFAULT_CLUSTER_TIMEOUT_MS
  // No read twice: two logical keys naming the same cluster (and role) share one read.
  const reads = new Map<string, Promise<ClusterRead>>()
  const readOf = (t: ClusterTarget): Promise<ClusterRead> => {
    const id = `${t.accountId}|${t.region}|${t.name}|${t.roleArn ?? ''}`
    let read = reads.get(id)
    if (!read) {
      read = readCluster(t, limiterFor(`${t.accountId}|${t.region}`))
      reads.set(id, read)
    }
    return read
  }
  const readCluster = async (t: ClusterTarget, limiter: Limiter): Promise<ClusterRead> => {
    let api: EksAccessApi
    try {
      api = apiFor(t, { deadlineAt: now() + timeoutMs })
    } catch (e) {
      return { result: err(clusterError(t, 'credentials', e)) }
    }
    return {
      result: await readOneCluster(t, api, limiter, {
        clusterTimeoutMs: timeoutMs,
      }),
      api,
      limiter,
    }
  }

  const sorted = [...targets].sort((a, b) => compareCodePoints(a.key, b.key))
  const results = await Promise.all(sorted.map(async (t) => [t, await readOf(t)] as const))
  const clusters = new Map(results.map(([t, r]) => [t.key, r.result]))
  const byPartition = opts.readCatalogue === false ? {} : await readCatalogues(results)
  const merged = Object.values(byPartition).flat()
  return merged.length === 0
    ? { clusters }
    : {
        clusters,
        catalogue: merged.sort((a, b) => compareCodePoints(a.arn, b.arn)),
        cataloguesByPartition: byPartition,
      }
}

interface ClusterRead {
  readonly result: Result<ObservedCluster, PlanError>
  /** Set when the cluster's credentials worked (DescribeCluster answered). */
  readonly api?: EksAccessApi
  readonly limiter?: Limiter
}

/**
 * ListAccessPolicies once per partition: through the first cluster (in key order) whose
 * DescribeCluster worked; when that call fails, the next such cluster tries.
 */
async function readCatalogues(
  results: readonly (readonly [ClusterTarget, ClusterRead])[],
): Promise<Partial<Record<Partition, AccessPolicyInfo[]>>> {
  const candidates = new Map<Partition, { api: EksAccessApi; limiter: Limiter }[]>()
  const seen = new Set<EksAccessApi>()
  for (const [t, r] of results) {
    if (!r.api || !r.limiter || !described(r.result) || seen.has(r.api)) continue
    seen.add(r.api)
    const p = partitionOf(t.region)
    candidates.set(p, [...(candidates.get(p) ?? []), { api: r.api, limiter: r.limiter }])
  }
  const out: Partial<Record<Partition, AccessPolicyInfo[]>> = {}
  await Promise.all(
    [...candidates].map(async ([partition, list]) => {
      for (const { api, limiter } of list) {
        try {
          out[partition] = await limiter.run(() => api.listAccessPolicies())
          return
        } catch {
          // Missing eks:ListAccessPolicies is not fatal: plan falls back to the built-in catalogue.
        }
      }
    }),
  )
  return out
}

/** True when DescribeCluster answered (the cluster read succeeded or stopped at CONFIG_MAP). */
function described(r: Result<ObservedCluster, PlanError>): boolean {
  return r.ok || r.error.code === CONFIG_MAP_ERROR_CODE
}

/**
 * One cluster: DescribeCluster → ListAccessEntries → DescribeAccessEntry (+ ListAssociatedAccessPolicies
 * unless the type cannot hold policies) per entry, each read once, through `limiter`. The account
 * is the one in the cluster's ARN; `t.accountId` only when EKS reports no ARN (it may be empty:
 * export knows only name and region).
 */
export async function readOneCluster(
  t: ClusterTarget,
  api: EksAccessApi,
  limiter: Limiter,
  opts: { readonly clusterTimeoutMs?: number } = {},
): Promise<Result<ObservedCluster, PlanError>> {
  // Once one read of the cluster fails, its queued reads are skipped rather than made for nothing.
  let failed = false
  const progress: ReadProgress = {
    entries: 0,
    total: undefined,
    timeoutMs: opts.clusterTimeoutMs ?? DEFAULT_CLUSTER_TIMEOUT_MS,
  }
  const limited = <T>(task: () => Promise<T>): Promise<T> => limiter.run(() => (failed ? Promise.reject(new SkippedRead()) : task()))
  try {
    const info = await limited(() => api.describeCluster(t.name))
    if (info.authenticationMode === 'CONFIG_MAP') return err(configMapError(t))
    const principals = [...new Set(await limited(() => api.listAccessEntries(t.name)))]
    progress.total = principals.length
    const entries = await Promise.all(
      principals.map((p) =>
        readEntry(t, api, limited, p).then(
          (e) => {
            progress.entries++
            return e
          },
          (e: unknown) => {
            failed = true
            throw e
          },
        ),
      ),
    )
    // The cluster's own ARN wins over the target's account: credentials for another account can
    // reach a cluster of the same name there, and the diff refuses an account mismatch.
    const accountId = accountOfClusterArn(info.arn) ?? t.accountId
    return ok({
      name: t.name,
      region: t.region,
      ...(accountId ? { accountId } : {}),
      authenticationMode: info.authenticationMode,
      entries: entries.filter((e) => e !== undefined).sort((a, b) => compareCodePoints(a.principalArn, b.principalArn)),
    })
  } catch (e) {
    failed = true
    return err(clusterError(t, 'read', e, progress))
  }
}

/** How far a cluster read got, for the message when its deadline passes. */
interface ReadProgress {
  entries: number
  total: number | undefined
  readonly timeoutMs: number
}

type Limited = <T>(task: () => Promise<T>) => Promise<T>

/** DescribeAccessEntry, then ListAssociatedAccessPolicies unless the type cannot hold policies. */
async function readEntry(t: ClusterTarget, api: EksAccessApi, limited: Limited, principalArn: string): Promise<ObservedEntry | undefined> {
  try {
    const entry = await limited(() => api.describeAccessEntry(t.name, principalArn))
    const policies = TYPES_WITHOUT_POLICIES.has(entry.type)
      ? []
      : await limited(() => api.listAssociatedAccessPolicies(t.name, principalArn))
    return sortObservedEntry({ ...entry, accessPolicies: policies })
  } catch (e) {
    // Deleted between ListAccessEntries and this read: it is gone, so it is not live state.
    if (e instanceof AwsCallError && e.code === 'ResourceNotFoundException' && e.operation !== 'DescribeCluster') return undefined
    throw e
  }
}

/** Sorted groups, namespaces and policies; tags as given. */
export function sortObservedEntry(e: ObservedEntry): ObservedEntry {
  const policies: AssociatedPolicy[] = e.accessPolicies
    .map((p) => ({
      policyArn: p.policyArn,
      accessScope: {
        type: p.accessScope.type,
        namespaces: [...new Set(p.accessScope.namespaces)].sort(compareCodePoints),
      },
    }))
    .sort((a, b) => compareCodePoints(a.policyArn, b.policyArn))
  return {
    ...e,
    kubernetesGroups: [...new Set(e.kubernetesGroups)].sort(compareCodePoints),
    accessPolicies: policies,
  }
}

class SkippedRead extends Error {}

function where(t: ClusterTarget): string {
  const account = t.accountId ? `, account ${t.accountId}` : ''
  return `EKS cluster "${t.name}" (${t.region}${account}${t.roleArn === undefined ? '' : `, role ${t.roleArn}`})`
}

function configMapError(t: ClusterTarget): PlanError {
  return configMapModeError(where(t))
}

const CREDENTIAL_CODES = /Credential|ExpiredToken|InvalidClientTokenId|UnrecognizedClient|SignatureDoesNotMatch|MissingAuthenticationToken/

const READ_PERMISSIONS =
  'eks:DescribeCluster, eks:ListAccessEntries, eks:DescribeAccessEntry, eks:ListAssociatedAccessPolicies and eks:ListAccessPolicies'

/** A helpful PlanError for a failed cluster read. Messages carry AWS's text, never credentials. */
export function clusterError(t: ClusterTarget, stage: 'credentials' | 'read', e: unknown, progress?: ReadProgress): PlanError {
  if (!(e instanceof AwsCallError)) {
    const code = e instanceof Error && e.name !== 'Error' ? e.name : 'Error'
    const text = e instanceof Error ? e.message : String(e)
    const what = stage === 'credentials' ? 'could not get credentials for' : 'could not read'
    return { code, message: `${capitalise(what)} ${where(t)}: ${text}` }
  }
  const detail = `${e.operation}: ${e.code}: ${e.message}`
  if (e.operation.startsWith('AssumeRole'))
    return {
      code: e.code,
      message: `No credentials for ${where(t)}: ${e.message}`,
    }
  if (CREDENTIAL_CODES.test(e.code))
    return {
      code: e.code,
      message: `The credentials for ${where(t)} did not work (${detail}).`,
    }
  if (e.code === 'ResourceNotFoundException' && e.operation === 'DescribeCluster')
    return {
      code: e.code,
      message: `${where(t)} was not found: check name, region and accountId, and that the credentials are for that account (${detail}).`,
    }
  if (/AccessDenied|UnauthorizedOperation|NotAuthorized/i.test(e.code) || e.status === 403)
    return {
      code: e.code,
      message: `Access denied reading ${where(t)}: the read role needs ${READ_PERMISSIONS} (${detail}).`,
    }
  if (e.code === 'InvalidRequestException')
    return {
      code: e.code,
      message: `${where(t)} refused the access-entry read; is its authentication mode API or API_AND_CONFIG_MAP? (${detail})`,
    }
  if (e instanceof DeadlineError) {
    const read =
      progress?.total === undefined
        ? 'before the entry list was read'
        : `after reading ${progress.entries} of ${progress.total} access entries`
    const limit = progress ? `the cluster timeout of ${Math.round(progress.timeoutMs / 1000)} s` : 'the cluster timeout'
    return {
      code: e.code,
      message:
        `${where(t)}: gave up ${read}: ${e.operation} waited ${Math.round(e.waitedMs / 1000)} s and reached ${limit} (${e.message}). ` +
        "Another client may be using the account's EKS request rate: try again later, set --max-rate below the rate left for this run, " +
        'or allow more time with --cluster-timeout.',
    }
  }
  if (e.status === 429 || /Throttl|TooManyRequests/.test(e.code))
    return {
      code: e.code,
      message: `${where(t)}: EKS kept throttling (${detail}); set --max-rate or allow more time with --cluster-timeout.`,
    }
  return { code: e.code, message: `Could not read ${where(t)} (${detail}).` }
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1)
}
