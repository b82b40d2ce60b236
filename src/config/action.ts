/** The action's inputs, read once into a frozen ActionConfig; `command: auto` resolved from the event. */
import { readFileSync } from 'node:fs'
import { ACTION_COMMANDS, Defaults, Inputs, type ActionCommand, type ActionCommandInput } from '../constants.js'
import { err, ok, type Result } from '../types.js'
import { optional, parseBoolean, parseDays, parseEnum, parseRate, parseSeconds, type Env, type UsageError } from './values.js'

// ───────────────────────────── action inputs ─────────────────────────────

export interface ActionConfig {
  /** The `command` input as given (`auto` by default). */
  readonly requested: ActionCommandInput
  /** What runs: `auto` already resolved from the triggering event. */
  readonly command: ActionCommand
  /** One sentence on how `command` was chosen, for the log. */
  readonly reason: string
  readonly eventName?: string
  readonly manifest: string
  readonly rules: string
  /** true when `rules` is the default path (a missing default file means "no organisation rules"). */
  readonly rulesIsDefault: boolean
  /** `pull_request.base.sha` of a pull-request event: the commit whose rules file decides. */
  readonly pullRequestBaseSha?: string
  /** A secret: never log it. */
  readonly githubToken?: string
  readonly comment: boolean
  readonly clusters?: string
  readonly audience: string
  readonly state?: string
  readonly expiryWarningDays: number
  readonly failOnDrift: boolean
  /** `max-rate`: EKS requests per second per account and region; undefined = adaptive only. */
  readonly maxRate?: number
  /** `cluster-timeout`: seconds per cluster (default 300). */
  readonly clusterTimeoutSeconds: number
  /** The pull request of a `pull_request` / `pull_request_target` run (from the event payload). */
  readonly pullRequest?: PullRequestContext
  /**
   * Why no live plan can be made on this pull request (a fork, or no OIDC token): the run then
   * plans offline from `state` or validates, and writes nothing to GitHub. Undefined otherwise.
   */
  readonly liveUnavailable?: string
}

/** What the action needs to know about the pull request it runs for. */
export interface PullRequestContext {
  readonly number: number
  /** The PR's head commit (GITHUB_SHA is the test-merge commit, not the head). */
  readonly headSha: string
  /** `owner/repo` of the head; differs from `baseRepo` on a fork; undefined when the fork was deleted. */
  readonly headRepo: string | undefined
  readonly baseRepo: string
}

/** Reads and parses the webhook payload at GITHUB_EVENT_PATH; undefined when it cannot. */
export function readEventPayload(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as unknown
  } catch {
    return undefined
  }
}

/**
 * Reads every input once. Empty means "not given" (the runner passes unset inputs as ""),
 * and every bad value is reported together rather than one per run.
 */
export function parseActionInputs(
  getInput: (name: string) => string,
  env: Env,
  readEvent: (path: string) => unknown = readEventPayload,
): Result<ActionConfig, UsageError> {
  const input = (name: string): string | undefined => {
    const value = getInput(name).trim()
    return value === '' ? undefined : value
  }
  const errors: string[] = []
  const take = <T>(r: Result<T, string>, fallback: T): T => {
    if (r.ok) return r.value
    errors.push(r.error)
    return fallback
  }

  const requested = take(parseEnum(Inputs.Command, input(Inputs.Command) ?? Defaults.command, ACTION_COMMANDS), 'validate')
  const comment = take(parseBoolean(Inputs.Comment, input(Inputs.Comment), Defaults.comment), Defaults.comment)
  const failOnDrift = take(parseBoolean(Inputs.FailOnDrift, input(Inputs.FailOnDrift), Defaults.failOnDrift), false)
  const expiryWarningDays = take(
    parseDays(Inputs.ExpiryWarningDays, input(Inputs.ExpiryWarningDays), Defaults.expiryWarningDays),
    Defaults.expiryWarningDays,
  )
  const maxRate = take(parseRate(Inputs.MaxRate, input(Inputs.MaxRate)), undefined)
  const clusterTimeoutSeconds = take(
    parseSeconds(Inputs.ClusterTimeout, input(Inputs.ClusterTimeout), Defaults.clusterTimeoutSeconds),
    Defaults.clusterTimeoutSeconds,
  )
  const clusters = input(Inputs.Clusters)
  // The filter is written into the comment's hidden marker (the shard): nothing that could end it.
  if (clusters !== undefined && /[\u0000-\u001f\u007f<>]/.test(clusters))
    errors.push(`${Inputs.Clusters} must be cluster names or globs without "<", ">" or control characters, got ${JSON.stringify(clusters)}`)
  if (errors.length > 0) return err({ message: `invalid input: ${errors.join('; ')}` })

  const rules = input(Inputs.Rules) ?? Defaults.rules
  const eventName = env['GITHUB_EVENT_NAME'] || undefined
  const resolved = requested === 'auto' ? resolveAutoCommand(env, readEvent) : { command: requested, reason: `command: ${requested}` }
  const onPullRequest = eventName === 'pull_request' || eventName === 'pull_request_target'
  // command: apply on a pull request is refused by the apply command itself (src/commands/apply.ts),
  // before any AWS call, in the CLI as in the action.
  // Only the plan uses the pull request (its comment); validate on a pull request needs nothing of it.
  const pr =
    onPullRequest && resolved.command === 'plan'
      ? pullRequestOf(env['GITHUB_EVENT_PATH'] ? readEvent(env['GITHUB_EVENT_PATH']) : undefined)
      : undefined
  if (pr !== undefined && !pr.ok) return err({ message: pr.error })
  const pullRequest = pr?.value
  const liveUnavailable = pullRequest === undefined ? undefined : liveUnavailableReason(eventName, pullRequest, env)
  const config: ActionConfig = {
    requested,
    command: resolved.command,
    reason: resolved.reason,
    ...optional('eventName', eventName),
    manifest: input(Inputs.Manifest) ?? Defaults.manifest,
    rules,
    rulesIsDefault: rules === Defaults.rules,
    ...optional('pullRequestBaseSha', pullRequestBaseSha(eventName, env, readEvent)),
    ...optional('githubToken', input(Inputs.GithubToken)),
    comment,
    ...optional('clusters', clusters),
    audience: input(Inputs.Audience) ?? Defaults.audience,
    ...optional('state', input(Inputs.State)),
    expiryWarningDays,
    failOnDrift,
    ...optional('maxRate', maxRate),
    clusterTimeoutSeconds,
    ...optional('pullRequest', pullRequest === undefined ? undefined : Object.freeze(pullRequest)),
    ...optional('liveUnavailable', liveUnavailable),
  }
  return ok(Object.freeze(config))
}

const COMMIT = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/

/** The pull request of a pull_request(_target) payload; an error when the payload lacks it. */
export function pullRequestOf(payload: unknown): Result<PullRequestContext, string> {
  const o = (v: unknown): Record<string, unknown> | undefined =>
    typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined
  const event = o(payload)
  const pr = o(event?.['pull_request'])
  const number = pr?.['number'] ?? event?.['number']
  const headSha = o(pr?.['head'])?.['sha']
  const headRepo = o(o(pr?.['head'])?.['repo'])?.['full_name']
  const baseRepo = o(o(pr?.['base'])?.['repo'])?.['full_name'] ?? o(event?.['repository'])?.['full_name']
  if (typeof number !== 'number' || !Number.isInteger(number) || number <= 0 || typeof headSha !== 'string' || !COMMIT.test(headSha))
    return err('the pull request event payload (GITHUB_EVENT_PATH) has no pull_request.number and pull_request.head.sha')
  if (typeof baseRepo !== 'string') return err('the pull request event payload (GITHUB_EVENT_PATH) has no base repository')
  return ok({ number, headSha, headRepo: typeof headRepo === 'string' ? headRepo : undefined, baseRepo })
}

/**
 * Why this pull-request run cannot read the clusters, in words for the summary; undefined when it
 * can. On `pull_request` from a fork GitHub gives a read-only token and no OIDC token; without
 * `id-token: write` there is no OIDC token either. (pull_request_target runs with the base
 * repository's token and OIDC even for forks.)
 */
export function liveUnavailableReason(eventName: string | undefined, pr: PullRequestContext, env: Env): string | undefined {
  if (eventName === 'pull_request' && pr.headRepo !== pr.baseRepo) {
    const from = pr.headRepo === undefined ? 'a fork that no longer exists' : `the fork ${pr.headRepo}`
    return `this pull request comes from ${from}: GitHub gives such runs a read-only token and no OIDC token, so no cluster can be read and nothing is posted to the pull request`
  }
  if (!env['ACTIONS_ID_TOKEN_REQUEST_URL'] || !env['ACTIONS_ID_TOKEN_REQUEST_TOKEN'])
    return 'the job has no GitHub OIDC token (add `permissions: id-token: write` to the workflow), so no plan role can be assumed; nothing is posted to the pull request'
  return undefined
}

/** Events whose organisation rules are read at `pull_request.base.sha` (a PR cannot relax its own gate). */
export const PULL_REQUEST_EVENTS: readonly string[] = ['pull_request', 'pull_request_target']

function pullRequestBaseSha(eventName: string | undefined, env: Env, readEvent: (path: string) => unknown): string | undefined {
  const path = env['GITHUB_EVENT_PATH']
  if (eventName === undefined || !PULL_REQUEST_EVENTS.includes(eventName) || !path) return undefined
  const payload = readEvent(path)
  const pr = typeof payload === 'object' && payload !== null ? (payload as { pull_request?: unknown }).pull_request : undefined
  const base = typeof pr === 'object' && pr !== null ? (pr as { base?: unknown }).base : undefined
  const sha = typeof base === 'object' && base !== null ? (base as { sha?: unknown }).sha : undefined
  return typeof sha === 'string' && sha !== '' ? sha : undefined
}

/**
 * `auto`: plan on pull requests, apply on a push to the default branch, validate otherwise.
 * When the default branch cannot be determined we validate: never apply by guesswork.
 */
export function resolveAutoCommand(env: Env, readEvent: (path: string) => unknown): { command: ActionCommand; reason: string } {
  const event = env['GITHUB_EVENT_NAME'] ?? ''
  if (event === 'pull_request' || event === 'pull_request_target') return { command: 'plan', reason: `auto: ${event} event → plan` }
  if (event !== 'push') return { command: 'validate', reason: `auto: ${event || 'unknown'} event → validate` }
  const ref = env['GITHUB_REF'] ?? ''
  const path = env['GITHUB_EVENT_PATH']
  const defaultBranch = path ? defaultBranchOf(readEvent(path)) : undefined
  if (defaultBranch === undefined) {
    return { command: 'validate', reason: 'auto: push event, but the default branch is unknown (no readable event payload) → validate' }
  }
  if (ref === `refs/heads/${defaultBranch}`)
    return { command: 'apply', reason: `auto: push to the default branch ${defaultBranch} → apply` }
  return { command: 'validate', reason: `auto: push to ${ref || 'an unknown ref'}, not the default branch ${defaultBranch} → validate` }
}

function defaultBranchOf(payload: unknown): string | undefined {
  if (typeof payload !== 'object' || payload === null) return undefined
  const repository = (payload as { repository?: unknown }).repository
  if (typeof repository !== 'object' || repository === null) return undefined
  const branch = (repository as { default_branch?: unknown }).default_branch
  return typeof branch === 'string' && branch !== '' ? branch : undefined
}
