/**
 * The runner adapter: inputs → a typed request → `commands[command](request, deps)` → publish
 * (notes, annotations, job summary, outputs, files) → in exactly one place, setFailed. It knows no
 * command's insides. Every runner call goes through `deps.core`, so tests inject a fake.
 */
import { statSync } from 'node:fs'
import { mkdir, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path'
import * as actionsCore from '@actions/core'
import type { AnnotationProperties } from '@actions/core'
import { createCredentialsFor } from './aws/credentials.js'
import { createAwsEdge } from './aws/edge.js'
import { runnerBaseRules } from './github/base-rules.js'
import { commands as defaultCommands, runCommand, type CommandDeps, type Commands } from './commands/index.js'
import { actionRequest, parseActionInputs, readEventPayload, type Env } from './config/index.js'
import { DEBUG_ENV, Outputs, PRODUCT } from './constants.js'
import { errorMessage, errorStack } from './errors.js'
import { createGitHubPort, type OctokitPortOptions } from './github/octokit.js'
import type { GitHubPort } from './github/port.js'
import { performWrites } from './github/publish.js'
import { createRunnerLogger } from './logger.js'
import { validateManifests, type ValidateOptions, type ValidateOutcome } from './manifest/validate.js'
import { failureOf, type Outcome } from './outcome.js'
import type { Problem } from './types.js'
import pkg from '../package.json' with { type: 'json' }

export { errorMessage }

/** The slice of @actions/core the adapter uses (plus the summary as one buffered write). */
export interface ActionCore {
  getInput(name: string): string
  info(message: string): void
  debug(message: string): void
  warning(message: string, properties?: AnnotationProperties): void
  error(message: string, properties?: AnnotationProperties): void
  setFailed(message: string): void
  setOutput(name: string, value: string): void
  writeSummary(markdown: string): Promise<void>
  /** Masks a value in the log (core.setSecret). */
  setSecret?(secret: string): void
  /** A GitHub OIDC token for an audience (core.getIDToken). */
  getIDToken?(audience: string): Promise<string>
}

export interface Deps {
  readonly core: ActionCore
  readonly env: Env
  readonly cwd: string
  readonly now: () => Date
  readonly validate: (options: ValidateOptions) => Promise<ValidateOutcome>
  readonly readEvent: (path: string) => unknown
  readonly isFile: (path: string) => boolean
  /** The command registry (tests swap entries). */
  readonly commands?: Commands
  /** Writes the outcome's files (the plan-file); default: mkdir -p and fs.writeFile. */
  readonly writeFile?: (path: string, text: string) => Promise<void>
  /** The GitHub port for the `github-token` input and GITHUB_REPOSITORY; default: Octokit. */
  readonly gitHub?: (options: OctokitPortOptions) => GitHubPort
}

export function productionDeps(): Deps {
  return {
    core: {
      getInput: (name) => actionsCore.getInput(name),
      info: actionsCore.info,
      debug: actionsCore.debug,
      warning: actionsCore.warning,
      error: actionsCore.error,
      setFailed: actionsCore.setFailed,
      setOutput: actionsCore.setOutput,
      setSecret: actionsCore.setSecret,
      getIDToken: (audience) => actionsCore.getIDToken(audience),
      writeSummary: async (markdown) => {
        // Outside a runner (local runs) there is no summary file; that is not a failure.
        if (!process.env['GITHUB_STEP_SUMMARY']) return actionsCore.info('GITHUB_STEP_SUMMARY is not set: no job summary written')
        await actionsCore.summary.addRaw(markdown).write()
      },
    },
    env: process.env,
    cwd: process.cwd(),
    now: () => new Date(),
    validate: validateManifests,
    readEvent: readEventPayload,
    isFile: (path) => {
      try {
        return statSync(path).isFile()
      } catch {
        return false
      }
    },
  }
}

/**
 * The one composition place of the runner adapter: the commands' deps from the runner's. A
 * cluster that names a role is read with it, assumed with the job's OIDC token (web identity);
 * the others use the job's ambient credentials.
 */
export function runnerDeps(deps: Deps, audience: string, github?: GitHubPort): CommandDeps {
  const { core } = deps
  const getIdToken = core.getIDToken
  const onSecret = (secret: string): void => core.setSecret?.(secret)
  const strategy = getIdToken
    ? ({ kind: 'web-identity', getIdToken: (aud: string) => oidcToken(getIdToken, aud), audience } as const)
    : ({ kind: 'ambient' } as const)
  const roles = {
    plan: createCredentialsFor(strategy, { purpose: 'plan', env: deps.env, onSecret }),
    apply: createCredentialsFor(strategy, { purpose: 'apply', env: deps.env, onSecret }),
  }
  const edge = createAwsEdge(roles)
  return {
    cwd: deps.cwd,
    env: deps.env,
    now: deps.now,
    logger: createRunnerLogger(core),
    isFile: deps.isFile,
    validate: deps.validate,
    eks: (options) => edge.eks(options),
    iam: (options) => edge.iam(options),
    eksForCluster: (target, options) => edge.eksForCluster(target, options),
    ...(github === undefined ? {} : { github }),
    baseRules: runnerBaseRules({ workspace: deps.env['GITHUB_WORKSPACE'] || deps.cwd, github }),
  }
}

/** core.getIDToken with what to do when the job has none (its own message names only the variable). */
async function oidcToken(getIdToken: (audience: string) => Promise<string>, audience: string): Promise<string> {
  try {
    return await getIdToken(audience)
  } catch (e) {
    throw new Error(
      `Could not get a GitHub OIDC token for audience "${audience}" (${errorMessage(e)}): the workflow needs \`permissions: id-token: write\``,
      { cause: e },
    )
  }
}

/** The GitHub port when the run has a token and knows its repository; else undefined (nothing is posted). */
function gitHubPortFor(deps: Deps, token: string | undefined): GitHubPort | undefined {
  const repository = deps.env['GITHUB_REPOSITORY']
  if (token === undefined || !repository) return undefined
  return (deps.gitHub ?? createGitHubPort)({ token, repository })
}

/** The action's entry point: the one try/catch and the one setFailed. Never rejects. */
export async function run(deps: Deps = productionDeps()): Promise<void> {
  let failure: string | undefined
  try {
    failure = await attempt(deps)
  } catch (e) {
    const stack = errorStack(e)
    if (stack !== undefined) deps.core.debug(stack)
    if (deps.env[DEBUG_ENV] === '1' && stack !== undefined) deps.core.info(stack)
    failure = `internal error: ${errorMessage(e)}`
  }
  if (failure !== undefined) deps.core.setFailed(failure)
}

async function attempt(deps: Deps): Promise<string | undefined> {
  const parsed = parseActionInputs((name) => deps.core.getInput(name), deps.env, deps.readEvent)
  if (!parsed.ok) return parsed.error.message
  const config = parsed.value
  deps.core.info(`${PRODUCT} ${pkg.version}: ${config.reason}`)
  const request = actionRequest(config, {
    planFile: join(deps.env['RUNNER_TEMP'] || tmpdir(), `${PRODUCT}-plan.json`),
    manifestCommit: deps.env['GITHUB_SHA'],
  })
  if (request.command !== config.command) deps.core.info(`${PRODUCT}: running ${request.command}`)
  const github = gitHubPortFor(deps, config.githubToken)
  const outcome = await runCommand(deps.commands ?? defaultCommands, request, runnerDeps(deps, config.audience, github))
  const writeFailures = await publish(outcome, deps, github)
  const failure = failureOf(outcome)
  if (failure === undefined) return writeFailures.length > 0 ? writeFailures.join('; ') : undefined
  // The step fails for the outcome; a failed write must still be seen.
  for (const f of writeFailures) deps.core.error(f)
  return failure
}

/**
 * An outcome on the runner: notes, annotations, log, summary, outputs, files, then the GitHub
 * writes (and the `comment-url` output). Returns the writes that failed the step.
 */
export async function publish(
  outcome: Outcome,
  deps: Pick<Deps, 'core' | 'cwd' | 'env' | 'writeFile'>,
  github?: GitHubPort,
): Promise<string[]> {
  const { core } = deps
  for (const note of outcome.notes) (note.level === 'warning' ? core.warning : core.info)(note.message)
  const workspace = deps.env['GITHUB_WORKSPACE'] || deps.cwd
  for (const problem of outcome.problems) annotateProblem(core, problem, deps.cwd, workspace)
  if (outcome.stdout !== undefined) core.info(outcome.stdout.replace(/\n$/, ''))
  if (outcome.stderr !== undefined) core.info(outcome.stderr.replace(/\n$/, ''))
  if (outcome.summary !== undefined) await core.writeSummary(outcome.summary)
  for (const [name, value] of Object.entries(outcome.outputs)) if (value !== undefined) core.setOutput(name, value)
  const write = deps.writeFile ?? writeFileCreatingDirs
  for (const file of outcome.files) await write(resolve(deps.cwd, file.path), file.text)
  if (outcome.writes.length === 0) return []
  if (github === undefined) {
    core.warning('nothing was posted to GitHub: the `github-token` input is empty (or GITHUB_REPOSITORY is not set)')
    return []
  }
  const report = await performWrites(github, outcome.writes)
  for (const line of report.info) core.info(line)
  for (const warning of report.warnings) core.warning(warning)
  if (report.commentUrl !== undefined) core.setOutput(Outputs.CommentUrl, report.commentUrl)
  return [...report.failures]
}

async function writeFileCreatingDirs(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true })
  await writeFile(path, text, 'utf8')
}

/** One annotation per problem, at its file, line and column; the title is the problem's code. */
export function annotateProblem(core: Pick<ActionCore, 'error' | 'warning'>, problem: Problem, cwd: string, workspace: string): void {
  const properties: AnnotationProperties = {
    file: annotationPath(problem.file, cwd, workspace),
    startLine: problem.line,
    startColumn: problem.column,
    title: problem.code,
  }
  if (problem.severity === 'error') core.error(problem.message, properties)
  else core.warning(problem.message, properties)
}

/** GitHub resolves annotation paths against the repository root (GITHUB_WORKSPACE), not the step's cwd. */
export function annotationPath(file: string, cwd: string, workspace: string): string {
  const absolute = isAbsolute(file) ? file : resolve(cwd, file)
  const fromRoot = relative(resolve(workspace), absolute)
  const shown = fromRoot === '' || fromRoot.startsWith('..') ? file : fromRoot
  return shown.split(sep).join('/')
}
