import { writeFile as fsWriteFile } from 'node:fs/promises'
import path from 'node:path'
import { AwsCallError, type EksAccessApi } from '../aws/port.js'
import { accountOfClusterArn, exportManifestYaml, exportStateSnapshot } from '../export.js'
import { serializeStateSnapshot } from '../state/snapshot.js'
import { err, ok, type AccessPolicyInfo, type ObservedCluster, type ObservedEntry, type PlanError, type Result } from '../types.js'

/**
 * `export --cluster NAME [--region R] [--format yaml|state] [--output FILE]`: reads one live
 * cluster through the EKS port and writes it as manifest YAML (to adopt a cluster) or as a state
 * snapshot (for `plan --state`). Exit 0 written; 1 the cluster could not be read (AWS error,
 * CONFIG_MAP mode); 2 bad options or an unwritable output file.
 */

export interface ExportOptions {
  /** The EKS cluster name (not a manifest key: export needs no manifest). */
  readonly cluster: string
  readonly region?: string
  readonly format: 'yaml' | 'state'
  readonly output?: string
  readonly cwd: string
  readonly env: NodeJS.ProcessEnv
}

export interface ExportTarget {
  readonly name: string
  readonly region: string
}

/** Reads one cluster; a cluster that cannot be read is a PlanError (as readLiveState reports it). */
export type ReadCluster = (api: EksAccessApi, target: ExportTarget) => Promise<Result<ObservedCluster, PlanError>>

export interface ExportDeps {
  readonly apiFor: (target: ExportTarget) => EksAccessApi
  /** Default: readClusterAccess. */
  readonly readCluster?: ReadCluster
  /** Default: fs.writeFile (UTF-8). */
  readonly writeFile?: (file: string, text: string) => Promise<void>
  readonly stdout: (s: string) => void
  readonly stderr: (s: string) => void
}

const REGION = /^[a-z]{2}(-[a-z]+)+-[0-9]+$/
const CLUSTER_NAME = /^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$/

/** Entry types that cannot hold access policies (EKS-API.md §4): reading their associations is a wasted call. */
const TYPES_WITHOUT_POLICIES = new Set(['EC2_LINUX', 'EC2_WINDOWS', 'FARGATE_LINUX', 'HYBRID_LINUX'])

/** Parallel reads per cluster: enough to hide latency, well under EKS's request rate. */
const READ_CONCURRENCY = 8

function firstNonEmpty(...values: (string | undefined)[]): string | undefined {
  return values.find((v) => v !== undefined && v.trim() !== '')?.trim()
}

/** `--region`, else the SDK's usual variables. */
export function resolveRegion(opts: Pick<ExportOptions, 'region' | 'env'>): Result<string, string> {
  const region = firstNonEmpty(opts.region, opts.env['AWS_REGION'], opts.env['AWS_DEFAULT_REGION'])
  if (region === undefined) return err('no AWS Region: pass --region REGION or set AWS_REGION')
  if (!REGION.test(region)) return err(`"${region}" is not an AWS Region (e.g. eu-west-1)`)
  return ok(region)
}

/** `items` mapped with at most `limit` calls in flight; results keep the input order. */
async function mapBounded<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length)
  let next = 0
  let failed = false
  const worker = async (): Promise<void> => {
    // After a failure the others stop taking work: its result is thrown away anyway.
    while (next < items.length && !failed) {
      const i = next++
      try {
        results[i] = await fn(items[i] as T)
      } catch (e) {
        failed = true
        throw e
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  return results
}

function isNotFound(e: unknown): boolean {
  return e instanceof AwsCallError && e.code === 'ResourceNotFoundException'
}

/** One entry with its policies; undefined when it was deleted between the list and this read. */
async function readEntry(api: EksAccessApi, cluster: string, principalArn: string): Promise<ObservedEntry | undefined> {
  try {
    const entry = await api.describeAccessEntry(cluster, principalArn)
    const accessPolicies = TYPES_WITHOUT_POLICIES.has(entry.type) ? [] : await api.listAssociatedAccessPolicies(cluster, principalArn)
    return { ...entry, accessPolicies }
  } catch (e) {
    if (isNotFound(e)) return undefined
    throw e
  }
}

function describeAwsError(e: unknown): PlanError {
  if (e instanceof AwsCallError) return { code: e.code, message: `${e.operation}: ${e.code}: ${e.message}` }
  return { code: 'Error', message: e instanceof Error ? e.message : String(e) }
}

/**
 * DescribeCluster → ListAccessEntries → DescribeAccessEntry (+ ListAssociatedAccessPolicies, not
 * for node types) per entry. Each read is made once. The account comes from the cluster ARN.
 */
export async function readClusterAccess(api: EksAccessApi, target: ExportTarget): Promise<Result<ObservedCluster, PlanError>> {
  try {
    const info = await api.describeCluster(target.name)
    if (info.authenticationMode === 'CONFIG_MAP')
      return err({
        code: 'config-map-mode',
        message:
          'its authentication mode is CONFIG_MAP, so it has no access entries; switch it to API_AND_CONFIG_MAP, or convert the aws-auth ConfigMap with `eks-access-gate import-aws-auth`',
      })
    const principals = [...new Set(await api.listAccessEntries(target.name))]
    const entries = await mapBounded(principals, READ_CONCURRENCY, (p) => readEntry(api, target.name, p))
    const accountId = accountOfClusterArn(info.arn)
    return ok({
      name: target.name,
      region: target.region,
      ...(accountId === undefined ? {} : { accountId }),
      authenticationMode: info.authenticationMode,
      entries: entries.filter((e): e is ObservedEntry => e !== undefined),
    })
  } catch (e) {
    return err(describeAwsError(e))
  }
}

/** The catalogue for a snapshot; without permission for it the snapshot simply has none. */
async function readCatalogue(api: EksAccessApi, stderr: (s: string) => void): Promise<AccessPolicyInfo[] | undefined> {
  try {
    return await api.listAccessPolicies()
  } catch (e) {
    const { message } = describeAwsError(e)
    stderr(`eks-access-gate export: warning: the snapshot has no access-policy catalogue (${message})\n`)
    return undefined
  }
}

export async function exportCommand(opts: ExportOptions, deps: ExportDeps): Promise<number> {
  const fail = (code: number, message: string): number => {
    deps.stderr(`eks-access-gate export: ${message}\n`)
    return code
  }
  if (!CLUSTER_NAME.test(opts.cluster)) return fail(2, `--cluster "${opts.cluster}" is not an EKS cluster name`)
  if (opts.format !== 'yaml' && opts.format !== 'state') return fail(2, `--format must be yaml or state, not "${String(opts.format)}"`)
  const region = resolveRegion(opts)
  if (!region.ok) return fail(2, region.error)

  const target = { name: opts.cluster, region: region.value }
  const api = deps.apiFor(target)
  const read = await (deps.readCluster ?? readClusterAccess)(api, target)
  if (!read.ok) return fail(1, `cannot read cluster ${target.name} (${target.region}): ${read.error.message}`)
  const observed = read.value

  const text =
    opts.format === 'yaml'
      ? exportManifestYaml(observed, observed.accountId === undefined ? {} : { accountId: observed.accountId })
      : serializeStateSnapshot(exportStateSnapshot([observed], await readCatalogue(api, deps.stderr)))

  if (opts.output === undefined) {
    deps.stdout(text)
    return 0
  }
  const file = path.resolve(opts.cwd, opts.output)
  try {
    await (deps.writeFile ?? ((f, t) => fsWriteFile(f, t, 'utf8')))(file, text)
  } catch (e) {
    const code = typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : String(e)
    return fail(2, `cannot write ${opts.output}: ${code}`)
  }
  deps.stderr(`eks-access-gate export: wrote ${observed.entries.length} access entries of ${target.name} (${target.region}) to ${opts.output}\n`)
  return 0
}
