/**
 * The runner adapter: inputs → ActionConfig → the core → annotations, job summary, outputs and,
 * in exactly one place, setFailed. Every runner call goes through `deps.core`, so tests inject a fake.
 */
import { statSync } from 'node:fs'
import { isAbsolute, relative, resolve, sep } from 'node:path'
import * as actionsCore from '@actions/core'
import type { AnnotationProperties } from '@actions/core'
import { parseActionInputs, readEventPayload, type ActionConfig, type Env } from './config.js'
import { DEBUG_ENV, Outputs, PRODUCT } from './constants.js'
import { errorMessage, errorStack } from './errors.js'
import { renderProblemsMarkdown, summarizeProblems } from './render/problems.js'
import type { Problem } from './types.js'
import { validateManifests, type ValidateOptions, type ValidateOutcome } from './validate.js'
import pkg from '../package.json' with { type: 'json' }

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
}

export interface Deps {
  readonly core: ActionCore
  readonly env: Env
  readonly cwd: string
  readonly now: () => Date
  readonly validate: (options: ValidateOptions) => Promise<ValidateOutcome>
  readonly readEvent: (path: string) => unknown
  readonly isFile: (path: string) => boolean
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

/** What a step reports back: undefined on success, else the one failure message. */
type StepResult = string | undefined

/** The action's entry point: the one try/catch and the one setFailed. Never rejects. */
export async function run(deps: Deps = productionDeps()): Promise<void> {
  const failure = await attempt(deps)
  if (failure !== undefined) deps.core.setFailed(failure)
}

async function attempt(deps: Deps): Promise<StepResult> {
  try {
    const parsed = parseActionInputs((name) => deps.core.getInput(name), deps.env, deps.readEvent)
    if (!parsed.ok) return parsed.error.message
    const config = parsed.value
    deps.core.info(`${PRODUCT} ${pkg.version}: ${config.reason}`)
    switch (config.command) {
      case 'validate':
        return await runValidateStep(config, deps)
      case 'plan':
      case 'apply':
      case 'drift':
        return notImplementedMessage(config)
    }
  } catch (e) {
    const stack = errorStack(e)
    if (stack !== undefined) deps.core.debug(stack)
    if (deps.env[DEBUG_ENV] === '1' && stack !== undefined) deps.core.info(stack)
    return `internal error: ${errorMessage(e)}`
  }
}

export function notImplementedMessage(config: ActionConfig): string {
  const how = config.requested === 'auto' ? ` (command: auto chose ${config.command} for the ${config.eventName ?? 'unknown'} event)` : ''
  return `${config.command}${how} is not implemented yet in ${PRODUCT} ${pkg.version}; this version implements validate only: set \`command: validate\``
}

async function runValidateStep(config: ActionConfig, deps: Deps): Promise<StepResult> {
  const { core } = deps
  const rulesPath = resolve(deps.cwd, config.rules)
  if (!config.rulesIsDefault && !deps.isFile(rulesPath)) return `rules file not found or not a file: ${config.rules}`
  if (deps.isFile(rulesPath)) {
    core.warning(`organisation rules (${config.rules}) are not evaluated by this version; only the schema and EKS rules are checked`)
  }

  const outcome = await deps.validate({
    manifest: config.manifest,
    cwd: deps.cwd,
    now: deps.now(),
    expiryWarningDays: config.expiryWarningDays,
  })
  if (outcome.kind === 'usage') return outcome.message

  const workspace = deps.env['GITHUB_WORKSPACE'] || deps.cwd
  for (const problem of outcome.problems) annotateProblem(core, problem, deps.cwd, workspace)
  const fileCount = Math.max(outcome.manifest.files.length, outcome.sources.size)
  const summary = summarizeProblems(outcome.problems, fileCount)
  core.info(summary)
  await core.writeSummary(renderProblemsMarkdown(outcome.problems, { fileCount, title: `${PRODUCT} validate` }))
  // The logical cluster names, so a later job can fan out over them with a matrix.
  core.setOutput(Outputs.Clusters, JSON.stringify(outcome.manifest.clusters.map((c) => c.key)))
  return outcome.ok ? undefined : `manifest invalid: ${summary}`
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
