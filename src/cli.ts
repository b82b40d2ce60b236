/**
 * The terminal adapter: argv → a typed request → `commands[command](request, deps)` → stdout/stderr
 * → an exit code (0 ok, 1 content is wrong or work failed, 2 usage). It knows no command's insides;
 * everything that touches the process comes in through CliIO.
 */
import { statSync } from 'node:fs'
import { createInterface } from 'node:readline/promises'
import { resolve } from 'node:path'
import pkg from '../package.json' with { type: 'json' }
import { createCredentialsFor } from './aws/credentials.js'
import { createAwsEdge } from './aws/edge.js'
import { commands as defaultCommands, runCommand, type CommandDeps, type Commands } from './commands/index.js'
import { StdinIsTerminal } from './commands/deps.js'
import { cliRequest, COMMON_FLAGS, COMMAND_SPECS, parseCliArgs, type Env, type FlagSpec } from './config/index.js'
import { CLI_COMMANDS, DEBUG_ENV, Defaults, PRODUCT, type CliCommand } from './constants.js'
import { errorMessage, errorStack } from './errors.js'
import { createCliLogger } from './logger.js'
import { validateManifests } from './manifest/validate.js'
import { EXIT, exitCodeOf, type Outcome } from './outcome.js'

export { EXIT }

export interface CliIO {
  readonly stdout: (text: string) => void
  readonly stderr: (text: string) => void
  readonly cwd: string
  readonly env: Env
  readonly now: () => Date
  /** stdout is a terminal: colours are allowed unless NO_COLOR is set. */
  readonly isTTY: boolean
  /** Writes a file the outcome carries (export --output writes its own; plan-file is the action's). */
  readonly writeFile?: (path: string, text: string) => Promise<void>
  /** Standard input, at most `maxBytes` of it (import-aws-auth reads `-`). */
  readonly readStdin?: (maxBytes: number) => Promise<Uint8Array>
  /**
   * Asks a question on the terminal and returns the answer; absent when stdin or stdout is not a
   * terminal (then `apply` without `--yes` refuses).
   */
  readonly prompt?: (question: string) => Promise<string>
}

export const VERSION: string = pkg.version

export function processIO(): CliIO {
  return {
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
    cwd: process.cwd(),
    env: process.env,
    now: () => new Date(),
    isTTY: process.stdout.isTTY === true,
    readStdin: (maxBytes) => readProcessStdin(maxBytes),
    ...(process.stdin.isTTY === true && process.stdout.isTTY === true ? { prompt: askOnTerminal } : {}),
  }
}

/** One question on the terminal (stderr, so stdout stays the product); resolves with the line typed. */
async function askOnTerminal(question: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stderr })
  try {
    return await rl.question(question)
  } finally {
    rl.close()
  }
}

/** Reads process.stdin up to `maxBytes` (one more byte tells the caller it was too large). */
async function readProcessStdin(maxBytes: number): Promise<Uint8Array> {
  if (process.stdin.isTTY === true) throw new StdinIsTerminal()
  const chunks: Buffer[] = []
  let total = 0
  for await (const chunk of process.stdin as AsyncIterable<Buffer>) {
    chunks.push(chunk)
    total += chunk.byteLength
    if (total > maxBytes) break // stop reading: a 2 GB pipe must not be pulled into memory
  }
  return Buffer.concat(chunks, total).subarray(0, maxBytes + 1)
}

/** The command registry the CLI dispatches through (tests swap entries). */
export const commands: Commands = defaultCommands

function isReadableFile(path: string): boolean {
  try {
    return statSync(path).isFile()
  } catch {
    return false
  }
}

/** The one composition place of the terminal adapter: real disk, real AWS, ambient or assumed roles. */
export function terminalDeps(io: CliIO): CommandDeps {
  const assumed = {
    plan: createCredentialsFor({ kind: 'assume-role' }, { purpose: 'plan', env: io.env }),
    apply: createCredentialsFor({ kind: 'assume-role' }, { purpose: 'apply', env: io.env }),
  }
  const edge = createAwsEdge(assumed)
  return {
    cwd: io.cwd,
    env: io.env,
    now: io.now,
    logger: createCliLogger(io.stderr, io.env[DEBUG_ENV] === '1'),
    isFile: isReadableFile,
    validate: validateManifests,
    eks: (options) => edge.eks(options),
    iam: (options) => edge.iam(options),
    eksForCluster: (target, options) => edge.eksForCluster(target, options),
    ...(io.readStdin === undefined ? {} : { readStdin: io.readStdin }),
    ...(io.prompt === undefined ? {} : { confirm: confirmWith(io.prompt) }),
  }
}

/** apply's confirmation: only the answer "yes" (as Terraform asks) applies. */
export function confirmWith(prompt: (question: string) => Promise<string>): (question: string) => Promise<boolean> {
  return async (question) => (await prompt(question)).trim().toLowerCase() === 'yes'
}

/** Runs one invocation and returns its exit code. Never throws and never prints a stack trace unless debugging. */
export async function runCli(
  argv: string[],
  io: CliIO = processIO(),
  registry: Commands = commands,
  deps: CommandDeps = terminalDeps(io),
): Promise<number> {
  try {
    const parsed = parseCliArgs(argv)
    if (!parsed.ok) {
      const help = parsed.error.command ? `${PRODUCT} ${parsed.error.command} --help` : `${PRODUCT} --help`
      if (argv.length === 0) io.stderr(renderGeneralHelp())
      io.stderr(`${PRODUCT}: ${parsed.error.message}\nRun '${help}' for usage.\n`)
      return EXIT.usage
    }
    const invocation = parsed.value
    switch (invocation.kind) {
      case 'version':
        io.stdout(`${VERSION}\n`)
        return EXIT.ok
      case 'help':
        io.stdout(invocation.command ? renderCommandHelp(invocation.command) : renderGeneralHelp())
        return EXIT.ok
      case 'run': {
        const request = cliRequest(invocation.config, {
          color: useColor(io),
          defaultRulesExists: isReadableFile(resolve(io.cwd, Defaults.rules)),
          manifestCommit: io.env['GITHUB_SHA'],
          eventName: io.env['GITHUB_EVENT_NAME'],
        })
        const outcome = await runCommand(registry, request, deps)
        await publish(outcome, io)
        return exitCodeOf(outcome)
      }
    }
  } catch (e) {
    io.stderr(`${PRODUCT}: internal error: ${errorMessage(e)}\n`)
    const stack = errorStack(e)
    if (io.env[DEBUG_ENV] === '1' && stack !== undefined) io.stderr(`${stack}\n`)
    return EXIT.failure
  }
}

/**
 * An outcome on the terminal: notes, then the products, then (for usage and failed) the message.
 * An invalid outcome already says what is wrong in its products, so no extra line.
 */
export async function publish(outcome: Outcome, io: Pick<CliIO, 'stdout' | 'stderr' | 'writeFile'>): Promise<void> {
  for (const note of outcome.notes) io.stderr(`${PRODUCT}: ${note.level === 'warning' ? 'warning' : 'note'}: ${note.message}\n`)
  if (outcome.stdout !== undefined) io.stdout(outcome.stdout)
  if (outcome.stderr !== undefined) io.stderr(outcome.stderr)
  if (io.writeFile) for (const file of outcome.files) await io.writeFile(file.path, file.text)
  if ((outcome.status === 'usage' || outcome.status === 'failed') && outcome.message !== undefined)
    io.stderr(`${PRODUCT}: ${outcome.message}\n`)
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

export function renderGeneralHelp(): string {
  const width = Math.max(...CLI_COMMANDS.map((c) => c.length)) + 2
  const lines = CLI_COMMANDS.map((c) => `  ${c.padEnd(width)}${COMMAND_SPECS[c].summary}\n`)
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

export function renderCommandHelp(command: CliCommand): string {
  const spec = COMMAND_SPECS[command]
  const format: FlagSpec = {
    name: '--format',
    value: spec.formats.join('|'),
    description: `output format (default: ${spec.formats[0] ?? 'text'})`,
  }
  const positional: FlagSpec[] = spec.positional
    ? [{ name: `[${spec.positional}|-]`, description: 'input file, or - for stdin (default)' }]
    : []
  const flags = [
    ...positional,
    ...spec.flags,
    format,
    ...COMMON_FLAGS.slice(1).map((f) => (f.name === '--help' ? { ...f, name: '--help, -h' } : { ...f, name: '--version, -V' })),
  ]
  return `Usage: ${PRODUCT} ${spec.synopsis}\n\n${spec.summary}\n\nOptions:\n${flagLines(flags)}\n${EXIT_CODES}`
}
