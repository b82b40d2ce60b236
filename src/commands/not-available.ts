import type { CliCommand } from '../constants.js'
import { PRODUCT } from '../constants.js'
import { Outcomes, type Outcome } from '../outcome.js'
import pkg from '../../package.json' with { type: 'json' }

/** The commands this version runs; the others answer with `notAvailable`. */
export const AVAILABLE: readonly CliCommand[] = ['validate', 'plan', 'apply', 'export', 'drift', 'import-aws-auth', 'iam-policy']

/**
 * The typed answer of a command that is parsed but not built yet: a usage outcome (exit 2 in the
 * CLI, a failed step in the action), and nothing else. Each later issue replaces one module.
 */
export function notAvailable(command: CliCommand): Outcome {
  return Outcomes.usage(`${command} is not implemented yet in this version (${pkg.version}); available: ${AVAILABLE.join(', ')}`, {
    failureReason: 'not-available',
  })
}

export const NOT_AVAILABLE_NOTE = `${PRODUCT} ${pkg.version} runs ${AVAILABLE.join(', ')}`
