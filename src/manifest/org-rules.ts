/**
 * The organisation-rules stage of `validate` (PRODUCT.md "Organisation rules"): which rules file
 * decides, read once beside the manifests (`loadOrgRules`, the disk/git/API edge), then evaluated over
 * the built manifest (`judgeOrgRules`, pure), so every command that validates (validate, plan, apply,
 * drift) judges with the same rules.
 *
 * - Anywhere but a pull request the rules file of the working tree decides. A missing default file
 *   means no organisation rules; a missing file the user named is a usage error (exit 2).
 * - On a pull request the file at the base commit decides (git when that commit is in the clone, else
 *   the contents API) and the PR's own file never does: `unavailable` is a usage failure, not "no
 *   rules". When the PR's file differs, it is evaluated too, for a notice of what it would change.
 * - A broken rules file is its own problems (exit 1, located in the rules file), never "no rules".
 */
import { existsSync } from 'node:fs'
import path from 'node:path'
import type { GitReader } from '../git/show.js'
import {
  compareRuleVerdicts,
  evaluateOrgRules,
  loadRulesFile,
  parseRulesSource,
  readRulesAtBase,
  type ContentsReader,
  type RuleSet,
} from '../rules/org/index.js'
import type { Manifest, Problem } from '../types.js'
import { decodeManifest } from './load.js'

/** What the validate stage needs to find the rules file (ValidateOptions.rules). */
export interface RulesOptions {
  /** The rules file, relative to the working directory (or absolute). */
  readonly path: string
  /** Named by the user (`--rules`, the `rules` input): a missing file is a usage error, not "no rules". */
  readonly explicit: boolean
  /** Where the deciding rules come from; default the working tree. */
  readonly source?: RulesSource
  /**
   * The working directory relative to the repository root (`files` globs match paths from the root,
   * and git and the contents API take root-relative paths). Default: found by looking upwards from
   * the working directory for `.git`; the working directory itself when there is none.
   */
  readonly cwdFromRoot?: string
}

export type RulesSource =
  | { readonly kind: 'workspace' }
  /**
   * A pull request: the rules at `baseSha` (`pull_request.base.sha`; undefined when the event
   * payload lacks it, which fails the run). Readers the adapter has: git on the workspace clone,
   * the contents API of the repository.
   */
  | { readonly kind: 'base'; readonly baseSha: string | undefined; readonly git?: GitReader; readonly contents?: ContentsReader }

/** One rules file as read: none, broken (its problems), or loaded. `text` for source excerpts. */
export type RulesFileState =
  | { readonly kind: 'none' }
  | { readonly kind: 'broken'; readonly file: string; readonly problems: readonly Problem[]; readonly text?: string }
  | { readonly kind: 'loaded'; readonly file: string; readonly ruleSet: RuleSet; readonly text?: string }

export type RulesOrigin = { readonly kind: 'workspace' } | { readonly kind: 'base'; readonly sha: string; readonly via: 'git' | 'contents' }

/** The rules read for one run, before evaluation. */
export interface LoadedRules {
  /** The rules that decide the verdict. */
  readonly verdict: RulesFileState
  readonly origin: RulesOrigin
  /** Pull requests only: the PR's own rules file, when it differs from the base's. Never decides. */
  readonly proposed?: RulesFileState
  readonly cwdFromRoot: string
}

/** What the rules did in this run, for notes and the summary. */
export interface RulesReport {
  readonly origin: RulesOrigin
  /** The deciding rules file as shown in problems; undefined when there are no organisation rules. */
  readonly file?: string
  /** How many rules were evaluated (0 for a broken file). */
  readonly evaluated: number
  readonly broken: boolean
  /** Pull requests whose rules file differs from the base: what it would change after merge. */
  readonly change?: RulesChange
}

export type RulesChange =
  /** The PR's file loads: violations it would add or remove after merge (compareRuleVerdicts). */
  | {
      readonly kind: 'changed'
      readonly file: string
      readonly added: readonly Problem[]
      readonly removed: readonly Problem[]
    }
  /** The PR deletes the rules file: every current violation would go. */
  | { readonly kind: 'deleted'; readonly file: string; readonly removed: readonly Problem[] }
  /** The PR's file is broken: after merge every run would fail on these problems. */
  | { readonly kind: 'broken'; readonly file: string; readonly problems: readonly Problem[] }

type Usage = { readonly kind: 'usage'; readonly message: string }

/** Reads the rules that decide this run (and on a pull request the PR's own file, when it differs). */
export async function loadOrgRules(opts: RulesOptions, cwd: string): Promise<LoadedRules | Usage> {
  const cwdFromRoot = opts.cwdFromRoot ?? findCwdFromRoot(cwd)
  const source = opts.source ?? { kind: 'workspace' }
  if (source.kind === 'workspace') {
    const own = await readWorkspaceRules(opts, cwd)
    return own.kind === 'usage' ? own : { verdict: own.state, origin: { kind: 'workspace' }, cwdFromRoot }
  }
  return loadBaseRules(opts, source, cwd, cwdFromRoot)
}

async function readWorkspaceRules(opts: RulesOptions, cwd: string): Promise<Usage | { kind: 'read'; state: RulesFileState }> {
  const out = await loadRulesFile({ ...(opts.explicit ? { path: opts.path } : {}), cwd })
  switch (out.kind) {
    case 'usage':
      return out
    case 'absent':
      return { kind: 'read', state: { kind: 'none' } }
    case 'loaded':
      return { kind: 'read', state: stateOf(out.file, out.result, out.text) }
  }
}

function stateOf(file: string, result: ReturnType<typeof parseRulesSource>, text: string | undefined): RulesFileState {
  const withText = text === undefined ? {} : { text }
  return result.ok
    ? { kind: 'loaded', file, ruleSet: result.value, ...withText }
    : { kind: 'broken', file, problems: result.error, ...withText }
}

async function loadBaseRules(
  opts: RulesOptions,
  source: Extract<RulesSource, { kind: 'base' }>,
  cwd: string,
  cwdFromRoot: string,
): Promise<LoadedRules | Usage> {
  const abs = path.resolve(cwd, opts.path)
  const file = path.relative(cwd, abs).split(path.sep).join('/')
  const fromRoot = path.posix.normalize(path.posix.join(cwdFromRoot.split(path.sep).join('/'), file))
  if (source.baseSha === undefined || source.baseSha === '') {
    return usage(
      `cannot read the organisation rules at the base of this pull request: the event payload has no pull_request.base.sha; the PR's own rules are never used instead`,
    )
  }
  if (fromRoot.startsWith('../') || fromRoot === '..' || path.posix.isAbsolute(fromRoot)) {
    return usage(
      `rules file "${opts.path}" is outside the repository; on a pull request it is read at the base commit, by its path in the repository`,
    )
  }
  const sha = source.baseSha
  const read = await readRulesAtBase({
    path: fromRoot,
    baseSha: sha,
    ...(source.git === undefined ? {} : { git: source.git }),
    ...(source.contents === undefined ? {} : { contents: source.contents }),
  })
  if (read.kind === 'unavailable') return usage(read.message)
  const origin: RulesOrigin = { kind: 'base', sha, via: read.via }
  if (read.kind === 'absent' && opts.explicit) {
    return usage(
      `rules file "${opts.path}" does not exist at the base commit ${short(sha)} of this pull request (read via ${read.via === 'git' ? 'git' : 'the contents API'}); the PR's own rules are never used instead — merge the rules file first, or check the rules input`,
    )
  }
  const baseText = read.kind === 'found' ? textOf(file, read.content) : undefined
  const verdict: RulesFileState =
    read.kind === 'absent' ? { kind: 'none' } : atBase(stateOf(file, parseRulesSource(file, read.content), baseText), sha)

  // The PR's own file, only to tell what it would change; a missing or unreadable one is "none".
  const own = await readWorkspaceRules({ path: opts.path, explicit: false }, cwd)
  const ownState: RulesFileState = own.kind === 'usage' ? { kind: 'none' } : own.state
  const same =
    (ownState.kind === 'none' && verdict.kind === 'none') ||
    (ownState.kind !== 'none' && baseText !== undefined && ownState.text !== undefined && ownState.text === baseText)
  return { verdict, origin, cwdFromRoot, ...(same ? {} : { proposed: ownState }) }
}

/** Problems of the base commit's rules file say so: the PR's file may differ at that line. */
function atBase(state: RulesFileState, sha: string): RulesFileState {
  const tag = (p: Problem): Problem => ({ ...p, message: `(rules file at the base commit ${short(sha)}) ${p.message}` })
  if (state.kind === 'broken') return { ...state, problems: state.problems.map(tag) }
  if (state.kind === 'loaded' && state.ruleSet.warnings.length > 0) {
    return { ...state, ruleSet: { ...state.ruleSet, warnings: state.ruleSet.warnings.map(tag) } }
  }
  return state
}

function textOf(file: string, content: Uint8Array | string): string | undefined {
  const decoded = decodeManifest(file, content)
  return decoded.kind === 'text' ? decoded.text : undefined
}

const short = (sha: string): string => sha.slice(0, 12)
const usage = (message: string): Usage => ({ kind: 'usage', message })

/** The working directory relative to the nearest enclosing directory that holds `.git` (`''` at the root). */
export function findCwdFromRoot(cwd: string): string {
  let dir = path.resolve(cwd)
  for (;;) {
    if (existsSync(path.join(dir, '.git'))) return path.relative(dir, path.resolve(cwd)).split(path.sep).join('/')
    const parent = path.dirname(dir)
    if (parent === dir) return ''
    dir = parent
  }
}

// ───────────────────────────── evaluation (pure) ─────────────────────────────

export interface JudgedRules {
  /** Problems of the verdict: the rules file's own (broken or warnings) and every violation. */
  readonly problems: readonly Problem[]
  readonly report: RulesReport
  /** The rules file's text, for source excerpts (file → text). */
  readonly sources: ReadonlyMap<string, string>
}

/** The loaded rules over the built manifest. `now`: expired entries do not count as cluster admins. */
export function judgeOrgRules(rules: LoadedRules, manifest: Manifest, now: Date): JudgedRules {
  const opts = { cwdFromRoot: rules.cwdFromRoot, now }
  const violations = (state: RulesFileState): Problem[] => (state.kind === 'loaded' ? evaluateOrgRules(state.ruleSet, manifest, opts) : [])
  const { verdict } = rules
  const found = violations(verdict)
  const problems =
    verdict.kind === 'broken' ? [...verdict.problems] : verdict.kind === 'loaded' ? [...verdict.ruleSet.warnings, ...found] : []
  const sources = new Map<string, string>()
  if (verdict.kind !== 'none' && verdict.text !== undefined) sources.set(verdict.file, verdict.text)
  const change = rules.proposed === undefined ? undefined : changeOf(rules.proposed, verdict, found, violations)
  const report: RulesReport = {
    origin: rules.origin,
    ...(verdict.kind === 'none' ? {} : { file: verdict.file }),
    evaluated: verdict.kind === 'loaded' ? verdict.ruleSet.rules.length : 0,
    broken: verdict.kind === 'broken',
    ...(change === undefined ? {} : { change }),
  }
  return { problems, report, sources }
}

function changeOf(
  proposed: RulesFileState,
  verdict: RulesFileState,
  found: readonly Problem[],
  violations: (state: RulesFileState) => Problem[],
): RulesChange | undefined {
  switch (proposed.kind) {
    case 'broken':
      return { kind: 'broken', file: proposed.file, problems: proposed.problems }
    case 'none':
      return verdict.kind === 'none' ? undefined : { kind: 'deleted', file: verdict.file, removed: found }
    case 'loaded': {
      const diff = compareRuleVerdicts(found, violations(proposed))
      return { kind: 'changed', file: proposed.file, added: diff.added, removed: diff.removed }
    }
  }
}
