/** The CLI's argv, parsed once into a frozen CliConfig, with per-command flag specs. */
import { CLI_COMMANDS, Defaults, PRODUCT, type CliCommand } from '../constants.js'
import { err, ok, type Result } from '../types.js'
import { didYouMean, optional, parseDays, parseEnum, parseRate, parseSeconds, quote, type UsageError } from './values.js'

// ───────────────────────────── CLI argv ─────────────────────────────

export type Format = 'text' | 'json' | 'markdown' | 'yaml' | 'state' | 'cloudformation' | 'terraform'

export interface CliConfig {
  readonly command: CliCommand
  readonly manifest: string
  /** Only when `--rules` was given. */
  readonly rules?: string
  /** Always set: the command's default when `--format` is absent. */
  readonly format: Format
  readonly state?: string
  readonly cluster?: string
  readonly yes: boolean
  readonly region?: string
  readonly output?: string
  readonly repo?: string
  /** `iam-policy` only; `main` by default. */
  readonly branch?: string
  readonly assumeRoles: boolean
  /** `--max-rate`: EKS requests per second per account and region (plan); undefined = adaptive only. */
  readonly maxRate?: number
  /** `--cluster-timeout`: seconds per cluster (plan, apply, export, drift; default 300). */
  readonly clusterTimeoutSeconds: number
  readonly expiryWarningDays: number
  readonly failOnDrift: boolean
  /** `import-aws-auth` only: the ConfigMap file, or `-` for stdin (the default). */
  readonly input?: string
  /** `import-aws-auth --residual FILE`: the aws-auth ConfigMap that should remain. */
  readonly residual?: string
  /** `import-aws-auth --account-id ID`: written into the cluster block. */
  readonly accountId?: string
  /** `iam-policy --audience`: the OIDC audience of the trust policies. */
  readonly audience?: string
}

export type CliInvocation =
  | { readonly kind: 'run'; readonly config: CliConfig }
  | { readonly kind: 'help'; readonly command?: CliCommand }
  | { readonly kind: 'version' }

export interface FlagSpec {
  readonly name: string
  /** Placeholder of the value; absent for switches. */
  readonly value?: string
  readonly description: string
}

/** Every flag the CLI knows; the per-command lists below pick from these. */
export const FLAGS = {
  manifest: {
    name: '--manifest',
    value: 'GLOB',
    description: `manifest file or glob; several files merge (default: ${Defaults.manifest})`,
  },
  rules: {
    name: '--rules',
    value: 'FILE',
    description: `organisation rules file (default: ${Defaults.rules}; a missing default file means no organisation rules)`,
  },
  state: { name: '--state', value: 'FILE', description: 'plan against a state snapshot (from `export --format state`) instead of AWS' },
  clusterGlob: { name: '--cluster', value: 'GLOB', description: 'only clusters whose logical name matches GLOB' },
  clusterName: { name: '--cluster', value: 'NAME', description: 'the EKS cluster name (required)' },
  yes: { name: '--yes', description: 'apply without asking for confirmation' },
  region: { name: '--region', value: 'REGION', description: "the cluster's AWS region (default: from the SDK configuration)" },
  output: { name: '--output', value: 'FILE', description: 'write to FILE instead of stdout' },
  repo: { name: '--repo', value: 'OWNER/REPO', description: 'the GitHub repository the workflows run in (required)' },
  branch: { name: '--branch', value: 'BRANCH', description: 'the branch that applies (default: main)' },
  assumeRoles: { name: '--assume-roles', description: "assume each cluster's planRoleArn / roleArn from the default credentials" },
  maxRate: {
    name: '--max-rate',
    value: 'N',
    description:
      "at most N EKS requests per second per account and region (default: no cap; the SDK's adaptive retry backs off on throttling)",
  },
  clusterTimeout: {
    name: '--cluster-timeout',
    value: 'SECONDS',
    description: `give up on a cluster that does not answer within SECONDS (default: ${Defaults.clusterTimeoutSeconds})`,
  },
  expiryWarningDays: {
    name: '--expiry-warning-days',
    value: 'N',
    description: `warn about access that expires within N days (default: ${Defaults.expiryWarningDays})`,
  },
  failOnDrift: { name: '--fail-on-drift', description: 'exit 1 when drift exists' },
  importCluster: {
    name: '--cluster',
    value: 'NAME',
    description: 'the logical cluster name the entries select (the key under clusters:; required)',
  },
  residual: {
    name: '--residual',
    value: 'FILE',
    description: 'also write the aws-auth ConfigMap that should remain (migrated mappings removed, no server-set metadata)',
  },
  importRegion: {
    name: '--region',
    value: 'REGION',
    description: 'written into the cluster block (with --account-id the output validates on its own)',
  },
  accountId: { name: '--account-id', value: 'ID', description: "the cluster's 12-digit AWS account, written into the cluster block" },
  audience: {
    name: '--audience',
    value: 'AUDIENCE',
    description: `the OIDC audience the trust policies require (default: ${Defaults.audience}; the action's \`audience\` input)`,
  },
  iamRules: {
    name: '--rules',
    value: 'FILE',
    description: `organisation rules whose guardrail kinds become Deny statements on the apply role (default: ${Defaults.rules} when it exists)`,
  },
} as const satisfies Record<string, FlagSpec>

export interface CommandSpec {
  readonly synopsis: string
  readonly summary: string
  readonly flags: readonly FlagSpec[]
  readonly formats: readonly Format[]
  /** Flags that must be given. */
  readonly required: readonly string[]
  /** Name of the optional positional argument, if the command takes one. */
  readonly positional?: string
}

export const COMMAND_SPECS: Readonly<Record<CliCommand, CommandSpec>> = {
  validate: {
    synopsis: 'validate [--manifest GLOB] [--rules FILE] [--format text|json] [--expiry-warning-days N]',
    summary: 'check manifests against the schema, the rules EKS enforces and the organisation rules; exit 1 on any error',
    flags: [FLAGS.manifest, FLAGS.rules, FLAGS.expiryWarningDays],
    formats: ['text', 'json'],
    required: [],
  },
  plan: {
    synopsis:
      'plan [--manifest GLOB] [--state FILE] [--cluster GLOB] [--format text|markdown|json] [--expiry-warning-days N] [--assume-roles] [--max-rate N] [--cluster-timeout SECONDS]',
    summary: 'diff the manifest against the live clusters, or against a state snapshot with no AWS at all',
    flags: [
      FLAGS.manifest,
      FLAGS.rules,
      FLAGS.state,
      FLAGS.clusterGlob,
      FLAGS.expiryWarningDays,
      FLAGS.assumeRoles,
      FLAGS.maxRate,
      FLAGS.clusterTimeout,
    ],
    formats: ['text', 'markdown', 'json'],
    required: [],
  },
  apply: {
    synopsis: 'apply [--manifest GLOB] [--cluster GLOB] [--yes] [--assume-roles] [--max-rate N] [--cluster-timeout SECONDS]',
    summary: 're-plan against live state, then apply the changes in a safe order',
    flags: [FLAGS.manifest, FLAGS.rules, FLAGS.clusterGlob, FLAGS.yes, FLAGS.assumeRoles, FLAGS.maxRate, FLAGS.clusterTimeout],
    formats: ['text'],
    required: [],
  },
  export: {
    synopsis: 'export --cluster NAME [--region R] [--output FILE] [--format yaml|state] [--max-rate N] [--cluster-timeout SECONDS]',
    summary: 'write the live access entries of an EKS cluster as manifest YAML or as a state snapshot',
    flags: [FLAGS.clusterName, FLAGS.region, FLAGS.output, FLAGS.maxRate, FLAGS.clusterTimeout],
    formats: ['yaml', 'state'],
    required: ['--cluster'],
  },
  'import-aws-auth': {
    synopsis: 'import-aws-auth [FILE|-] --cluster NAME [--residual FILE] [--format yaml|json] [--region R] [--account-id ID]',
    summary: 'convert an aws-auth ConfigMap (kubectl get cm aws-auth -n kube-system -o yaml) into manifest entries',
    flags: [FLAGS.importCluster, FLAGS.residual, FLAGS.importRegion, FLAGS.accountId],
    formats: ['yaml', 'json'],
    required: ['--cluster'],
    positional: 'FILE',
  },
  'iam-policy': {
    synopsis:
      'iam-policy --repo OWNER/REPO [--manifest GLOB] [--branch main] [--audience sts.amazonaws.com] [--rules FILE] [--format json|cloudformation|terraform]',
    summary: 'print least-privilege IAM and OIDC trust policies for the plan and apply roles',
    flags: [FLAGS.repo, FLAGS.manifest, FLAGS.branch, FLAGS.audience, FLAGS.iamRules],
    formats: ['json', 'cloudformation', 'terraform'],
    required: ['--repo'],
  },
  drift: {
    synopsis:
      'drift [--manifest GLOB] [--state FILE] [--cluster GLOB] [--format text|markdown|json] [--fail-on-drift] [--expiry-warning-days N] [--assume-roles]',
    summary: 'classify differences between the live clusters and the manifest: changed outside the repo, unknown access, pending',
    flags: [
      FLAGS.manifest,
      FLAGS.rules,
      FLAGS.state,
      FLAGS.clusterGlob,
      FLAGS.expiryWarningDays,
      FLAGS.assumeRoles,
      FLAGS.failOnDrift,
      FLAGS.maxRate,
      FLAGS.clusterTimeout,
    ],
    formats: ['text', 'markdown', 'json'],
    required: [],
  },
}

/** Flags every command accepts, in addition to its own. */
export const COMMON_FLAGS: readonly FlagSpec[] = [
  { name: '--format', value: 'FORMAT', description: 'output format' },
  { name: '--help', description: 'show this help' },
  { name: '--version', description: 'print the version' },
]

const HELP_FLAGS = new Set(['--help', '-h'])
const VERSION_FLAGS = new Set(['--version', '-V'])

/**
 * `eks-access-gate <command> [options]`. Options take their value as `--flag value` or
 * `--flag=value`; `--` ends the options. `--help` wins over every other problem on the line.
 */
export function parseCliArgs(argv: readonly string[]): Result<CliInvocation, UsageError> {
  const [first, ...rest] = argv
  if (first === undefined) return err({ message: 'no command given' })
  if (HELP_FLAGS.has(first) || first === 'help') return parseHelpTopic(rest[0])
  if (VERSION_FLAGS.has(first)) return ok({ kind: 'version' })
  if (first.startsWith('-')) return err({ message: `expected a command before ${quote(first)}` })
  if (!isCliCommand(first)) {
    const hint = didYouMean(first, CLI_COMMANDS)
    return err({ message: `unknown command ${quote(first)}${hint ? ` (did you mean ${quote(hint)}?)` : ''}` })
  }
  const options = rest.slice(0, rest.includes('--') ? rest.indexOf('--') : rest.length)
  if (options.some((a) => HELP_FLAGS.has(a))) return ok({ kind: 'help', command: first })
  if (options.some((a) => VERSION_FLAGS.has(a))) return ok({ kind: 'version' })
  return parseCommandArgs(first, rest)
}

function parseHelpTopic(topic: string | undefined): Result<CliInvocation, UsageError> {
  if (topic === undefined || topic.startsWith('-')) return ok({ kind: 'help' })
  if (isCliCommand(topic)) return ok({ kind: 'help', command: topic })
  const hint = didYouMean(topic, CLI_COMMANDS)
  return err({ message: `unknown command ${quote(topic)}${hint ? ` (did you mean ${quote(hint)}?)` : ''}` })
}

export function isCliCommand(name: string): name is CliCommand {
  return (CLI_COMMANDS as readonly string[]).includes(name)
}

function parseCommandArgs(command: CliCommand, args: readonly string[]): Result<CliInvocation, UsageError> {
  const spec = COMMAND_SPECS[command]
  const allowed = [...spec.flags, COMMON_FLAGS[0] as FlagSpec]
  const values = new Map<string, string | true>()
  const positionals: string[] = []
  const fail = (message: string): Result<CliInvocation, UsageError> => err({ message, command })

  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string
    if (arg === '--') {
      positionals.push(...args.slice(i + 1))
      break
    }
    if (arg === '-' || !arg.startsWith('-')) {
      positionals.push(arg)
      continue
    }
    const eq = arg.indexOf('=')
    const name = eq > 0 && arg.startsWith('--') ? arg.slice(0, eq) : arg
    const inline = eq > 0 && arg.startsWith('--') ? arg.slice(eq + 1) : undefined
    const flag = allowed.find((f) => f.name === name)
    if (flag === undefined) return fail(unknownFlagMessage(name, command, allowed))
    if (values.has(name)) return fail(`${name} given more than once`)
    if (flag.value === undefined) {
      if (inline !== undefined) return fail(`${name} takes no value`)
      values.set(name, true)
      continue
    }
    const value = inline ?? args[i + 1]
    if (value === undefined || (inline === undefined && value.startsWith('--')) || value === '') {
      return fail(`${name} needs a value (${flag.value})`)
    }
    if (inline === undefined) i++
    values.set(name, value)
  }

  if (positionals.length > (spec.positional ? 1 : 0)) {
    const extra = positionals[spec.positional ? 1 : 0] as string
    // `validate eks-access.yaml` is the natural first try: say how to name the manifest instead
    const takesManifest = spec.flags.includes(FLAGS.manifest) && !values.has('--manifest')
    return fail(`unexpected argument ${quote(extra)}${takesManifest ? ` (to name the manifest, write --manifest ${extra})` : ''}`)
  }
  const missing = spec.required.filter((name) => !values.has(name))
  if (missing.length > 0) return fail(`missing ${missing.join(', ')}`)
  const config = buildCliConfig(command, spec, values, positionals[0])
  return config.ok ? ok({ kind: 'run', config: config.value }) : fail(config.error)
}

function unknownFlagMessage(name: string, command: CliCommand, allowed: readonly FlagSpec[]): string {
  const own = allowed.map((f) => f.name)
  const elsewhere = Object.values(FLAGS).some((f) => f.name === name)
  const hint = didYouMean(name.replace(/^-+/, '--'), own)
  const suggestion = hint ? ` (did you mean ${hint}?)` : ''
  if (elsewhere) return `${name} is not an option of ${command}${suggestion}; see ${PRODUCT} ${command} --help`
  return `unknown option ${quote(name)}${suggestion}`
}

const REPO = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/
const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/
const ACCOUNT_ID = /^\d{12}$/
// An OIDC audience is a single token in the trust policy: no spaces, quotes or control characters.
const AUDIENCE = /^[\x21\x23-\x7e]{1,256}$/

function buildCliConfig(
  command: CliCommand,
  spec: CommandSpec,
  values: ReadonlyMap<string, string | true>,
  positional: string | undefined,
): Result<CliConfig, string> {
  const str = (name: string): string | undefined => {
    const v = values.get(name)
    return typeof v === 'string' ? v : undefined
  }
  const errors: string[] = []
  const take = <T>(r: Result<T, string>, fallback: T): T => {
    if (r.ok) return r.value
    errors.push(r.error)
    return fallback
  }
  const defaultFormat = spec.formats[0] ?? 'text'
  const format = take(parseEnum('--format', str('--format') ?? defaultFormat, spec.formats), defaultFormat)
  const days = take(parseDays('--expiry-warning-days', str('--expiry-warning-days'), Defaults.expiryWarningDays), 0)
  const maxRate = take(parseRate('--max-rate', str('--max-rate')), undefined)
  const clusterTimeoutSeconds = take(
    parseSeconds('--cluster-timeout', str('--cluster-timeout'), Defaults.clusterTimeoutSeconds),
    Defaults.clusterTimeoutSeconds,
  )
  const repo = str('--repo')
  if (repo !== undefined && !REPO.test(repo)) errors.push(`--repo must look like OWNER/REPO, got ${quote(repo)}`)
  const region = str('--region')
  if (region !== undefined && !REGION.test(region)) errors.push(`--region must be an AWS region such as eu-west-1, got ${quote(region)}`)
  const accountId = str('--account-id')
  if (accountId !== undefined && !ACCOUNT_ID.test(accountId))
    errors.push(`--account-id must be a 12-digit AWS account ID, got ${quote(accountId)}`)
  const audience = str('--audience')
  if (audience !== undefined && !AUDIENCE.test(audience))
    errors.push(`--audience must be one token without spaces or quotes (e.g. sts.amazonaws.com), got ${quote(audience)}`)
  if (errors.length > 0) return err(errors.join('; '))

  const config: CliConfig = {
    command,
    manifest: str('--manifest') ?? Defaults.manifest,
    ...optional('rules', str('--rules')),
    format,
    ...optional('state', str('--state')),
    ...optional('cluster', str('--cluster')),
    yes: values.has('--yes'),
    ...optional('region', region),
    ...optional('output', str('--output')),
    ...optional('repo', repo),
    ...optional('branch', command === 'iam-policy' ? (str('--branch') ?? 'main') : undefined),
    assumeRoles: values.has('--assume-roles'),
    ...optional('maxRate', maxRate),
    clusterTimeoutSeconds,
    expiryWarningDays: days,
    failOnDrift: values.has('--fail-on-drift'),
    ...optional('input', command === 'import-aws-auth' ? (positional ?? '-') : undefined),
    ...optional('residual', str('--residual')),
    ...optional('accountId', accountId),
    ...optional('audience', audience),
  }
  return ok(Object.freeze(config))
}
