/**
 * One typed request per command: what the command needs and nothing else. The adapters build
 * them (from argv in src/cli.ts, from inputs in src/main.ts) with the functions below; the commands
 * in src/commands/ take them. A new command adds its request type here and one case per builder.
 */
import { Defaults, type CliCommand } from '../constants.js'
import { PULL_REQUEST_EVENTS, type ActionConfig } from './action.js'
import type { CliConfig } from './cli.js'
import { optional } from './values.js'

/** The organisation rules file: `explicit` when the user named it (a missing one is then exit 2). */
export interface RulesRef {
  readonly path: string
  readonly explicit: boolean
  /**
   * A pull-request run (the action on `pull_request` / `pull_request_target`): the rules are read at
   * the base commit, never from the PR's checkout. `sha` is `pull_request.base.sha` (undefined when
   * the payload lacks it: the run then fails rather than use the PR's rules).
   */
  readonly atBase?: { readonly event: string; readonly sha: string | undefined }
}

export interface ValidateRequest {
  readonly command: 'validate'
  readonly manifest: string
  readonly rules: RulesRef
  readonly expiryWarningDays: number
  /** Format of the terminal product; the job summary is always Markdown. */
  readonly format: 'text' | 'json'
  readonly color: boolean
  /** Why this run validates (e.g. `command: auto` on a pull request): a note for the log and summary. */
  readonly notice?: string
}

/** The AWS edge's knobs for the commands that read or write live clusters. */
export interface AwsRequest {
  /** Assume each cluster's planRoleArn / roleArn (CLI `--assume-roles`, the action's OIDC). */
  readonly assumeRoles: boolean
  /** At most this many EKS requests per second per account and region; undefined = adaptive only. */
  readonly maxRate?: number
  /** Seconds one cluster may take before it is reported as timed out. */
  readonly clusterTimeoutSeconds: number
}

export interface PlanRequest extends AwsRequest {
  readonly command: 'plan'
  readonly manifest: string
  readonly rules: RulesRef
  readonly expiryWarningDays: number
  readonly format: 'text' | 'markdown' | 'json'
  readonly color: boolean
  /** A state snapshot file: plan offline, with no AWS access at all. */
  readonly state?: string
  /** Glob over logical cluster names. */
  readonly clusterGlob?: string
  readonly manifestCommit?: string
  /** Where to write the plan as JSON (the action's `plan-file` output). */
  readonly planFile?: string
  /** How the user names the cluster filter in messages (default `--cluster`; the action: `clusters input`). */
  readonly clusterFilterName?: string
  /** The pull request this plan is for (the action on pull_request): the sticky comment's data. */
  readonly pullRequest?: PullRequestPlan
  /** Why this run plans differently than asked (e.g. offline on a fork): a note for the log and the summary. */
  readonly notice?: string
}

/** The pull request a plan is for: what its sticky comment carries and whether to post it. */
export interface PullRequestPlan {
  readonly number: number
  /** The PR's head commit: the comment's marker names it, so an older run never overwrites a newer one. */
  readonly head: string
  /** The `clusters` input, or "*": parallel matrix jobs keep separate comments. */
  readonly shard: string
  /** Post (or update) the sticky comment: false with `comment: false` or when the run may not write. */
  readonly comment: boolean
}

export interface ExportRequest extends Omit<AwsRequest, 'assumeRoles'> {
  readonly command: 'export'
  readonly cluster: string
  readonly region?: string
  readonly format: 'yaml' | 'state'
  readonly output?: string
}

export interface ApplyRequest extends AwsRequest {
  readonly command: 'apply'
  readonly manifest: string
  readonly rules: RulesRef
  readonly expiryWarningDays: number
  readonly clusterGlob?: string
  /** Apply without asking (always true in the action). */
  readonly yes: boolean
  /** The triggering event (GITHUB_EVENT_NAME): apply refuses on pull_request / pull_request_target. */
  readonly eventName?: string
  /** The commit being applied (GITHUB_SHA): the idempotency seed and the key to the merged pull request. */
  readonly commitSha?: string
  /** Look up the reviewed plan through the commit's merged pull request (the action on push). */
  readonly findReviewedPlan: boolean
  /** Where to write the fresh plan as JSON (the action's `plan-file` output). */
  readonly planFile?: string
  readonly color: boolean
}

export interface DriftRequest extends AwsRequest {
  readonly command: 'drift'
  readonly manifest: string
  readonly rules: RulesRef
  readonly clusterGlob?: string
  readonly state?: string
  /** Exit 1 (the action: fail the job) when drift exists. */
  readonly failOnDrift: boolean
  readonly expiryWarningDays: number
  /** Format of the terminal product; the job summary and the drift issue are always Markdown. */
  readonly format: 'text' | 'markdown' | 'json'
  readonly color: boolean
}

export interface ImportAwsAuthRequest {
  readonly command: 'import-aws-auth'
  /** The ConfigMap file, or `-` for stdin. */
  readonly input: string
  readonly cluster: string
  readonly format: 'yaml' | 'json'
  /** `--residual FILE`: where to write the aws-auth ConfigMap that should remain. */
  readonly residual?: string
  /** Written into the cluster block, so the output validates on its own with both. */
  readonly region?: string
  readonly accountId?: string
}

export interface IamPolicyRequest {
  readonly command: 'iam-policy'
  readonly repo: string
  readonly manifest: string
  readonly branch: string
  /** The OIDC audience the trust policies require (`sts.amazonaws.com` by default). */
  readonly audience: string
  readonly format: 'json' | 'cloudformation' | 'terraform'
  /** Organisation rules: their guardrail kinds become Deny statements on the apply role. */
  readonly rules: RulesRef
}

export interface RequestOf {
  readonly validate: ValidateRequest
  readonly plan: PlanRequest
  readonly apply: ApplyRequest
  readonly export: ExportRequest
  readonly 'import-aws-auth': ImportAwsAuthRequest
  readonly 'iam-policy': IamPolicyRequest
  readonly drift: DriftRequest
}

export type CommandRequest = RequestOf[CliCommand]

type TerminalFormat<T extends string> = T

function pick<T extends string>(format: string, allowed: readonly T[]): TerminalFormat<T> {
  return (allowed as readonly string[]).includes(format) ? (format as T) : (allowed[0] as T)
}

function aws(c: { assumeRoles: boolean; maxRate?: number; clusterTimeoutSeconds: number }): AwsRequest {
  return { assumeRoles: c.assumeRoles, ...optional('maxRate', c.maxRate), clusterTimeoutSeconds: c.clusterTimeoutSeconds }
}

/** From parsed argv. `color` comes from the terminal (TTY and NO_COLOR); `env` for GITHUB_SHA. */
export function cliRequest(
  c: CliConfig,
  terminal: {
    readonly color: boolean
    readonly defaultRulesExists: boolean
    readonly manifestCommit?: string | undefined
    /** GITHUB_EVENT_NAME when the CLI runs inside a workflow: apply refuses on pull requests there too. */
    readonly eventName?: string | undefined
  },
): CommandRequest {
  const rules: RulesRef = c.rules !== undefined ? { path: c.rules, explicit: true } : { path: Defaults.rules, explicit: false }
  const request = ((): CommandRequest => {
    switch (c.command) {
      case 'validate':
        return {
          command: 'validate',
          manifest: c.manifest,
          rules,
          expiryWarningDays: c.expiryWarningDays,
          format: pick(c.format, ['text', 'json']),
          color: terminal.color,
        }
      case 'plan':
        return {
          command: 'plan',
          manifest: c.manifest,
          rules,
          expiryWarningDays: c.expiryWarningDays,
          format: pick(c.format, ['text', 'markdown', 'json']),
          color: terminal.color,
          ...optional('state', c.state),
          ...optional('clusterGlob', c.cluster),
          ...optional('manifestCommit', terminal.manifestCommit || undefined),
          ...aws(c),
        }
      case 'export':
        return {
          command: 'export',
          cluster: c.cluster ?? '',
          ...optional('region', c.region),
          format: pick(c.format, ['yaml', 'state']),
          ...optional('output', c.output),
          ...optional('maxRate', c.maxRate),
          clusterTimeoutSeconds: c.clusterTimeoutSeconds,
        }
      case 'apply':
        return {
          command: 'apply',
          manifest: c.manifest,
          rules,
          expiryWarningDays: c.expiryWarningDays,
          ...optional('clusterGlob', c.cluster),
          yes: c.yes,
          ...optional('eventName', terminal.eventName || undefined),
          ...optional('commitSha', terminal.manifestCommit || undefined),
          findReviewedPlan: false,
          color: terminal.color,
          ...aws(c),
        }
      case 'drift':
        return {
          command: 'drift',
          manifest: c.manifest,
          rules,
          ...optional('clusterGlob', c.cluster),
          ...optional('state', c.state),
          failOnDrift: c.failOnDrift,
          expiryWarningDays: c.expiryWarningDays,
          format: pick(c.format, ['text', 'markdown', 'json']),
          color: terminal.color,
          ...aws(c),
        }
      case 'import-aws-auth':
        return {
          command: 'import-aws-auth',
          input: c.input ?? '-',
          cluster: c.cluster ?? '',
          format: pick(c.format, ['yaml', 'json']),
          ...optional('residual', c.residual),
          ...optional('region', c.region),
          ...optional('accountId', c.accountId),
        }
      case 'iam-policy':
        return {
          command: 'iam-policy',
          repo: c.repo ?? '',
          manifest: c.manifest,
          branch: c.branch ?? 'main',
          audience: c.audience ?? Defaults.audience,
          format: pick(c.format, ['json', 'cloudformation', 'terraform']),
          rules,
        }
    }
  })()
  return Object.freeze(request)
}

/** What the summary says when a pull request's live plan is skipped (a fork, no OIDC token). */
export function liveSkippedNotice(reason: string, state: string | undefined): string {
  return state === undefined
    ? `The live plan was skipped: ${reason}. This run validated the manifest only; to plan such pull requests offline, set the \`state\` input to a snapshot from \`eks-access-gate export --format state\`.`
    : `The live plan was skipped: ${reason}. This run planned offline against the state snapshot ${state}.`
}

/**
 * From the action's inputs. `planFile` is where the plan JSON goes (under RUNNER_TEMP). Every
 * cluster that names a role is read with it, assumed with the job's OIDC token; the others use
 * the job's ambient credentials. A pull request that cannot be read live (a fork, no OIDC token)
 * plans offline from `state` or validates, and posts nothing.
 */
export function actionRequest(
  c: ActionConfig,
  runner: { readonly planFile?: string; readonly manifestCommit?: string | undefined },
): CommandRequest {
  const rules: RulesRef = {
    path: c.rules,
    explicit: !c.rulesIsDefault,
    ...(c.eventName !== undefined && PULL_REQUEST_EVENTS.includes(c.eventName)
      ? { atBase: { event: c.eventName, sha: c.pullRequestBaseSha } }
      : {}),
  }
  const awsPart: AwsRequest = { assumeRoles: true, ...optional('maxRate', c.maxRate), clusterTimeoutSeconds: c.clusterTimeoutSeconds }
  const validate = (notice?: string): ValidateRequest =>
    Object.freeze({
      command: 'validate',
      manifest: c.manifest,
      rules,
      expiryWarningDays: c.expiryWarningDays,
      format: 'text',
      color: false,
      ...optional('notice', notice),
    })
  switch (c.command) {
    case 'validate':
      return validate()
    case 'plan': {
      const skipped = c.liveUnavailable === undefined ? undefined : liveSkippedNotice(c.liveUnavailable, c.state)
      if (skipped !== undefined && c.state === undefined) return validate(skipped)
      const pr = c.pullRequest
      return Object.freeze({
        command: 'plan',
        manifest: c.manifest,
        rules,
        expiryWarningDays: c.expiryWarningDays,
        // the log gets the text plan; the job summary is always Markdown
        format: 'text',
        color: false,
        ...optional('state', c.state),
        ...optional('clusterGlob', c.clusters),
        clusterFilterName: 'the clusters input',
        ...optional('manifestCommit', runner.manifestCommit || undefined),
        ...optional('planFile', runner.planFile),
        ...optional(
          'pullRequest',
          pr === undefined
            ? undefined
            : Object.freeze({ number: pr.number, head: pr.headSha, shard: c.clusters ?? '*', comment: c.comment && skipped === undefined }),
        ),
        ...optional('notice', skipped),
        ...awsPart,
      } satisfies PlanRequest)
    }
    case 'apply':
      // Apply assumes each cluster's roleArn with the workflow's OIDC token (ambient where none).
      return Object.freeze({
        command: 'apply',
        manifest: c.manifest,
        rules,
        expiryWarningDays: c.expiryWarningDays,
        ...optional('clusterGlob', c.clusters),
        yes: true,
        ...optional('eventName', c.eventName),
        ...optional('commitSha', runner.manifestCommit || undefined),
        // Only a push has a merged pull request; schedule and workflow_dispatch apply the fresh plan.
        findReviewedPlan: c.eventName === 'push',
        ...optional('planFile', runner.planFile),
        color: false,
        ...awsPart,
        assumeRoles: true,
      } satisfies ApplyRequest)
    case 'drift':
      return Object.freeze({
        command: 'drift',
        manifest: c.manifest,
        rules,
        ...optional('clusterGlob', c.clusters),
        ...optional('state', c.state),
        failOnDrift: c.failOnDrift,
        expiryWarningDays: c.expiryWarningDays,
        // the log gets the text report; the job summary and the drift issue are Markdown
        format: 'text',
        color: false,
        ...awsPart,
      } satisfies DriftRequest)
  }
}
