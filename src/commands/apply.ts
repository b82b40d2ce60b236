/**
 * `apply`: refuse on pull requests; re-read live state and re-plan with each cluster's apply role;
 * find the reviewed plan (the merged pull request's sticky comment); compare; apply in the safe
 * order (src/apply/); report per change. It never trusts the pull request's plan: the comment only
 * decides which unexpected changes are skipped.
 */
import { resolve } from 'node:path'
import { applyPlan, renderApplyMarkdown, renderApplyText, formatCounts, type ClusterContext, type PlanApplyResult } from '../apply/index.js'
import type { ApplyEksApi } from '../apply/types.js'
import type { ClusterTarget, EksAccessApi, EksApiFactory } from '../aws/port.js'
import { AwsCallError } from '../aws/port.js'
import type { ApplyRequest } from '../config/requests.js'
import { Outputs, PRODUCT } from '../constants.js'
import type { GitHubPort, PullRequest } from '../github/port.js'
import { findStickyComments, isAuthoredBy } from '../github/sticky.js'
import { Outcomes, type GitHubWrite, type Note, type Outcome } from '../outcome.js'
import {
  compareWithReviewed,
  MARKER_PREFIX,
  parseMarker,
  readReviewedPlan,
  type ReviewComparison,
  type ReviewedPlan,
} from '../plan/marker.js'
import { renderPlan } from '../plan/render/index.js'
import { renderProblemsText } from '../render/problems.js'
import type { Manifest, ObservedCluster, Plan, PlanError, Result } from '../types.js'
import type { CommandDeps } from './deps.js'
import { planAccess } from './plan-access.js'
import { rulesOptions } from './rules-options.js'

export const PULL_REQUEST_EVENTS: readonly string[] = ['pull_request', 'pull_request_target']

/** The author of the sticky plan comment: only its comments count as a reviewed plan. */
const COMMENT_AUTHOR = { login: 'github-actions[bot]', type: 'Bot' } as const

export async function applyCommand(request: ApplyRequest, deps: CommandDeps): Promise<Outcome> {
  // Before anything else, whatever the inputs say: a pull request's code must never reach a cluster
  // with write access.
  if (request.eventName !== undefined && PULL_REQUEST_EVENTS.includes(request.eventName)) {
    return Outcomes.failed(
      `apply refused on a ${request.eventName} event: apply runs after merge (on push to the default branch, workflow_dispatch or schedule); no AWS call was made`,
      { failureReason: 'apply-on-pull-request' },
    )
  }
  if (!request.yes && deps.confirm === undefined) {
    return Outcomes.usage('apply needs confirmation: pass --yes, or run it in a terminal to be asked; nothing was read or changed')
  }
  const notes: Note[] = []

  const factory = deps.eks({
    purpose: 'apply',
    assumeRoles: request.assumeRoles,
    clusterTimeoutSeconds: request.clusterTimeoutSeconds,
    ...(request.maxRate === undefined ? {} : { maxRate: request.maxRate }),
  })
  const planned = await planAccess(
    {
      manifest: request.manifest,
      cwd: deps.cwd,
      now: deps.now(),
      expiryWarningDays: request.expiryWarningDays,
      rules: rulesOptions(request.rules, deps),
      ...(request.clusterGlob === undefined ? {} : { clusterGlob: request.clusterGlob }),
      ...(request.commitSha === undefined ? {} : { manifestCommit: request.commitSha }),
    },
    {
      apiFor: factory,
      purpose: 'apply',
      clusterTimeoutSeconds: request.clusterTimeoutSeconds,
      ...(request.maxRate === undefined ? {} : { ratePerSecond: request.maxRate }),
    },
  )
  if (planned.kind === 'usage') return Outcomes.usage(planned.message, { notes })
  if (planned.kind === 'invalid') {
    return Outcomes.invalid('manifest invalid: nothing was applied', {
      problems: planned.problems,
      notes,
      stderr: renderProblemsText(planned.problems, planned.sources, {
        fileCount: planned.sources.size,
        color: request.color,
        cwd: deps.cwd,
      }),
    })
  }
  const plan = planned.plan

  if (!request.yes) {
    const confirmed = await askToApply(plan, request, deps)
    if (confirmed !== true) return confirmed
  }

  const reviewed = request.findReviewedPlan ? await findReviewedPlan(deps.github, request.commitSha) : { kind: 'none' as const }
  for (const n of reviewed.notes ?? []) notes.push(n)
  const review = reviewComparison(plan, reviewed)

  const result = await applyPlan(
    {
      plan,
      contexts: contextsOf(planned.manifest, planned.observed),
      idempotencySeed: request.commitSha ?? plan.planHash,
      ...(review === undefined ? {} : { review }),
    },
    {
      apiFor: (cluster) => applyApiFor(factory, planned.manifest, cluster.cluster),
      now: () => deps.now().getTime(),
      sleep: deps.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms))),
    },
  )
  return outcomeOf(plan, result, request, deps, notes, reviewed)
}

// ───────────────────────────── confirmation (CLI) ─────────────────────────────

async function askToApply(plan: Plan, request: ApplyRequest, deps: CommandDeps): Promise<true | Outcome> {
  const changes = plan.clusters.reduce((n, c) => n + c.changes.length + (c.authenticationMode === undefined ? 0 : 1), 0)
  if (changes === 0) return true
  const text = renderPlan(plan, 'text', { color: request.color })
  const yes = await (deps.confirm as NonNullable<CommandDeps['confirm']>)(
    `${text}\nApply these ${changes} change${changes === 1 ? '' : 's'}? Only "yes" applies: `,
  )
  return yes ? true : Outcomes.failed('apply cancelled: nothing was changed', { failureReason: 'cancelled' })
}

// ───────────────────────────── the reviewed plan ─────────────────────────────

type Reviewed =
  /** Not looked up (CLI, schedule, workflow_dispatch). */
  | { readonly kind: 'none'; readonly notes?: readonly Note[] }
  /** A push with no merged pull request: a direct push. */
  | { readonly kind: 'direct-push'; readonly notes?: readonly Note[] }
  /** A merged pull request without our plan comment. */
  | { readonly kind: 'no-comment'; readonly pull: PullRequest; readonly notes?: readonly Note[] }
  | { readonly kind: 'found'; readonly pull: PullRequest; readonly plan: ReviewedPlan; readonly notes?: readonly Note[] }
  /** GitHub could not be read: fail safe, every change counts as unreviewed. */
  | { readonly kind: 'unreadable'; readonly pull?: PullRequest; readonly notes: readonly Note[] }

/**
 * The merged commit's pull request and its sticky plan comment(s) (one per shard), authored by
 * github-actions[bot] and found by the marker on their first line; their clusters merge.
 */
export async function findReviewedPlan(github: GitHubPort | undefined, sha: string | undefined): Promise<Reviewed> {
  const unreadable = (why: string, pull?: PullRequest): Reviewed => ({
    kind: 'unreadable',
    ...(pull === undefined ? {} : { pull }),
    notes: [
      {
        level: 'warning',
        message: `the reviewed plan could not be read (${why}): every change counts as unreviewed, so deletions and escalations are skipped`,
      },
    ],
  })
  if (github === undefined || sha === undefined) return unreadable('no GitHub token or no commit')
  let pulls: PullRequest[]
  try {
    pulls = await github.listPullRequestsForCommit(sha)
  } catch (e) {
    return unreadable(e instanceof Error ? e.message : String(e))
  }
  const pull = pulls.filter((p) => p.merged).sort((a, b) => a.number - b.number)[0]
  if (pull === undefined) return { kind: 'direct-push' }
  let found
  try {
    found = await findStickyComments(github, {
      issueNumber: pull.number,
      marker: { prefix: MARKER_PREFIX, parse: parseMarker },
      isOurs: isAuthoredBy(COMMENT_AUTHOR),
    })
  } catch (e) {
    return unreadable(e instanceof Error ? e.message : String(e), pull)
  }
  const plans = found.map((f) => readReviewedPlan(f.comment.body)).filter((p): p is ReviewedPlan => p !== undefined)
  if (plans.length === 0) {
    return {
      kind: 'no-comment',
      pull,
      notes: [{ level: 'warning', message: `pull request #${pull.number} has no plan comment by ${COMMENT_AUTHOR.login}` }],
    }
  }
  return { kind: 'found', pull, plan: mergeReviewed(plans) }
}

/** Several shards' comments: one reviewed plan whose clusters are all of theirs (later comments win). */
function mergeReviewed(plans: readonly ReviewedPlan[]): ReviewedPlan {
  const first = plans[0] as ReviewedPlan
  if (plans.length === 1) return first
  const clusters: Record<string, string> = {}
  const digests: Record<string, string> = {}
  for (const p of plans) {
    for (const [k, v] of Object.entries(p.marker.clusters)) clusters[k] = v
    for (const [k, v] of Object.entries(p.digests?.clusters ?? {})) digests[k] = v
  }
  return {
    marker: { ...first.marker, shard: '*', clusters },
    digests: { v: 1, head: first.marker.head, clusters: digests },
  }
}

function reviewComparison(plan: Plan, reviewed: Reviewed): ReviewComparison | undefined {
  switch (reviewed.kind) {
    case 'none':
      return undefined
    case 'found':
      return compareWithReviewed(plan, reviewed.plan)
    case 'direct-push':
    case 'no-comment':
      return compareWithReviewed(plan, undefined)
    case 'unreadable':
      // An empty reviewed plan: no cluster was reviewed, so only benign changes are applied.
      return compareWithReviewed(plan, { marker: { v: 1, head: '0'.repeat(40), shard: '*', clusters: {} } })
  }
}

// ───────────────────────────── engine wiring ─────────────────────────────

function contextsOf(manifest: Manifest, observed: ReadonlyMap<string, Result<ObservedCluster, PlanError>>): Map<string, ClusterContext> {
  const contexts = new Map<string, ClusterContext>()
  for (const c of manifest.clusters) {
    const read = observed.get(c.key)
    // A cluster that could not be read has plan errors: the engine refuses it, naming them, before any call.
    const entries = read !== undefined && read.ok ? read.value.entries : []
    contexts.set(c.key, { observed: entries, allowNoClusterAdmin: c.allowNoClusterAdmin, adopt: c.adopt })
  }
  return contexts
}

function applyApiFor(factory: EksApiFactory, manifest: Manifest, key: string): ApplyEksApi {
  const c = manifest.clusters.find((m) => m.key === key)
  if (c === undefined) throw new AwsCallError('apply', 'UnknownCluster', `cluster ${key} is not in the manifest`)
  const target: ClusterTarget = {
    key,
    name: c.name,
    region: c.region,
    accountId: c.accountId,
    ...(c.roleArn ? { roleArn: c.roleArn } : {}),
  }
  return asApplyApi(factory(target))
}

/** The port with DescribeUpdate: the SDK adapter has it; a port without it cannot wait for a mode change. */
export function asApplyApi(api: EksAccessApi): ApplyEksApi {
  if (api.describeUpdate !== undefined) return api as ApplyEksApi
  // Not a spread: a class-based port keeps its prototype methods (and `this`).
  const describeUpdate = (name: string): Promise<never> =>
    Promise.reject(new AwsCallError('DescribeUpdate', 'Unsupported', `this EKS port cannot describe updates of cluster ${name}`))
  return Object.assign(Object.create(api) as EksAccessApi, { describeUpdate }) as ApplyEksApi
}

// ───────────────────────────── the outcome ─────────────────────────────

function outcomeOf(
  plan: Plan,
  result: PlanApplyResult,
  request: ApplyRequest,
  deps: CommandDeps,
  notes: readonly Note[],
  reviewed: Reviewed,
): Outcome {
  const s = plan.summary
  const hasChanges = s.create + s.update + s.replace + s.delete + s.associate + s.disassociate > 0
  const planFile = request.planFile === undefined ? undefined : resolve(deps.cwd, request.planFile)
  const summary = renderApplyMarkdown(result)
  const pull =
    reviewed.kind === 'found' || reviewed.kind === 'no-comment' ? reviewed.pull : reviewed.kind === 'unreadable' ? reviewed.pull : undefined
  const writes: GitHubWrite[] =
    pull === undefined || request.commitSha === undefined
      ? []
      : [
          {
            kind: 'applied-section',
            issueNumber: pull.number,
            commitSha: request.commitSha,
            shard: request.clusterGlob ?? '*',
            section: appliedSection(result, request.commitSha),
          },
        ]
  const parts = {
    problems: plan.problems,
    notes,
    stdout: renderApplyText(result),
    summary,
    outputs: {
      [Outputs.HasChanges]: String(hasChanges),
      [Outputs.Summary]: JSON.stringify(s),
      [Outputs.Clusters]: JSON.stringify(plan.clusters.map((c) => c.cluster)),
      ...(planFile === undefined ? {} : { [Outputs.PlanFile]: planFile }),
    },
    files: planFile === undefined ? [] : [{ path: planFile, text: renderPlan(plan, 'json') }],
    writes,
  }
  if (result.ok) return Outcomes.ok(parts)
  const bad = result.clusters.filter((c) => c.status === 'failed' || c.status === 'refused').length
  return Outcomes.failed(`apply failed in ${bad} of ${result.clusters.length} clusters: ${formatCounts(result.counts)}`, {
    ...parts,
    failureReason: 'apply-failed',
  })
}

/** The "Applied" section of the pull request's comment: the job summary's report under a heading. */
export function appliedSection(result: PlanApplyResult, sha: string): string {
  const report = renderApplyMarkdown(result).replace(/^## eks-access-gate apply\n\n/, '')
  return `### Applied (${PRODUCT}, commit \`${sha.slice(0, 12)}\`)\n\n${report.replace(/^###/gm, '####')}`
}
