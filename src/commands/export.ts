import { writeFile as fsWriteFile } from 'node:fs/promises'
import path from 'node:path'
import { AwsCallError, type EksAccessApi } from '../aws/port.js'
import { createLimiter } from '../aws/limit.js'
import { readOneCluster } from '../aws/read-state.js'
import { exportManifestYaml, exportStateSnapshot } from '../manifest/export.js'
import type { ExportRequest } from '../config/requests.js'
import type { Env } from '../config/values.js'
import { Outcomes, type Note, type Outcome } from '../outcome.js'
import type { CommandDeps } from './deps.js'
import { checkStateSnapshotSize, serializeStateSnapshot } from '../state/snapshot.js'
import { err, ok, type AccessPolicyInfo, type ObservedCluster, type PlanError, type Result } from '../types.js'

/**
 * `export --cluster NAME [--region R] [--format yaml|state] [--output FILE]`: reads one live
 * cluster through the EKS port and renders it as manifest YAML (to adopt a cluster) or as a state
 * snapshot (for `plan --state`). ok: written; failed: the cluster could not be read (AWS error,
 * CONFIG_MAP mode); usage: bad options or an unwritable output file.
 */
export interface ExportOptions {
  /** The EKS cluster name (not a manifest key: export needs no manifest). */
  readonly cluster: string
  readonly region?: string
  readonly format: 'yaml' | 'state'
  readonly output?: string
  readonly cwd: string
  readonly env: Env
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
}

const REGION = /^[a-z]{2}(-[a-z]+)+-[0-9]+$/
const CLUSTER_NAME = /^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$/

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

function describeAwsError(e: unknown): PlanError {
  if (e instanceof AwsCallError) return { code: e.code, message: `${e.operation}: ${e.code}: ${e.message}` }
  return { code: 'Error', message: e instanceof Error ? e.message : String(e) }
}

/** The same read as `plan` (readOneCluster): each read once, node types without association reads. */
export async function readClusterAccess(api: EksAccessApi, target: ExportTarget): Promise<Result<ObservedCluster, PlanError>> {
  return readOneCluster(
    { key: target.name, name: target.name, region: target.region, accountId: '' },
    api,
    createLimiter({ concurrency: READ_CONCURRENCY }),
  )
}

/** The catalogue for a snapshot; without permission for it the snapshot simply has none. */
async function readCatalogue(api: EksAccessApi, notes: Note[]): Promise<AccessPolicyInfo[] | undefined> {
  try {
    return await api.listAccessPolicies()
  } catch (e) {
    const { message } = describeAwsError(e)
    notes.push({ level: 'warning', message: `the snapshot has no access-policy catalogue (${message})` })
    return undefined
  }
}

/** The stage behind the command: options in, an Outcome out (nothing printed). */
export async function exportCluster(opts: ExportOptions, deps: ExportDeps): Promise<Outcome> {
  if (!CLUSTER_NAME.test(opts.cluster)) return Outcomes.usage(`--cluster "${opts.cluster}" is not an EKS cluster name`)
  if (opts.format !== 'yaml' && opts.format !== 'state')
    return Outcomes.usage(`--format must be yaml or state, not "${String(opts.format)}"`)
  const region = resolveRegion(opts)
  if (!region.ok) return Outcomes.usage(region.error)

  const target = { name: opts.cluster, region: region.value }
  const api = deps.apiFor(target)
  const read = await (deps.readCluster ?? readClusterAccess)(api, target)
  if (!read.ok) return Outcomes.failed(read.error.message)
  const observed = read.value

  const notes: Note[] = []
  const text =
    opts.format === 'yaml'
      ? exportManifestYaml(observed, observed.accountId === undefined ? {} : { accountId: observed.accountId })
      : serializeStateSnapshot(exportStateSnapshot([observed], await readCatalogue(api, notes)))

  // A snapshot that plan --state would refuse is not written at all (exit 1: the content is wrong).
  const tooBig = opts.format === 'state' ? checkStateSnapshotSize(text, opts.output ?? '<stdout>') : undefined
  if (tooBig)
    return Outcomes.invalid(tooBig.message, {
      problems: [tooBig],
      notes,
      stderr: `${tooBig.file}: error ${tooBig.code}: ${tooBig.message}\n`,
    })
  if (opts.output === undefined) return Outcomes.ok({ stdout: text, notes })
  const file = path.resolve(opts.cwd, opts.output)
  try {
    await (deps.writeFile ?? ((f, t) => fsWriteFile(f, t, 'utf8')))(file, text)
  } catch (e) {
    const code = typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : String(e)
    return Outcomes.usage(`cannot write ${opts.output}: ${code}`, { notes })
  }
  notes.push({
    level: 'info',
    message: `wrote ${observed.entries.length} access entries of ${target.name} (${target.region}) to ${opts.output}`,
  })
  return Outcomes.ok({ notes })
}

/** `export`: the request from argv, the EKS port and the disk from the adapter's deps. */
export async function exportCommand(request: ExportRequest, deps: CommandDeps): Promise<Outcome> {
  if (request.cluster === '') return Outcomes.usage('export needs --cluster NAME (the EKS cluster name)')
  const edge = {
    purpose: 'plan' as const,
    clusterTimeoutSeconds: request.clusterTimeoutSeconds,
    ...(request.maxRate === undefined ? {} : { maxRate: request.maxRate }),
  }
  return exportCluster(
    {
      cluster: request.cluster,
      format: request.format,
      cwd: deps.cwd,
      env: deps.env,
      ...(request.region === undefined ? {} : { region: request.region }),
      ...(request.output === undefined ? {} : { output: request.output }),
    },
    { apiFor: (t) => deps.eksForCluster(t, edge) },
  )
}
