/**
 * The organisation-rules part of a command's validate options, from its request and deps: the
 * working tree's rules file, or on a pull request the base commit's (read through the adapter's
 * git and contents readers). Every command that validates passes this to `deps.validate` /
 * `readManifests`, so they all judge with the same rules.
 */
import type { RulesRef } from '../config/requests.js'
import type { RulesOptions } from '../manifest/validate.js'
import type { CommandDeps } from './deps.js'

export function rulesOptions(ref: RulesRef, deps: Pick<CommandDeps, 'baseRules'>): RulesOptions {
  if (ref.atBase === undefined) return { path: ref.path, explicit: ref.explicit, source: { kind: 'workspace' } }
  const readers = deps.baseRules ?? {}
  return {
    path: ref.path,
    explicit: ref.explicit,
    source: {
      kind: 'base',
      baseSha: ref.atBase.sha,
      ...(readers.git === undefined ? {} : { git: readers.git }),
      ...(readers.contents === undefined ? {} : { contents: readers.contents }),
    },
  }
}
