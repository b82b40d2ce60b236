/**
 * The CLI adapter: argv → CliConfig → the same core as the action → stdout/stderr and an exit code
 * (0 ok, 1 content is wrong, 2 usage). Everything that touches the process comes in through CliIO.
 */
import { statSync } from 'node:fs'
import { resolve } from 'node:path'
import pkg from '../package.json' with { type: 'json' }
import { COMMON_FLAGS, COMMAND_SPECS, parseCliArgs, type CliConfig, type Env, type FlagSpec } from './config.js'
import { CLI_COMMANDS, DEBUG_ENV, Defaults, PRODUCT, type CliCommand } from './constants.js'
import { errorMessage, errorStack } from './errors.js'
import { renderProblemsJson, renderProblemsText } from './render/problems.js'
import { assumeRole, memoizeCredentials, toSessionName } from './aws/credentials.js'
import { createEksApi, createEksApiFactory } from './aws/eks-sdk.js'
import type { EksApiFactory } from './aws/port.js'
import { exportCommand } from './commands/export.js'
import { planAccess } from './commands/plan.js'
import { buildPlan } from './plan/plan.js'
import { renderPlan } from './plan/render/index.js'
import { validateManifests } from './validate.js'

export interface CliIO {
  readonly stdout: (text: string) => void
  readonly stderr: (text: string) => void
  readonly cwd: string
  readonly env: Env
  readonly now: () => Date
  /** stdout is a terminal: colours are allowed unless NO_COLOR is set. */
  readonly isTTY: boolean
}

export type CommandHandler = (config: CliConfig, io: CliIO) => Promise<number>

export const VERSION: string = pkg.version

export const EXIT = { ok: 0, failure: 1, usage: 2 } as const

export function processIO(): CliIO {
  return {
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
    cwd: process.cwd(),
    env: process.env,
    now: () => new Date(),
    isTTY: process.stdout.isTTY === true,
  }
}

/** Honest placeholder: a command that is parsed but not built yet says so, and prints nothing else. */
export const notImplemented: CommandHandler = async (config, io) => {
  io.stderr(`${PRODUCT}: ${config.command} is not implemented yet in this version (${VERSION}); available: validate, plan, export\n`)
  return EXIT.usage
}

/** One handler per command; the ones not built yet share `notImplemented`. */
export const commands: Readonly<Record<CliCommand, CommandHandler>> = {
  validate: runValidate,
  plan: runPlan,
  apply: notImplemented,
  export: runExport,
  'import-aws-auth': notImplemented,
  'iam-policy': notImplemented,
  drift: notImplemented,
}

/** Runs one invocation and returns its exit code. Never throws and never prints a stack trace unless debugging. */
export async function runCli(argv: string[], io: CliIO = processIO(), handlers: Readonly<Record<CliCommand, CommandHandler>> = commands): Promise<number> {
  try {
    const parsed = parseCliArgs(argv)
    if (!parsed.ok) {
      const help = parsed.error.command ? `${PRODUCT} ${parsed.error.command} --help` : `${PRODUCT} --help`
      if (argv.length === 0) io.stderr(renderGeneralHelp(handlers))
      io.stderr(`${PRODUCT}: ${parsed.error.message}\nRun '${help}' for usage.\n`)
      return EXIT.usage
    }
    const invocation = parsed.value
    switch (invocation.kind) {
      case 'version':
        io.stdout(`${VERSION}\n`)
        return EXIT.ok
      case 'help':
        io.stdout(invocation.command ? renderCommandHelp(invocation.command, handlers) : renderGeneralHelp(handlers))
        return EXIT.ok
      case 'run':
        return await handlers[invocation.config.command](invocation.config, io)
    }
  } catch (e) {
    io.stderr(`${PRODUCT}: internal error: ${errorMessage(e)}\n`)
    const stack = errorStack(e)
    if (io.env[DEBUG_ENV] === '1' && stack !== undefined) io.stderr(`${stack}\n`)
    return EXIT.failure
  }
}

// ───────────────────────────── validate ─────────────────────────────

/**
 * Organisation rules arrive in a later version; saying so beats a silent "valid". The default
 * file counts too: a repository that has one must not read "valid" as "passed its rules".
 * False (after a message) when an explicit rules file is missing: exit 2.
 */
function noteUnevaluatedRules(config: CliConfig, io: CliIO): boolean {
  if (config.rules !== undefined && !isReadableFile(resolve(io.cwd, config.rules))) {
    io.stderr(`${PRODUCT}: rules file not found or not a file: ${config.rules}\n`)
    return false
  }
  const rules = config.rules ?? (isReadableFile(resolve(io.cwd, Defaults.rules)) ? Defaults.rules : undefined)
  if (rules !== undefined) {
    io.stderr(`${PRODUCT}: note: organisation rules (${rules}) are not evaluated by this version; only the schema and EKS rules are checked\n`)
  }
  return true
}

async function runValidate(config: CliConfig, io: CliIO): Promise<number> {
  if (!noteUnevaluatedRules(config, io)) return EXIT.usage
  const outcome = await validateManifests({
    manifest: config.manifest,
    cwd: io.cwd,
    now: io.now(),
    expiryWarningDays: config.expiryWarningDays,
  })
  if (outcome.kind === 'usage') {
    io.stderr(`${PRODUCT}: ${outcome.message}\n`)
    return EXIT.usage
  }
  if (config.format === 'json') {
    io.stdout(renderProblemsJson(outcome.ok, outcome.problems))
  } else {
    const fileCount = Math.max(outcome.manifest.files.length, outcome.sources.size)
    io.stdout(renderProblemsText(outcome.problems, outcome.sources, { fileCount, color: useColor(io), cwd: io.cwd }))
  }
  return outcome.ok ? EXIT.ok : EXIT.failure
}

// ───────────────────────────── plan ─────────────────────────────

async function runPlan(config: CliConfig, io: CliIO): Promise<number> {
  if (!noteUnevaluatedRules(config, io)) return EXIT.usage
  const now = io.now()
  const outcome = await planAccess(
    {
      manifest: config.manifest,
      cwd: io.cwd,
      now,
      expiryWarningDays: config.expiryWarningDays,
      ...(config.state === undefined ? {} : { state: config.state }),
      ...(config.cluster === undefined ? {} : { clusterGlob: config.cluster }),
      ...(io.env['GITHUB_SHA'] ? { manifestCommit: io.env['GITHUB_SHA'] } : {}),
    },
    config.state === undefined
      ? { apiFor: cliEksFactory(config, 'plan'), ...(config.maxRate === undefined ? {} : { ratePerSecond: config.maxRate }) }
      : {},
  )
  switch (outcome.kind) {
    case 'usage':
      io.stderr(`${PRODUCT}: ${outcome.message}\n`)
      return EXIT.usage
    case 'invalid':
      // Nothing was read from AWS: an invalid manifest is reported like `validate` does, and the
      // JSON form stays a plan (no clusters) so scripts can read `problems` from one shape.
      if (config.format === 'json') {
        io.stdout(renderPlan(buildPlan({ manifest: outcome.manifest, observed: new Map(), now, problems: outcome.problems, clusters: [] }), 'json'))
      } else {
        io.stderr(renderProblemsText(outcome.problems, outcome.sources, { fileCount: outcome.sources.size, color: useColor(io), cwd: io.cwd }))
      }
      return EXIT.failure
    case 'planned': {
      const format = config.format === 'markdown' || config.format === 'json' ? config.format : 'text'
      io.stdout(renderPlan(outcome.plan, format, { color: format === 'text' && useColor(io) }))
      return outcome.plan.clusters.some((c) => c.errors.length > 0) ? EXIT.failure : EXIT.ok
    }
  }
}

/**
 * The CLI reaches AWS with the SDK's default credential chain and endpoint settings
 * (AWS_ENDPOINT_URL_EKS, …). With --assume-roles it first assumes each cluster's role from those
 * credentials (planRoleArn for plan and export, roleArn for apply), once per role.
 */
function cliEksFactory(config: CliConfig, purpose: 'plan' | 'apply'): EksApiFactory {
  if (!config.assumeRoles) return createEksApiFactory()
  const providers = new Map<string, ReturnType<typeof memoizeCredentials>>()
  return createEksApiFactory({
    credentialsFor: (target) => {
      if (target.roleArn === undefined) return undefined
      const key = `${target.roleArn}|${target.region}`
      let provider = providers.get(key)
      if (!provider) {
        const roleArn = target.roleArn
        provider = memoizeCredentials(() => assumeRole(roleArn, { region: target.region, sessionName: toSessionName(`${PRODUCT}-${purpose}`) }))
        providers.set(key, provider)
      }
      return provider
    },
  })
}

// ───────────────────────────── export ─────────────────────────────

async function runExport(config: CliConfig, io: CliIO): Promise<number> {
  if (config.cluster === undefined) {
    io.stderr(`${PRODUCT}: export needs --cluster NAME (the EKS cluster name)\n`)
    return EXIT.usage
  }
  return exportCommand(
    {
      cluster: config.cluster,
      format: config.format === 'state' ? 'state' : 'yaml',
      cwd: io.cwd,
      env: io.env,
      ...(config.region === undefined ? {} : { region: config.region }),
      ...(config.output === undefined ? {} : { output: config.output }),
    },
    { apiFor: (t) => createEksApi({ region: t.region }), stdout: io.stdout, stderr: io.stderr },
  )
}

function isReadableFile(path: string): boolean {
  try {
    return statSync(path).isFile()
  } catch {
    return false
  }
}

/** https://no-color.org: any non-empty NO_COLOR turns colours off. */
export function useColor(io: Pick<CliIO, 'isTTY' | 'env'>): boolean {
  return io.isTTY && !io.env['NO_COLOR']
}

// ───────────────────────────── help ─────────────────────────────

const EXIT_CODES =
  'Exit codes:\n' +
  '  0  ok (warnings alone do not fail)\n' +
  '  1  a file was read and its content is wrong (syntax, schema, EKS or organisation rule), or an apply failed\n' +
  '  2  an option is invalid, or a manifest or rules file cannot be found or read\n'

function flagLines(flags: readonly FlagSpec[]): string {
  const label = (f: FlagSpec): string => (f.value ? `${f.name} ${f.value}` : f.name)
  const width = Math.max(...flags.map((f) => label(f).length)) + 2
  return flags.map((f) => `  ${label(f).padEnd(width)}${f.description}\n`).join('')
}

export function renderGeneralHelp(handlers: Readonly<Record<CliCommand, CommandHandler>> = commands): string {
  const width = Math.max(...CLI_COMMANDS.map((c) => c.length)) + 2
  const lines = CLI_COMMANDS.map((c) => {
    const pending = handlers[c] === notImplemented ? ' (not implemented yet in this version)' : ''
    return `  ${c.padEnd(width)}${COMMAND_SPECS[c].summary}${pending}\n`
  })
  return (
    `${PRODUCT} ${VERSION}: put Amazon EKS access entries under code review\n\n` +
    `Usage: ${PRODUCT} <command> [options]\n\nCommands:\n${lines.join('')}\n` +
    `Options:\n${flagLines([
      { name: '--help, -h', description: `show help; \`${PRODUCT} <command> --help\` shows a command's options` },
      { name: '--version, -V', description: 'print the version' },
    ])}\n` +
    EXIT_CODES
  )
}

export function renderCommandHelp(command: CliCommand, handlers: Readonly<Record<CliCommand, CommandHandler>> = commands): string {
  const spec = COMMAND_SPECS[command]
  const pending = handlers[command] === notImplemented ? `\nNot implemented yet in this version (${VERSION}): the options are accepted and checked, nothing runs.\n` : ''
  const format: FlagSpec = {
    name: '--format',
    value: spec.formats.join('|'),
    description: `output format (default: ${spec.formats[0] ?? 'text'})`,
  }
  const positional: FlagSpec[] = spec.positional ? [{ name: `[${spec.positional}|-]`, description: 'input file, or - for stdin (default)' }] : []
  const flags = [...positional, ...spec.flags, format, ...COMMON_FLAGS.slice(1).map((f) => (f.name === '--help' ? { ...f, name: '--help, -h' } : { ...f, name: '--version, -V' }))]
  return `Usage: ${PRODUCT} ${spec.synopsis}\n\n${spec.summary}\n${pending}\nOptions:\n${flagLines(flags)}\n${EXIT_CODES}`
}
