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
  if (errors.length > 0) return err({ message: `invalid input: ${errors.join('; ')}` })

  const rules = input(Inputs.Rules) ?? Defaults.rules
  const eventName = env['GITHUB_EVENT_NAME'] || undefined
  const resolved = requested === 'auto' ? resolveAutoCommand(env, readEvent) : { command: requested, reason: `command: ${requested}` }
  const config: ActionConfig = {
    requested,
    command: resolved.command,
    reason: resolved.reason,
    ...optional('eventName', eventName),
    manifest: input(Inputs.Manifest) ?? Defaults.manifest,
    rules,
    rulesIsDefault: rules === Defaults.rules,
    ...optional('githubToken', input(Inputs.GithubToken)),
    comment,
    ...optional('clusters', input(Inputs.Clusters)),
    audience: input(Inputs.Audience) ?? Defaults.audience,
    ...optional('state', input(Inputs.State)),
    expiryWarningDays,
    failOnDrift,
    ...optional('maxRate', maxRate),
    clusterTimeoutSeconds,
  }
  return ok(Object.freeze(config))
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
