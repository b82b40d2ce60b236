/**
 * What a rule kind module provides: its name, its parameters (for the README and did-you-mean) and
 * `compile`, which turns the schema-valid parameters into a check. Compile-time problems (a CEL
 * expression that does not compile, an unknown policy name) are located in the rules file.
 */
import type { Loc, Problem } from '../../types.js'
import type { CompiledRule, RuleCommon } from './types.js'

export interface CompileContext {
  /** The rules-file position of a parameter (`['policy']`, `['namespaces', 2]`), else the rule's item. */
  readonly locate: (path: readonly (string | number)[], opts?: { readonly key?: boolean }) => Loc
  /** The rules-file position of a character inside a string parameter, when it can be told. */
  readonly locateInString: (path: readonly (string | number)[], offset: number) => Loc
}

export interface RuleKind {
  readonly kind: string
  /** Parameter names besides the common members. */
  readonly params: readonly string[]
  readonly compile: (params: Readonly<Record<string, unknown>>, common: RuleCommon, ctx: CompileContext) => CompiledRule | Problem[]
}

export function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []
}

/** The result of a check that found nothing: one shared array, since most entries pass most rules. */
export const NONE: readonly never[] = Object.freeze([])
