/**
 * The command registry: one module per command of PRODUCT.md, each `(request, deps) → Outcome`.
 * The adapters look a command up here and know nothing else about it. A new command is one module
 * plus its request type (src/config/requests.ts) and spec (src/config/cli.ts).
 */
import type { CliCommand } from '../constants.js'
import type { RequestOf } from '../config/requests.js'
import type { Outcome } from '../outcome.js'
import { applyCommand } from './apply.js'
import type { CommandDeps } from './deps.js'
import { driftCommand } from './drift.js'
import { exportCommand } from './export.js'
import { iamPolicyCommand } from './iam-policy.js'
import { importAwsAuthCommand } from './import-aws-auth.js'
import { plan } from './plan.js'
import { validate } from './validate.js'

export type Command<C extends CliCommand> = (request: RequestOf[C], deps: CommandDeps) => Promise<Outcome>
export type Commands = { readonly [C in CliCommand]: Command<C> }

export const commands: Commands = {
  validate,
  plan,
  apply: applyCommand,
  export: exportCommand,
  'import-aws-auth': importAwsAuthCommand,
  'iam-policy': iamPolicyCommand,
  drift: driftCommand,
}

/** Runs the request's command from a registry (the generic call TypeScript cannot narrow by itself). */
export function runCommand(registry: Commands, request: RequestOf[CliCommand], deps: CommandDeps): Promise<Outcome> {
  return (registry[request.command] as Command<CliCommand>)(request as never, deps)
}

export type { CommandDeps, EdgeOptions } from './deps.js'
