/**
 * The gate a pull request cannot relax (PRODUCT.md): on `pull_request` the rules come from the base
 * commit — through git when that commit is in the workspace, else through the contents API — and
 * never from the PR's own checkout. `compareRuleVerdicts` tells which violations the PR's rules file
 * would add or remove after merge, for a notice in the comment; the verdict uses the base rules.
 */
import type { GitReader } from '../../git/show.js'
import type { Problem } from '../../types.js'

/** `(path, ref) → file text`, undefined when the file does not exist at `ref` (the GitHub port). */
export type ContentsReader = (path: string, ref: string) => Promise<string | undefined>

export type BaseRulesRead =
  | { readonly kind: 'found'; readonly content: Uint8Array | string; readonly via: 'git' | 'contents' }
  /** No rules file at the base commit: the base has no organisation rules. */
  | { readonly kind: 'absent'; readonly via: 'git' | 'contents' }
  /** Neither source could answer; the caller fails (it must not fall back to the PR's file). */
  | { readonly kind: 'unavailable'; readonly message: string }

export interface ReadRulesAtBaseOptions {
  /** The rules file relative to the repository root, `/`-separated. */
  readonly path: string
  /** `pull_request.base.sha`. */
  readonly baseSha: string
  readonly git?: GitReader
  readonly contents?: ContentsReader
}

export async function readRulesAtBase(opts: ReadRulesAtBaseOptions): Promise<BaseRulesRead> {
  const notes: string[] = []
  if (opts.git !== undefined) {
    if (await opts.git.hasCommit(opts.baseSha)) {
      const read = await opts.git.readFileAt(opts.baseSha, opts.path)
      if (read.kind === 'found') return { kind: 'found', content: read.bytes, via: 'git' }
      if (read.kind === 'absent') return { kind: 'absent', via: 'git' }
      if (read.kind === 'too-large') {
        // the limit is the manifest's: let the parser say so at the right place
        return { kind: 'found', content: new Uint8Array(read.limit + 1), via: 'git' }
      }
      notes.push(`git: ${read.message}`)
    } else {
      notes.push(`git: base commit ${opts.baseSha.slice(0, 12)} is not in the workspace (shallow checkout?)`)
    }
  }
  if (opts.contents !== undefined) {
    try {
      const text = await opts.contents(opts.path, opts.baseSha)
      return text === undefined ? { kind: 'absent', via: 'contents' } : { kind: 'found', content: text, via: 'contents' }
    } catch (e) {
      notes.push(`contents API: ${e instanceof Error ? e.message : String(e)}`)
    }
  }
  if (notes.length === 0) notes.push('no git workspace and no GitHub token to read it with')
  return {
    kind: 'unavailable',
    message: `cannot read the rules file "${opts.path}" at the base commit ${opts.baseSha.slice(0, 12)} (${notes.join('; ')}); the PR's own rules are never used instead — fetch the base commit (actions/checkout with fetch-depth: 0) or grant contents: read`,
  }
}

export interface RuleVerdictDiff {
  /** Violations the PR's rules would add after merge (in head, not in base). */
  readonly added: readonly Problem[]
  /** Violations the PR's rules would remove (in base, not in head). */
  readonly removed: readonly Problem[]
}

/**
 * Organisation-rule problems under the base rules vs under the PR's rules, over the same manifest.
 * A violation is the same when code, severity and location agree (a reworded message is not a new
 * violation); repeated ones are matched one for one. Order follows the inputs.
 */
export function compareRuleVerdicts(baseProblems: readonly Problem[], headProblems: readonly Problem[]): RuleVerdictDiff {
  const key = (p: Problem): string => `${p.code}\u0000${p.severity}\u0000${p.file}\u0000${p.line}\u0000${p.column}`
  const remaining = new Map<string, number>()
  for (const p of baseProblems) remaining.set(key(p), (remaining.get(key(p)) ?? 0) + 1)
  const added: Problem[] = []
  for (const p of headProblems) {
    const n = remaining.get(key(p)) ?? 0
    if (n > 0) remaining.set(key(p), n - 1)
    else added.push(p)
  }
  const removed: Problem[] = []
  for (const p of baseProblems) {
    const n = remaining.get(key(p)) ?? 0
    if (n > 0) {
      remaining.set(key(p), n - 1)
      removed.push(p)
    }
  }
  return { added, removed }
}
