import { AwsCallError } from '../aws/port.js'
import { orderActions, type ApiCall } from '../plan/order.js'
import { isOwned, normalizeType, sortedSet, tagsToSet, withoutOwnershipTag } from '../plan/normalize.js'
import type { ClusterReview } from '../plan/marker.js'
import type { AuthenticationMode, ClusterPlan } from '../types.js'
import { adminHolders, checkCalls, endState, isAdminPolicy, lockoutProblem } from './check.js'
import { groupSteps, REMOVAL_STEPS, type Step } from './steps.js'
import { requestToken } from './tokens.js'
import type {
  ApplyClusterDeps,
  ApplyCounts,
  ApplyOptions,
  CallError,
  ClusterApplyInput,
  ClusterApplyResult,
  ClusterProblem,
  ItemResult,
  NotAttemptedReason,
  RetryPolicy,
} from './types.js'

/**
 * applyCluster: carries out one cluster's plan through the port, in orderActions' order, grouped
 * into steps (steps.ts). Safety first:
 *  - before the first mutating call every call is checked and the lockout invariant is computed on
 *    the state the calls lead to; either failing refuses the whole cluster with no call made;
 *  - right before the first step that takes access away, the admin holders are re-read (the only
 *    read after a write) and the removals are not attempted unless one is confirmed live;
 *  - the cluster stops at its first failed call: calls in flight finish, nothing later starts.
 * Converging: a create that meets an existing entry (409) reconciles it; a delete or disassociate
 * that meets nothing (404) is done; "principalArn could not be found / is invalid" right after an
 * IAM principal was created is retried with backoff on the injected clock (2 minutes by default).
 * Throttling and 5xx are retried by the port (the AWS edge), not here.
 */

const DEFAULT_CALL_CONCURRENCY = 10
const DEFAULT_PRINCIPAL_RETRY: RetryPolicy = { deadlineMs: 120_000, initialDelayMs: 1_000, maxDelayMs: 16_000 }
const DEFAULT_MODE_UPDATE = { pollMs: 10_000, deadlineMs: 30 * 60_000 }

type CallState = 'applied' | 'failed' | 'not-started'

interface CallRecord {
  state: CallState
  error?: CallError
  detail?: string
}

type Outcome = { ok: true; detail?: string } | { ok: false; error: CallError }

export async function applyCluster(
  input: ClusterApplyInput,
  deps: ApplyClusterDeps,
  options: ApplyOptions = {},
): Promise<ClusterApplyResult> {
  const plan = input.plan
  const base = baseOf(input)
  const { skip, skipMode } = base
  if (plan.errors.length > 0) return refused(base, plan.errors)

  const calls = orderActions(plan).filter((c) => (c.call === 'updateAuthenticationMode' ? skipMode === undefined : !skip.has(c.change)))
  if (calls.length === 0) return finish(base, new Map(), [], 0)
  const problems = checkCalls(plan, calls, input.observed)
  if (problems.length > 0) return refused(base, problems)
  const end = endState(input.observed, plan.changes, new Set(skip.keys()))
  if (!input.allowNoClusterAdmin && adminHolders(end).length === 0) return refused(base, [lockoutProblem(plan.cluster)])
  const grouped = groupSteps(plan, calls)
  if (!grouped.ok)
    return refused(base, [{ code: 'order-mismatch', message: `apply steps disagree with the planned order: ${grouped.message}` }])

  const run = new ClusterRun(input, deps, options, end)
  await run.execute(grouped.steps)
  return finish(base, run.records, run.problems, run.mutatingCalls, run.stopReason)
}

// ───────────────────────────── execution ─────────────────────────────

class ClusterRun {
  readonly records = new Map<ApiCall, CallRecord>()
  readonly problems: ClusterProblem[] = []
  mutatingCalls = 0
  stopReason: NotAttemptedReason | undefined
  private readonly plan: ClusterPlan
  private readonly retry: RetryPolicy
  private readonly mode: { pollMs: number; deadlineMs: number }
  private readonly arns: ReadonlyMap<string, string>

  constructor(
    private readonly input: ClusterApplyInput,
    private readonly deps: ApplyClusterDeps,
    private readonly options: ApplyOptions,
    private readonly end: ReturnType<typeof endState>,
  ) {
    this.plan = input.plan
    this.retry = options.principalRetry ?? DEFAULT_PRINCIPAL_RETRY
    this.mode = options.modeUpdate ?? DEFAULT_MODE_UPDATE
    this.arns = new Map(
      input.observed.flatMap((e) => (e.accessEntryArn === undefined ? [] : [[e.principalArn, e.accessEntryArn] as const])),
    )
  }

  private get stopped(): boolean {
    return this.stopReason !== undefined
  }

  async execute(steps: readonly Step[]): Promise<void> {
    for (const step of steps) for (const lane of step.lanes) for (const call of lane) this.records.set(call, { state: 'not-started' })
    let rechecked = this.input.allowNoClusterAdmin
    for (const step of steps) {
      if (this.stopped) return
      if (!rechecked && REMOVAL_STEPS.has(step.kind)) {
        rechecked = true
        const problem = await this.recheckLockout(steps)
        if (problem !== undefined) {
          this.problems.push(problem)
          this.stopReason = 'lockout-recheck'
          return
        }
      }
      await this.runStep(step)
    }
  }

  /** Lanes in parallel, at most `callConcurrency` at once; none starts once the cluster stopped. */
  private async runStep(step: Step): Promise<void> {
    const limit = Math.max(1, this.options.callConcurrency ?? DEFAULT_CALL_CONCURRENCY)
    let next = 0
    const worker = async (): Promise<void> => {
      while (!this.stopped && next < step.lanes.length) {
        const lane = step.lanes[next++] ?? []
        await this.runLane(lane)
      }
    }
    await Promise.all(Array.from({ length: Math.min(limit, step.lanes.length) }, worker))
  }

  private async runLane(lane: readonly ApiCall[]): Promise<void> {
    // After a create in this lane, "principal not found" on the next calls is EKS catching up.
    let created = false
    for (const call of lane) {
      if (this.stopped) return
      const outcome = await this.runCall(call, created)
      const record = this.records.get(call) as CallRecord
      if (outcome.ok) {
        record.state = 'applied'
        if (outcome.detail !== undefined) record.detail = outcome.detail
        if (call.call === 'createAccessEntry') created = true
      } else {
        record.state = 'failed'
        record.error = outcome.error
        this.stopReason ??= 'stopped-after-failure'
        return
      }
    }
  }

  private token(operation: string, principalArn: string, params: unknown, attempt = 0): string {
    return requestToken(this.input.idempotencySeed, this.plan, operation, principalArn, params, attempt)
  }

  private async mutate<T>(task: () => Promise<T>): Promise<T> {
    this.mutatingCalls += 1
    return task()
  }

  private async runCall(call: ApiCall, created: boolean): Promise<Outcome> {
    const api = this.deps.api
    const name = this.plan.name
    try {
      switch (call.call) {
        case 'updateAuthenticationMode':
          return await this.stepAuthenticationMode(call.to)
        case 'createAccessEntry':
          return await this.createEntry(call)
        case 'updateAccessEntry': {
          const fields = { kubernetesGroups: call.kubernetesGroups, ...(call.username === undefined ? {} : { username: call.username }) }
          await this.retrying(created, (n) =>
            this.mutate(() =>
              api.updateAccessEntry(name, call.principalArn, fields, {
                clientRequestToken: this.token('UpdateAccessEntry', call.principalArn, fields, n),
              }),
            ),
          )
          return { ok: true }
        }
        case 'tagResource': {
          const arn = this.arns.get(call.principalArn)
          if (arn === undefined)
            return {
              ok: false,
              error: { operation: 'TagResource', code: 'NoAccessEntryArn', message: 'the live state has no ARN for this entry' },
            }
          await this.mutate(() => api.tagResource(arn, call.tags))
          return { ok: true }
        }
        case 'associateAccessPolicy':
          await this.retrying(created, () =>
            this.mutate(() => api.associateAccessPolicy(name, call.principalArn, call.policyArn, call.accessScope)),
          )
          return { ok: true }
        case 'disassociateAccessPolicy':
          return await this.gone(() => this.mutate(() => api.disassociateAccessPolicy(name, call.principalArn, call.policyArn)))
        case 'deleteAccessEntry':
          return await this.gone(() => this.mutate(() => api.deleteAccessEntry(name, call.principalArn)))
      }
    } catch (e) {
      return { ok: false, error: callError(e, operationOf(call)) }
    }
  }

  /** A 404 on a removal means it is already done (not a 404 for the cluster itself). */
  private async gone(task: () => Promise<void>): Promise<Outcome> {
    try {
      await task()
      return { ok: true }
    } catch (e) {
      if (e instanceof AwsCallError && isEntryNotFound(e)) return { ok: true, detail: 'already gone' }
      throw e
    }
  }

  /**
   * Retries `attempt` while it fails with "principal not found / invalid" (only where that can be
   * EKS catching up: always on CreateAccessEntry, on later calls only after a create in the lane),
   * with exponential backoff on the injected clock, until the deadline.
   */
  private async retrying<T>(enabled: boolean, attempt: (n: number) => Promise<T>, retryable = isPrincipalNotReady): Promise<T> {
    const { now, sleep } = this.deps
    let start: number | undefined
    let delay = this.retry.initialDelayMs
    for (let n = 0; ; n++) {
      try {
        return await attempt(n)
      } catch (e) {
        // Once the cluster stopped (another lane failed), a retry would start something new.
        if (!enabled || !retryable(e) || this.stopped) throw e
        start ??= now()
        const waited = now() - start
        if (waited + delay > this.retry.deadlineMs) {
          throw n === 0 ? e : new RetriedError(e, n + 1, waited)
        }
        await sleep(delay)
        delay = Math.min(delay * 2, this.retry.maxDelayMs)
      }
    }
  }

  private async createEntry(call: Extract<ApiCall, { call: 'createAccessEntry' }>): Promise<Outcome> {
    const entry = {
      principalArn: call.principalArn,
      type: call.type,
      kubernetesGroups: call.kubernetesGroups,
      tags: call.tags,
      ...(call.username === undefined ? {} : { username: call.username }),
    }
    try {
      await this.retrying(true, (n) =>
        this.mutate(() =>
          this.deps.api.createAccessEntry(this.plan.name, entry, {
            clientRequestToken: this.token('CreateAccessEntry', call.principalArn, entry, n),
          }),
        ),
      )
      return { ok: true }
    } catch (e) {
      if (e instanceof AwsCallError && e.code === 'ResourceInUseException') return this.reconcileExisting(call)
      throw e
    }
  }

  /**
   * 409 on create: the entry is already there (an earlier run whose answer was lost, or someone
   * else). Reconcile it to the call instead of failing: same type required (a type cannot change in
   * place); groups/username updated when they differ; missing tags set, the ownership tag only on
   * an entry we own or adopt (an untagged entry stays untagged unless `adopt`).
   */
  private async reconcileExisting(call: Extract<ApiCall, { call: 'createAccessEntry' }>): Promise<Outcome> {
    const api = this.deps.api
    const name = this.plan.name
    const live = await api.describeAccessEntry(name, call.principalArn)
    if (normalizeType(live.type) !== normalizeType(call.type)) {
      return {
        ok: false,
        error: {
          operation: 'CreateAccessEntry',
          code: 'ResourceInUseException',
          message: `an access entry of type ${live.type} already exists for this principal (wanted ${normalizeType(call.type)}); EKS cannot change a type in place`,
        },
      }
    }
    const done: string[] = []
    const groupsDiffer =
      normalizeType(call.type) === 'STANDARD' && sortedSet(call.kubernetesGroups).join('\n') !== sortedSet(live.kubernetesGroups).join('\n')
    const usernameDiffers = call.username !== undefined && call.username !== live.username
    if (groupsDiffer || usernameDiffers) {
      const fields = { kubernetesGroups: call.kubernetesGroups, ...(call.username === undefined ? {} : { username: call.username }) }
      await this.mutate(() =>
        api.updateAccessEntry(name, call.principalArn, fields, {
          clientRequestToken: this.token('UpdateAccessEntry', call.principalArn, fields),
        }),
      )
      done.push('groups and username updated')
    }
    const wanted = isOwned(live.tags) || this.input.adopt ? call.tags : withoutOwnershipTag(call.tags)
    const missing = tagsToSet(wanted, live.tags)
    if (Object.keys(missing).length > 0) {
      if (live.accessEntryArn === undefined) {
        return {
          ok: false,
          error: { operation: 'TagResource', code: 'NoAccessEntryArn', message: 'DescribeAccessEntry returned no ARN to tag' },
        }
      }
      const arn = live.accessEntryArn
      await this.mutate(() => api.tagResource(arn, missing))
      done.push('tags set')
    }
    return { ok: true, detail: `already existed: ${done.length === 0 ? 'as planned' : `reconciled (${done.join(', ')})`}` }
  }

  /** UpdateClusterConfig, then DescribeUpdate until it is done, on the injected clock. */
  private async stepAuthenticationMode(to: AuthenticationMode): Promise<Outcome> {
    const api = this.deps.api
    const name = this.plan.name
    let updateId: string
    try {
      ;({ updateId } = await this.mutate(() =>
        api.updateAuthenticationMode(name, to, { clientRequestToken: this.token('UpdateClusterConfig', '', { authenticationMode: to }) }),
      ))
    } catch (e) {
      // A re-run after the step went through: EKS refuses a "step" to the mode the cluster is in.
      if (e instanceof AwsCallError && e.code === 'InvalidParameterException') {
        const info = await api.describeCluster(name)
        if (info.authenticationMode === to) return { ok: true, detail: `already ${to}` }
      }
      throw e
    }
    const start = this.deps.now()
    for (;;) {
      const update = await api.describeUpdate(name, updateId)
      if (update.status === 'Successful') return { ok: true }
      if (update.status === 'Failed' || update.status === 'Cancelled') {
        const why = (update.errors ?? []).map((x) => `${x.errorCode ?? ''}: ${x.errorMessage ?? ''}`).join('; ')
        return {
          ok: false,
          error: {
            operation: 'UpdateClusterConfig',
            code: `Update${update.status}`,
            message: `update ${updateId} ${update.status.toLowerCase()}${why ? `: ${why}` : ''}`,
          },
        }
      }
      if (this.deps.now() - start >= this.mode.deadlineMs) {
        return {
          ok: false,
          error: {
            operation: 'DescribeUpdate',
            code: 'UpdateTimeout',
            message: `update ${updateId} still ${update.status} after ${Math.round(this.mode.deadlineMs / 60_000)} minutes; re-run apply once it has finished`,
          },
        }
      }
      await this.deps.sleep(this.mode.pollMs)
    }
  }

  /**
   * Before the first removal: is at least one principal that holds the cluster-admin policy at
   * cluster scope once the plan is applied (and is not itself being replaced) confirmed live? Long
   * standing admins are checked first; the ones granted by this run may need EKS to catch up, so
   * the check is retried on the principal-retry clock while such a candidate exists.
   */
  private async recheckLockout(steps: readonly Step[]): Promise<ClusterProblem | undefined> {
    const replaced = new Set(
      steps
        .filter((s) => s.kind === 'replace')
        .flatMap((s) => s.lanes.flat().map((c) => (c.call === 'updateAuthenticationMode' ? '' : c.principalArn))),
    )
    const before = new Set(
      this.input.observed
        .filter((e) => normalizeType(e.type) === 'STANDARD' && e.accessPolicies.some(isAdminPolicy))
        .map((e) => e.principalArn),
    )
    const candidates = adminHolders(this.end)
      .filter((p) => !replaced.has(p))
      .sort((a, b) => Number(!before.has(a)) - Number(!before.has(b)))
    const noAdmin = (): ClusterProblem => ({
      code: 'no-cluster-admin-live',
      message:
        `before the first removal, none of the expected cluster admins (${candidates.join(', ') || 'none'}) held AmazonEKSClusterAdminPolicy ` +
        'at cluster scope on the live cluster; the removals were not attempted (re-run apply once access is confirmed)',
    })
    if (candidates.length === 0) return noAdmin()
    try {
      const confirmed = await this.retrying(
        candidates.some((p) => !before.has(p)),
        async () => {
          if (await this.anyLiveAdmin(candidates)) return true
          throw new NotYetAdmin()
        },
        (e) => e instanceof NotYetAdmin,
      )
      return confirmed ? undefined : noAdmin()
    } catch (e) {
      if (e instanceof NotYetAdmin || (e instanceof RetriedError && e.cause instanceof NotYetAdmin)) return noAdmin()
      const err = callError(e, 'DescribeAccessEntry')
      return {
        code: 'lockout-recheck-failed',
        message: `could not re-read the cluster admins before the first removal (${err.operation}: ${err.code}: ${err.message}); the removals were not attempted`,
      }
    }
  }

  private async anyLiveAdmin(candidates: readonly string[]): Promise<boolean> {
    const api = this.deps.api
    for (const p of candidates) {
      try {
        const entry = await api.describeAccessEntry(this.plan.name, p)
        if (normalizeType(entry.type) !== 'STANDARD') continue
        const policies = await api.listAssociatedAccessPolicies(this.plan.name, p)
        if (policies.some(isAdminPolicy)) return true
      } catch (e) {
        if (e instanceof AwsCallError && isEntryNotFound(e)) continue
        throw e
      }
    }
    return false
  }
}

class NotYetAdmin extends Error {}

/** The last error of a retried call, with how long it was retried. */
class RetriedError extends Error {
  constructor(
    override readonly cause: unknown,
    readonly attempts: number,
    readonly waitedMs: number,
  ) {
    super('retried')
  }
}

function isEntryNotFound(e: AwsCallError): boolean {
  return (e.code === 'ResourceNotFoundException' || e.code === 'NotFoundException') && !/^No cluster found/i.test(e.message)
}

/** "The specified principalArn could not be found" / "… is invalid": EKS or IAM catching up. */
function isPrincipalNotReady(e: unknown): boolean {
  if (!(e instanceof AwsCallError)) return false
  if (e.code !== 'InvalidParameterException' && e.code !== 'ResourceNotFoundException' && e.code !== 'NotFoundException') return false
  return /principal ?arn (could not be found|is invalid)/i.test(e.message)
}

/** The EKS operation an ordered call makes (results and errors name it). */
export function operationOf(call: ApiCall): string {
  const names: Record<ApiCall['call'], string> = {
    updateAuthenticationMode: 'UpdateClusterConfig',
    createAccessEntry: 'CreateAccessEntry',
    updateAccessEntry: 'UpdateAccessEntry',
    tagResource: 'TagResource',
    associateAccessPolicy: 'AssociateAccessPolicy',
    disassociateAccessPolicy: 'DisassociateAccessPolicy',
    deleteAccessEntry: 'DeleteAccessEntry',
  }
  return names[call.call]
}

export function callError(e: unknown, operation: string): CallError {
  if (e instanceof RetriedError) {
    const inner = callError(e.cause, operation)
    return { ...inner, message: `${inner.message} (still failing after ${e.attempts} attempts over ${Math.round(e.waitedMs / 1000)} s)` }
  }
  if (e instanceof AwsCallError) return { operation: e.operation || operation, code: e.code, message: e.message }
  const code = e instanceof Error && e.name !== 'Error' ? e.name : 'Error'
  return { operation, code, message: e instanceof Error ? e.message : String(e) }
}

// ───────────────────────────── results ─────────────────────────────

interface Base {
  readonly plan: ClusterPlan
  readonly skip: ReadonlyMap<number, string>
  readonly skipMode: string | undefined
  readonly unreviewed: ReadonlySet<number>
  readonly notes: readonly string[]
}

function baseOf(input: ClusterApplyInput): Base {
  const { skip, skipMode, unreviewed } = skipsOf(input.plan, input.review)
  return { plan: input.plan, skip, skipMode, unreviewed, notes: reviewNotes(input.review, skip.size + (skipMode === undefined ? 0 : 1)) }
}

/**
 * The result of a cluster on which no call was made: refused (plan errors, checks) or failed before
 * its first call (no credentials); every change not attempted.
 */
export function refusedCluster(
  input: ClusterApplyInput,
  problems: readonly ClusterProblem[],
  status: 'refused' | 'failed' = 'refused',
): ClusterApplyResult {
  return { ...refused(baseOf(input), problems), status }
}

/** Changes left out as unreviewed (with why), closed over dependencies, and every unreviewed index. */
function skipsOf(
  plan: ClusterPlan,
  review: ClusterReview | undefined,
): { skip: Map<number, string>; skipMode: string | undefined; unreviewed: Set<number> } {
  const skip = new Map<number, string>()
  const unreviewed = new Set<number>()
  if (review === undefined || review.status !== 'differs') return { skip, skipMode: undefined, unreviewed }
  for (const u of review.unexpected) {
    unreviewed.add(u.index)
    if (u.decision === 'skip') skip.set(u.index, `not in the reviewed plan (${u.why})`)
  }
  const skipMode = review.authenticationMode === undefined ? undefined : `not in the reviewed plan (${review.authenticationMode.why})`
  // No access-entry call works before the step out of CONFIG_MAP; associations need their entry.
  const modeFirstSkipped = skipMode !== undefined && plan.authenticationMode?.to !== 'API'
  const skippedEntries = new Set(
    plan.changes.filter((c, i) => skip.has(i) && (c.action === 'create' || c.action === 'replace')).map((c) => c.principalArn),
  )
  for (const [i, c] of plan.changes.entries()) {
    if (skip.has(i)) continue
    if (modeFirstSkipped) skip.set(i, 'depends on the authentication-mode step, which was not in the reviewed plan')
    else if (c.action === 'associate' && skippedEntries.has(c.principalArn))
      skip.set(i, 'depends on the entry change that was skipped as unreviewed')
  }
  return { skip, skipMode, unreviewed }
}

function reviewNotes(review: ClusterReview | undefined, allSkipped: number): string[] {
  const notes: string[] = []
  if (review?.note !== undefined) notes.push(review.note)
  if (review?.status !== 'differs') return notes
  const mode = review.authenticationMode === undefined ? 0 : 1
  const unexpected = review.unexpected.length + mode
  if (unexpected === 0) return notes
  const skipped = review.unexpected.filter((u) => u.decision === 'skip').length + mode
  const dependent = allSkipped - skipped
  const more =
    dependent > 0 ? `, and ${dependent} more skipped because ${dependent === 1 ? 'it depends' : 'they depend'} on a skipped change` : ''
  notes.push(
    `${unexpected} change${unexpected === 1 ? ' was' : 's were'} not in the reviewed plan: ${skipped} skipped (the next pull request's plan shows ` +
      `them for review), ${unexpected - skipped} applied${more}.`,
  )
  return notes
}

function refused(base: Base, problems: readonly ClusterProblem[]): ClusterApplyResult {
  const items = subjects(base).map(({ subject }) => ({
    subject,
    status: 'not-attempted' as const,
    reason: 'cluster-refused' as const,
    detail: 'the cluster was refused before any change',
  }))
  return build(base, 'refused', problems, items, 0)
}

function finish(
  base: Base,
  records: ReadonlyMap<ApiCall, CallRecord>,
  problems: readonly ClusterProblem[],
  mutatingCalls: number,
  stopReason?: NotAttemptedReason,
): ClusterApplyResult {
  // Calls per subject: index of the change, or -1 for the mode step.
  const bySubject = new Map<number, CallRecord[]>()
  for (const [call, record] of records) {
    const key = call.call === 'updateAuthenticationMode' ? -1 : call.change
    bySubject.set(key, [...(bySubject.get(key) ?? []), record])
  }
  const items = subjects(base).map(({ key, subject }) => {
    const skipWhy = key === -1 ? base.skipMode : base.skip.get(key)
    const unreviewed = key === -1 ? base.skipMode !== undefined : base.unreviewed.has(key)
    const flag = unreviewed ? { unreviewed: true } : {}
    if (skipWhy !== undefined) return { subject, status: 'not-attempted' as const, reason: 'unreviewed' as const, detail: skipWhy, ...flag }
    const recs = bySubject.get(key) ?? []
    const failed = recs.find((r) => r.state === 'failed')
    if (failed?.error !== undefined) return { subject, status: 'failed' as const, error: failed.error, ...flag }
    if (recs.length > 0 && recs.every((r) => r.state === 'applied')) {
      const details = recs.flatMap((r) => (r.detail === undefined ? [] : [r.detail]))
      return { subject, status: 'applied' as const, ...(details.length > 0 ? { detail: details.join('; ') } : {}), ...flag }
    }
    const partial = recs.some((r) => r.state === 'applied')
    const reason = stopReason ?? 'stopped-after-failure'
    const why =
      reason === 'lockout-recheck'
        ? 'the cluster-admin re-check before the first removal did not pass'
        : 'stopped after an earlier call failed'
    return {
      subject,
      status: 'not-attempted' as const,
      reason,
      detail: partial ? `${why} (partly applied: re-run to finish)` : why,
      ...flag,
    }
  })
  const failed = items.some((i) => i.status === 'failed') || problems.length > 0
  const status = items.length === 0 ? 'unchanged' : failed ? 'failed' : 'applied'
  return build(base, status, problems, items, mutatingCalls)
}

function subjects(base: Base): { key: number; subject: ItemResult['subject'] }[] {
  const mode = base.plan.authenticationMode
  const out: { key: number; subject: ItemResult['subject'] }[] = []
  if (mode !== undefined) out.push({ key: -1, subject: { kind: 'authentication-mode', from: mode.from, to: mode.to } })
  for (const [index, change] of base.plan.changes.entries()) out.push({ key: index, subject: { kind: 'change', index, change } })
  return out
}

function build(
  base: Base,
  status: ClusterApplyResult['status'],
  problems: readonly ClusterProblem[],
  items: readonly ItemResult[],
  mutatingCalls: number,
): ClusterApplyResult {
  const p = base.plan
  return {
    cluster: p.cluster,
    name: p.name,
    region: p.region,
    accountId: p.accountId,
    status,
    problems,
    items,
    counts: countItems(items),
    notes: base.notes,
    mutatingCalls,
  }
}

export function countItems(items: readonly ItemResult[]): ApplyCounts {
  let applied = 0
  let failed = 0
  let notAttempted = 0
  for (const i of items) {
    if (i.status === 'applied') applied++
    else if (i.status === 'failed') failed++
    else notAttempted++
  }
  return { applied, failed, notAttempted }
}
