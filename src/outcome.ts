/**
 * What every command returns, and the one place that turns it into an exit code or a failure.
 *
 * A command (`src/commands/<name>.ts`) never prints, exits or calls GitHub. It returns an Outcome:
 * a verdict (`status`), the problems it found, and everything it rendered. The adapters publish it:
 *
 * | field        | terminal (src/cli.ts)                 | runner (src/main.ts)                              |
 * |--------------|---------------------------------------|---------------------------------------------------|
 * | `status`     | exit code via `exitCodeOf`            | `failureOf` → the one `core.setFailed`            |
 * | `message`    | `eks-access-gate: <message>` on stderr| the setFailed text                                |
 * | `problems`   | (already inside `stdout`)             | one annotation each, at file:line:col             |
 * | `stdout`     | written to stdout as is               | written to the log                                |
 * | `stderr`     | written to stderr as is               | written to the log                                |
 * | `summary`    | ignored                               | the job summary (Markdown), written once          |
 * | `outputs`    | ignored                               | `core.setOutput(name, value)` each                |
 * | `notes`      | `eks-access-gate: note: …` on stderr  | `core.info` / `core.warning`                      |
 * | `files`      | written (export --output)             | written (plan-file under RUNNER_TEMP)             |
 * | `writes`     | ignored                               | performed through the GitHub port, in order       |
 *
 * Later commands plug in here: the pull-request flow adds a `sticky-comment` write, apply adds
 * outputs and a `failed` status with `failureReason`, drift adds an `issue` write and the drift
 * outputs, onboarding adds files. None of them needs a new field in the adapters' publish code
 * unless it adds a new kind of GitHub write.
 */
import type { OutputName } from './constants.js'
import type { Problem } from './types.js'

/**
 * - `ok`: done; warnings alone never fail (exit 0).
 * - `invalid`: a file was read and its content is wrong: syntax, schema, EKS or organisation rule,
 *   or a plan with cluster errors (exit 1).
 * - `usage`: an option or input is wrong, or a named file cannot be found or read (exit 2).
 * - `failed`: the work itself failed: AWS refused, an apply stopped, or the command is not
 *   available in this version (exit 1).
 */
export type OutcomeStatus = 'ok' | 'invalid' | 'usage' | 'failed'

export interface Note {
  readonly level: 'info' | 'warning'
  readonly message: string
}

/** A file the adapter writes (paths absolute, or relative to the working directory). */
export interface OutputFile {
  readonly path: string
  readonly text: string
}

/**
 * A GitHub write as data: the runner adapter performs it through the GitHub port (src/github/),
 * so commands stay pure and tests compare literal objects. Extend by adding a kind here and one
 * case in the adapter's switch (assertNever keeps it exhaustive).
 */
export type GitHubWrite =
  | {
      readonly kind: 'sticky-comment'
      /** The pull request or issue number. */
      readonly issueNumber: number
      /** Finds the comment to update: the hidden header `<!-- eks-access-gate … -->` starts with it. */
      readonly marker: string
      readonly body: string
    }
  | {
      readonly kind: 'issue'
      /** An open issue with this title is updated (or closed when `state: 'closed'`), else one is opened. */
      readonly title: string
      readonly body: string
      readonly labels?: readonly string[]
      readonly state?: 'open' | 'closed'
    }
  | {
      /**
       * After apply: the merged pull request's sticky comment gains (or replaces) an "Applied"
       * section for this commit and shard; when no sticky comment is left, a short comment is
       * posted (updated in place on a re-run). Performed by src/github/applied.ts.
       */
      readonly kind: 'applied-section'
      readonly issueNumber: number
      /** The commit that was applied. */
      readonly commitSha: string
      /** The `clusters` filter of the job, or "*": sharded jobs keep separate sections. */
      readonly shard: string
      /** The section's Markdown (no markers; applied.ts wraps and truncates it). */
      readonly section: string
    }

export interface Outcome {
  readonly status: OutcomeStatus
  /** One line for setFailed / stderr when status is not ok; absent on success. */
  readonly message?: string
  /** Machine-readable failure reason for an output (apply: `plan-changed`, …). */
  readonly failureReason?: string
  /** Every problem found, sorted; the runner annotates each one. */
  readonly problems: readonly Problem[]
  /** The command's product for the terminal, in the requested format. */
  readonly stdout?: string
  /** Human text for stderr (problem listings when stdout must stay a clean product). */
  readonly stderr?: string
  /** Markdown for the job summary. */
  readonly summary?: string
  readonly outputs: Readonly<Partial<Record<OutputName, string>>>
  readonly notes: readonly Note[]
  readonly files: readonly OutputFile[]
  readonly writes: readonly GitHubWrite[]
}

/** Everything optional of an Outcome, for the constructors below. */
export type OutcomeParts = Partial<Omit<Outcome, 'status'>>

function outcome(status: OutcomeStatus, parts: OutcomeParts): Outcome {
  return Object.freeze({ problems: [], outputs: {}, notes: [], files: [], writes: [], ...parts, status })
}

export const Outcomes = {
  ok: (parts: OutcomeParts = {}): Outcome => outcome('ok', parts),
  invalid: (message: string, parts: OutcomeParts = {}): Outcome => outcome('invalid', { ...parts, message }),
  usage: (message: string, parts: OutcomeParts = {}): Outcome => outcome('usage', { ...parts, message }),
  failed: (message: string, parts: OutcomeParts = {}): Outcome => outcome('failed', { ...parts, message }),
} as const

/** PRODUCT.md's exit codes: 0 ok, 1 content wrong or work failed, 2 usage or configuration. */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const
export type ExitCode = (typeof EXIT)[keyof typeof EXIT]

export function exitCodeOf(o: Pick<Outcome, 'status'>): ExitCode {
  switch (o.status) {
    case 'ok':
      return EXIT.ok
    case 'invalid':
    case 'failed':
      return EXIT.failure
    case 'usage':
      return EXIT.usage
    default:
      return assertNever(o.status)
  }
}

/** The text for the runner's one `setFailed`, or undefined when the step succeeds. */
export function failureOf(o: Pick<Outcome, 'status' | 'message'>): string | undefined {
  if (o.status === 'ok') return undefined
  return o.message ?? `${o.status}`
}

export function assertNever(x: never): never {
  throw new Error(`unexpected value: ${JSON.stringify(x)}`)
}
