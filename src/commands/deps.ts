/**
 * What the commands receive instead of reaching for the process, the disk or AWS themselves. Each
 * adapter builds one (src/cli.ts: `terminalDeps`, src/main.ts: `runnerDeps`); tests build literals.
 */
import type { IamApiFactory } from '../aws/iam-port.js'
import type { ClusterTarget, EksAccessApi, EksApiFactory } from '../aws/port.js'
import type { Env } from '../config/values.js'
import type { GitHubPort } from '../github/port.js'
import type { Logger } from '../logger.js'
import type { GitReader } from '../git/show.js'
import type { ValidateOptions, ValidateOutcome } from '../manifest/validate.js'
import type { ContentsReader } from '../rules/org/index.js'

/** How a command wants to reach EKS; the adapter turns it into a factory of ports. */
export interface EdgeOptions {
  /** planRoleArn for plan/drift/export, roleArn for apply. */
  readonly purpose: 'plan' | 'apply'
  /** Assume each cluster's role (CLI `--assume-roles`, the action's OIDC); else ambient credentials. */
  readonly assumeRoles: boolean
  /** EKS requests per second per account and region; undefined = adaptive retry only. */
  readonly maxRate?: number
  /** Seconds one cluster may take: the seam for the AWS edge's per-cluster timeout. */
  readonly clusterTimeoutSeconds: number
}

export interface CommandDeps {
  /** The working directory every relative path is resolved against. */
  readonly cwd: string
  /** Variables the SDK would read too (AWS_REGION for export's default region). */
  readonly env: Env
  readonly now: () => Date
  readonly logger: Logger
  readonly isFile: (path: string) => boolean
  /** The validate stage (src/manifest/validate.ts); injected so adapter tests can stub it. */
  readonly validate: (options: ValidateOptions) => Promise<ValidateOutcome>
  /** EKS ports per cluster, with the credentials and limits the options ask for. */
  readonly eks: (options: EdgeOptions) => EksApiFactory
  /**
   * IAM ports per account, with the same credentials as `eks` (plan and drift check dead access
   * through the plan role). Optional: without it, dead access is reported as not checked.
   */
  readonly iam?: (options: EdgeOptions) => IamApiFactory
  /**
   * Standard input, read to its end but never more than `maxBytes` (import-aws-auth with `-`).
   * Rejects with StdinIsTerminal when stdin is an interactive terminal (nothing was piped in).
   * Absent where there is no stdin (the action): reading `-` is then a usage error.
   */
  readonly readStdin?: (maxBytes: number) => Promise<Uint8Array>
  /**
   * Pull requests: how the adapter can read the organisation rules at the base commit (git on the
   * workspace clone, the contents API). Absent outside a runner; a pull-request run without either
   * fails rather than judge by the PR's own rules.
   */
  readonly baseRules?: { readonly git?: GitReader; readonly contents?: ContentsReader }
  /** The EKS port for one named cluster outside any manifest (export). */
  readonly eksForCluster: (target: Pick<ClusterTarget, 'name' | 'region'>, options: Omit<EdgeOptions, 'assumeRoles'>) => EksAccessApi
  /**
   * The repository's GitHub API (the action with a `github-token`; absent in the CLI), for
   * commands that read from GitHub (apply: the reviewed plan comment). Writes are not made here:
   * a command returns them as `Outcome.writes` and the adapter performs them.
   */
  readonly github?: GitHubPort
  /** Asks the user to confirm (CLI `apply` without `--yes`, on a TTY); absent = no one to ask. */
  readonly confirm?: (question: string) => Promise<boolean>
  /** Waits (apply's backoff and DescribeUpdate polling); tests inject a fake clock. Default: a timer. */
  readonly sleep?: (ms: number) => Promise<void>
}

/** What `readStdin` rejects with when stdin is a terminal: waiting for typed YAML helps nobody. */
export class StdinIsTerminal extends Error {
  constructor() {
    super('stdin is a terminal')
    this.name = 'StdinIsTerminal'
  }
}
