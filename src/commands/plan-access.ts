import { sortProblems } from '../util/compare.js'
import type { ClusterTarget, EksApiFactory } from '../aws/port.js'
import type { DriftRequest, PlanRequest } from '../config/requests.js'
import type { CommandDeps } from './deps.js'
import type { IamApiFactory } from '../aws/iam-port.js'
import { createKeyedLimiter } from '../aws/limit.js'
import { readLiveState } from '../aws/read-state.js'
import {
  deadAccessProblems,
  findDeadAccess,
  type DeadAccessReport,
  type NotChecked,
  type ObservedForDeadAccess,
} from '../plan/dead-access.js'
import { forPlanOutcome } from '../rules/eks/expiry.js'
import { buildPlan } from '../plan/plan.js'
import { builtInCatalogue } from '../policies.js'
import { findObservedCluster, loadStateSnapshotFile } from '../state/snapshot.js'
import type { AccessPolicyInfo, Manifest, ManifestCluster, ObservedCluster, Plan, PlanError, Problem, Result } from '../types.js'
import { err, ok, problemAt } from '../types.js'
import { checkManifests, readManifests, type RulesOptions, type RulesReport } from '../manifest/validate.js'
import { compareCodePoints } from '../util/compare.js'
import { globMatcher } from '../util/glob.js'

export interface PlanOptions {
  readonly manifest: string
  readonly cwd: string
  readonly now: Date
  readonly expiryWarningDays: number
  /** The organisation rules file: read with the manifests, evaluated by every check. */
  readonly rules?: RulesOptions
  /** A state snapshot file: plan offline, with no AWS access at all. */
  readonly state?: string
  /** Glob over logical cluster names. */
  readonly clusterGlob?: string
  readonly manifestCommit?: string
}

export interface PlanDeps {
  /** Builds the EKS port for a cluster; unused with `state`. */
  readonly apiFor?: EksApiFactory
  /** Read concurrency per account and region. */
  readonly concurrency?: number
  /** At most this many requests per second per account and region (`--max-rate`). */
  readonly ratePerSecond?: number
  /** Seconds one cluster's read may take (`--cluster-timeout`): throttled reads retry until then. */
  readonly clusterTimeoutSeconds?: number
  /** The IAM port per account (dead-access checks through the plan role); unused with `state`. */
  readonly iamFor?: IamApiFactory
  /** Whose role reads the clusters: `plan` (planRoleArn, default) or `apply` (roleArn: apply re-plans with its own role). */
  readonly purpose?: 'plan' | 'apply'
}

/** The AWS edge of a live plan (plan and drift): EKS and IAM through the plan role; none with `--state`. */
export function livePlanDeps(request: PlanRequest | DriftRequest, deps: CommandDeps): PlanDeps {
  if (request.state !== undefined) return {}
  const edge = {
    purpose: 'plan' as const,
    assumeRoles: request.assumeRoles,
    clusterTimeoutSeconds: request.clusterTimeoutSeconds,
    ...(request.maxRate === undefined ? {} : { maxRate: request.maxRate }),
  }
  return {
    apiFor: deps.eks(edge),
    ...(deps.iam === undefined ? {} : { iamFor: deps.iam(edge) }),
    ...(request.maxRate === undefined ? {} : { ratePerSecond: request.maxRate }),
    clusterTimeoutSeconds: request.clusterTimeoutSeconds,
  }
}

export type PlanOutcome =
  | { readonly kind: 'usage'; readonly message: string }
  /**
   * The manifest is invalid (nothing was read from AWS), or with `input: 'state'` the state
   * snapshot's content is (a file that was read and is wrong: exit 1, like a manifest).
   */
  | {
      readonly kind: 'invalid'
      /** What is wrong; absent means the manifest. */
      readonly input?: 'state'
      readonly manifest: Manifest
      readonly problems: readonly Problem[]
      /** file → text, for excerpts (the snapshot's too when it is the invalid input). */
      readonly sources: ReadonlyMap<string, string>
      /** What the organisation rules did (validate's `CheckedOutcome.rules`): on a pull request, which rules decided and what the PR's own rules would change. */
      readonly rules?: RulesReport
    }
  | {
      readonly kind: 'planned'
      readonly plan: Plan
      /** The manifest the plan was built from (drift classifies against it). */
      readonly manifest: Manifest
      readonly sources: ReadonlyMap<string, string>
      /** What was read (live or from the snapshot), per selected cluster key: apply tags and verifies against it. */
      readonly observed: ReadonlyMap<string, Result<ObservedCluster, PlanError>>
      /** Orphaned and stale entries (already warnings in `plan.problems`), for drift. */
      readonly dead: DeadAccessReport
      /** Why some (or all) entries were not checked for dead access. */
      readonly deadAccessNotes: readonly string[]
      /** What the organisation rules did, as for `invalid`. */
      readonly rules?: RulesReport
    }

/**
 * validate → select clusters → read live state (or a snapshot) → diff. An invalid manifest
 * stops before any AWS call, so a broken pull request never reaches a cluster, with one
 * exception: a short policy name the built-in catalogue does not know may be a policy AWS added
 * since this release, so such a manifest is still read (read-only) and judged again against the
 * catalogue EKS reports (ListAccessPolicies) or the snapshot holds.
 */
export async function planAccess(opts: PlanOptions, deps: PlanDeps): Promise<PlanOutcome> {
  const read = await readManifests(opts)
  if (read.kind === 'usage') return read
  // Expired access is absent from the plan, not an error: plan, apply and drift never fail on a
  // calendar date (PRODUCT.md "Expiry and drift"); validate keeps `expiry:expired` as an error.
  const expiry = { now: opts.now, expiryWarningDays: opts.expiryWarningDays }
  const validated = forPlanOutcome(checkManifests(read, validateOptions(opts, builtInCatalogue())), expiry)
  // The rules report is the same on every check (the rules file is read once): carry the first.
  const rules = validated.rules === undefined ? {} : { rules: validated.rules }
  const invalid = (problems: readonly Problem[]): PlanOutcome => ({
    kind: 'invalid',
    manifest: validated.manifest,
    problems,
    sources: validated.sources,
    ...rules,
  })
  if (!validated.ok && !onlyUnknownPolicyErrors(validated.problems)) return invalid(validated.problems)

  const selected = selectPlannedClusters(validated.manifest, opts.clusterGlob)
  if (!selected.ok) return { kind: 'usage', message: selected.error }
  const snapshot = opts.state ? await readSnapshot(opts.state, opts.cwd, selected.value) : undefined
  if (snapshot && !snapshot.ok) {
    // A snapshot that cannot be found or read is usage (exit 2); one whose content is wrong is
    // invalid input with located problems (exit 1, and the JSON plan is still printed).
    const bad = snapshot.error
    if (bad.kind === 'usage') return bad
    const file = bad.problems[0]?.file
    const sources = bad.text === undefined || file === undefined ? validated.sources : new Map([...validated.sources, [file, bad.text]])
    // The manifest's own problems (warnings, or unknown policies the snapshot could not settle) stay listed.
    const problems = sortProblems([...validated.problems, ...bad.problems])
    return { kind: 'invalid', input: 'state', manifest: validated.manifest, problems, sources, ...rules }
  }

  // Only the policy catalogue can change the verdict: fetch it (one ListAccessPolicies per
  // partition) or take the snapshot's, and validate again, only when an unknown policy was seen.
  let final = validated
  let liveCatalogue = false
  if (validated.problems.some((p) => p.code === UNKNOWN_POLICY)) {
    const catalogue = snapshot ? snapshot.value.catalogue : await readCatalogues(selected.value, deps)
    liveCatalogue = !snapshot && catalogue !== undefined
    if (catalogue)
      final = forPlanOutcome(checkManifests(read, validateOptions(opts, mergeCatalogues(builtInCatalogue(), catalogue))), expiry)
  }
  if (!final.ok) return invalid(final.problems)

  const observed = snapshot?.ok === true ? snapshot : await readLive(selected.value, deps, !liveCatalogue)
  if (!observed.ok) return { kind: 'usage', message: observed.error }

  const dead = await checkDeadAccess(selected.value, observed.value.clusters, deps, snapshot !== undefined)
  const plan = buildPlan({
    manifest: validated.manifest,
    observed: observed.value.clusters,
    now: opts.now,
    expiryWarningDays: opts.expiryWarningDays,
    problems: sortProblems([...final.problems, ...locatedDeadAccessProblems(dead.report, validated.manifest)]),
    clusters: selected.value.map((c) => c.key),
    ...(opts.manifestCommit ? { manifestCommit: opts.manifestCommit } : {}),
  })
  return {
    kind: 'planned',
    plan,
    manifest: validated.manifest,
    sources: validated.sources,
    observed: observed.value.clusters,
    dead: dead.report,
    deadAccessNotes: dead.notes,
    ...rules,
  }
}

/**
 * Dead access (plan/dead-access.ts): after the live read, one IAM GetRole / GetUser per distinct
 * principal of each cluster's own account, through that cluster's plan role, paced per account.
 * Offline (`--state`) or without an IAM edge nothing is read and a note says so; principals of
 * other accounts are summarised as not checked.
 */
async function checkDeadAccess(
  clusters: readonly ManifestCluster[],
  observed: ReadonlyMap<string, Result<ObservedCluster, PlanError>>,
  deps: PlanDeps,
  offline: boolean,
): Promise<{ report: DeadAccessReport; notes: string[] }> {
  const none: DeadAccessReport = { dead: [], notChecked: [] }
  if (offline) return { report: none, notes: ['dead access not checked: IAM is not read when planning from a state snapshot (--state)'] }
  if (!deps.iamFor) return { report: none, notes: ['dead access not checked: no IAM access configured'] }
  const targets: ObservedForDeadAccess[] = []
  for (const c of clusters) {
    const read = observed.get(c.key)
    if (read === undefined || !read.ok) continue
    targets.push({
      cluster: c.key,
      accountId: c.accountId,
      partition: c.partition,
      ...(c.planRoleArn === undefined ? {} : { roleArn: c.planRoleArn }),
      observed: read.value,
    })
  }
  const limiterFor = createKeyedLimiter({
    concurrency: deps.concurrency ?? 10,
    ...(deps.ratePerSecond === undefined ? {} : { ratePerSecond: deps.ratePerSecond }),
  })
  const report = await findDeadAccess(targets, { iamFor: deps.iamFor, limiterFor })
  return { report, notes: notCheckedNotes(report.notChecked) }
}

/** One note per reason, naming how many entries (and which clusters) were not checked. */
function notCheckedNotes(notChecked: readonly NotChecked[]): string[] {
  const byReason = new Map<string, NotChecked[]>()
  for (const n of notChecked) byReason.set(n.reason, [...(byReason.get(n.reason) ?? []), n])
  return [...byReason].map(([reason, list]) => {
    const what: Record<string, string> = {
      'other-account': "principals of other accounts (the plan role reads its own account's IAM only)",
      'not-role-or-user': 'principals that are not IAM roles or users',
      'no-entry-created-at': "entries whose createdAt the live read did not report (stale entries can't be told)",
      'lookup-failed': `principals whose IAM lookup failed (${list[0]?.detail ?? ''})`,
    }
    const clusters = [...new Set(list.map((n) => n.cluster))].sort(compareCodePoints).join(', ')
    return `dead access not checked for ${list.length} ${list.length === 1 ? 'entry' : 'entries'} on ${clusters}: ${what[reason] ?? reason}`
  })
}

/**
 * deadAccessProblems, with every warning at a manifest position: an entry the manifest does not
 * name (unknown access, live only) is reported at its cluster's key, as per-cluster problems are,
 * rather than at no position (`:0:0` in the listing, an annotation on no file).
 */
function locatedDeadAccessProblems(report: DeadAccessReport, manifest: Manifest): Problem[] {
  const clusterKeys = new Map(manifest.clusters.map((c) => [c.key, c.locs.key] as const))
  return deadAccessProblems(report, manifest).map((p, i) => {
    const at = p.line > 0 ? undefined : clusterKeys.get(report.dead[i]?.cluster ?? '')
    return at === undefined ? p : problemAt(at, p.severity, p.code, p.message)
  })
}

/**
 * ListAccessPolicies through the first selected cluster of each partition; a partition whose
 * call fails keeps the built-in catalogue (the cluster read reports access problems later).
 */
async function readCatalogues(clusters: readonly ManifestCluster[], deps: PlanDeps): Promise<AccessPolicyInfo[] | undefined> {
  if (!deps.apiFor) return undefined
  const apiFor = deps.apiFor
  const firstOfPartition = [...new Map(clusters.map((c) => [c.partition, c] as const)).values()]
  const lists = await Promise.all(
    firstOfPartition.map((c) =>
      apiFor(targetOf(c, deps.purpose))
        .listAccessPolicies()
        .catch(() => [] as AccessPolicyInfo[]),
    ),
  )
  const all = lists.flat()
  return all.length > 0 ? all : undefined
}

function targetOf(c: ManifestCluster, purpose: 'plan' | 'apply' = 'plan'): ClusterTarget {
  const roleArn = purpose === 'apply' ? c.roleArn : c.planRoleArn
  return { key: c.key, name: c.name, region: c.region, accountId: c.accountId, ...(roleArn ? { roleArn } : {}) }
}

/** The code of an access policy missing from the catalogue (rules/eks/policy-catalogue.ts). */
const UNKNOWN_POLICY = 'eks:unknown-policy'

function onlyUnknownPolicyErrors(problems: readonly Problem[]): boolean {
  return problems.every((p) => p.severity !== 'error' || p.code === UNKNOWN_POLICY)
}

function validateOptions(opts: PlanOptions, catalogue: readonly AccessPolicyInfo[]) {
  return { manifest: opts.manifest, cwd: opts.cwd, now: opts.now, expiryWarningDays: opts.expiryWarningDays, catalogue }
}

/** The clusters `--cluster GLOB` names; a filter that matches nothing is a usage error. */
export function selectPlannedClusters(manifest: Manifest, glob: string | undefined): Result<ManifestCluster[], string> {
  if (glob === undefined) return ok([...manifest.clusters])
  const matches = globMatcher(glob)
  const selected = manifest.clusters.filter((c) => matches(c.key))
  if (selected.length === 0) {
    const known = manifest.clusters.map((c) => c.key).join(', ') || '(none)'
    return err(`--cluster "${glob}" matches no cluster in the manifest; clusters are: ${known}`)
  }
  return ok(selected)
}

interface Observed {
  readonly clusters: ReadonlyMap<string, Result<ObservedCluster, PlanError>>
  readonly catalogue?: readonly AccessPolicyInfo[]
}

type SnapshotFailure =
  | { readonly kind: 'usage'; readonly message: string }
  | { readonly kind: 'problems'; readonly problems: readonly Problem[]; readonly text?: string }

async function readSnapshot(path: string, cwd: string, clusters: readonly ManifestCluster[]): Promise<Result<Observed, SnapshotFailure>> {
  const loaded = await loadStateSnapshotFile(path, cwd)
  if (loaded.kind === 'usage') return err(loaded)
  if (!loaded.result.ok)
    return err({ kind: 'problems', problems: loaded.result.error, ...(loaded.text === undefined ? {} : { text: loaded.text }) })
  const snapshot = loaded.result.value
  const observed = new Map<string, Result<ObservedCluster, PlanError>>()
  for (const cluster of clusters) {
    const found = findObservedCluster(snapshot, cluster)
    observed.set(
      cluster.key,
      found
        ? ok(found)
        : err({
            code: 'no-state',
            message: `the state snapshot ${path} has no cluster "${cluster.name}" in ${cluster.region} (account ${cluster.accountId}); export it with \`eks-access-gate export --cluster ${cluster.name} --region ${cluster.region} --format state\``,
          }),
    )
  }
  return ok({ clusters: observed, ...(snapshot.accessPolicies ? { catalogue: snapshot.accessPolicies } : {}) })
}

async function readLive(clusters: readonly ManifestCluster[], deps: PlanDeps, readCatalogue: boolean): Promise<Result<Observed, string>> {
  if (!deps.apiFor) return err('no AWS access configured for a live plan; pass --state FILE to plan from a snapshot')
  const read = await readLiveState(
    clusters.map((c) => targetOf(c, deps.purpose)),
    deps.apiFor,
    {
      ...(deps.concurrency ? { concurrency: deps.concurrency } : {}),
      ...(deps.ratePerSecond ? { ratePerSecond: deps.ratePerSecond } : {}),
      ...(deps.clusterTimeoutSeconds === undefined ? {} : { clusterTimeoutMs: deps.clusterTimeoutSeconds * 1000 }),
      ...(readCatalogue ? {} : { readCatalogue: false }),
    },
  )
  return ok({ clusters: read.clusters, ...(read.catalogue ? { catalogue: read.catalogue } : {}) })
}

function mergeCatalogues(a: readonly AccessPolicyInfo[], b: readonly AccessPolicyInfo[]): AccessPolicyInfo[] {
  const byArn = new Map<string, AccessPolicyInfo>()
  for (const p of [...a, ...b]) byArn.set(p.arn, p)
  return [...byArn.values()].sort((x, y) => compareCodePoints(x.arn, y.arn))
}
