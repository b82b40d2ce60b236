import { resolve } from 'node:path'
import type { RulesRef } from '../config/requests.js'
import type { Note } from '../outcome.js'
import type { Result } from '../types.js'
import { err, ok } from '../types.js'
import type { CommandDeps } from './deps.js'

/**
 * Organisation rules arrive in a later version; saying so beats a silent "valid". The default file
 * counts too: a repository that has one must not read "valid" as "passed its rules". An explicit
 * file that is missing is a usage error (exit 2).
 */
export function rulesNotes(rules: RulesRef, deps: Pick<CommandDeps, 'cwd' | 'isFile'>): Result<Note[], string> {
  const exists = deps.isFile(resolve(deps.cwd, rules.path))
  if (rules.explicit && !exists) return err(`rules file not found or not a file: ${rules.path}`)
  if (!exists) return ok([])
  return ok([
    {
      level: 'warning',
      message: `organisation rules (${rules.path}) are not evaluated by this version; only the schema and EKS rules are checked`,
    },
  ])
}
