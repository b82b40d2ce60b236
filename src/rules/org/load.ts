/**
 * The rules file (`.github/eks-access-rules.yaml` by default) → a compiled RuleSet, or located
 * Problems. It is read exactly like a manifest (load.ts: UTF-8/BOM, 5 MiB, depth 64, alias limits,
 * duplicate keys) and checked against schemas/eks-access-rules.schema.json with the manifest's
 * schema messages (unknown kinds and parameters with did-you-mean). A broken rules file is an error
 * (exit 1), never "no rules".
 *
 * `parseRulesSource` is pure (text or bytes in); `loadRulesFile` is the disk edge.
 */
import { stat } from 'node:fs/promises'
import path from 'node:path'
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js'
import { isScalar } from 'yaml'
import rulesSchema from '../../../schemas/eks-access-rules.schema.json' with { type: 'json' }
import { decodeManifest, loadManifestFiles, parseManifestSource, type LoadedFile } from '../../manifest/load.js'
import { locate, nodeAt, nodeLoc, type PathSegment } from '../../manifest/locate.js'
import { checkManifestSchema, createSchemaAjv } from '../../manifest/schema.js'
import { suggestClosest } from '../../manifest/suggest.js'
import { err, ok, problemAt, type Loc, type Problem, type Result, type Severity } from '../../types.js'
import type { CompileContext } from './kind.js'
import { RULE_KINDS_BY_NAME } from './kinds.js'
import { PLACEHOLDERS } from './evaluate.js'
import type { CompiledRule, RuleCommon, RuleSet } from './types.js'

export { rulesSchema }

export const DEFAULT_RULES_FILE = '.github/eks-access-rules.yaml'

/** Compiles the rules schema (strict; `validateSchema` for tests, skipped at run time). */
export function compileRulesSchema(opts: { readonly validateSchema?: boolean } = {}): ValidateFunction {
  const ajv = createSchemaAjv(opts)
  const inner = ajv.compile(rulesSchema)
  // `if`/`then` picks the kind's parameters; Ajv also reports the `if` itself, which says nothing new.
  const wrapped = ((data: unknown) => {
    const valid = inner(data)
    wrapped.errors = inner.errors?.filter((e: ErrorObject) => e.keyword !== 'if') ?? null
    return valid
  }) as ValidateFunction
  return wrapped
}

let compiledSchema: ValidateFunction | undefined
const rulesValidator = (): ValidateFunction => (compiledSchema ??= compileRulesSchema())

/** Bytes or text of a rules file → RuleSet (warnings inside) or every problem found. Never throws on input. */
export function parseRulesSource(file: string, content: Uint8Array | string): Result<RuleSet> {
  const parsed = parseManifestSource(file, content)
  const fileProblems = parsed.problems.map(forRulesFile)
  if (parsed.loaded === undefined) return err(fileProblems)
  const src = parsed.loaded
  const findings = checkManifestSchema(src, rulesValidator())
  const problems: Problem[] = [...fileProblems, ...findings.map((f) => renameRuleContainer(f.problem, f.path, src.value))]
  const rejected = new Set(findings.filter((f) => f.path[0] === 'rules' && typeof f.path[1] === 'number').map((f) => f.path[1] as number))
  const topLevelBroken = findings.some((f) => f.path[0] !== 'rules' || f.path.length < 2)
  const rules: CompiledRule[] = []
  if (!topLevelBroken) {
    const items = (src.value as { rules: Record<string, unknown>[] }).rules
    const seen = new Map<string, Loc>()
    items.forEach((raw, i) => {
      const id = String(raw.id)
      const idLoc = locate(src, ['rules', i, 'id'])
      const first = seen.get(id)
      if (first === undefined) seen.set(id, idLoc)
      else
        problems.push(
          problemAt(
            idLoc,
            'error',
            'rules:duplicate-id',
            `duplicate rule id "${id}" (first at line ${first.line}); each rule needs its own id, it becomes the problem code rule:<id>`,
          ),
        )
      if (rejected.has(i)) return
      const compiled = compileRule(src, i, raw)
      if (Array.isArray(compiled)) problems.push(...compiled)
      else rules.push(compiled)
    })
  }
  const errors = problems.filter((p) => p.severity === 'error')
  if (errors.length > 0) return err(problems)
  return ok({ file, rules, warnings: problems })
}

function compileRule(src: LoadedFile, index: number, raw: Record<string, unknown>): CompiledRule | Problem[] {
  const kind = RULE_KINDS_BY_NAME.get(String(raw.kind))
  const base = ['rules', index] as const
  const ruleLoc = locate(src, [...base])
  if (kind === undefined) return [problemAt(ruleLoc, 'error', 'rules:kind', `unknown rule kind "${String(raw.kind)}"`)] // the schema's enum catches this first
  const id = String(raw.id)
  const common: RuleCommon = {
    id,
    kind: kind.kind,
    severity: (raw.severity as Severity | undefined) ?? 'error',
    loc: ruleLoc,
    ...(typeof raw.message === 'string' && { message: raw.message }),
    ...(Array.isArray(raw.files) && { files: raw.files.map(String) }),
    ...(Array.isArray(raw.clusters) && { clusters: raw.clusters.map(String) }),
  }
  const placeholderProblems = typeof raw.message === 'string' ? checkPlaceholders(raw.message, locate(src, [...base, 'message']), id) : []
  const ctx: CompileContext = {
    locate: (p, opts) => locate(src, [...base, ...p], opts),
    locateInString: (p, offset) => locateInString(src, [...base, ...p], offset),
  }
  const compiled = kind.compile(raw, common, ctx)
  if (Array.isArray(compiled)) return [...placeholderProblems, ...compiled]
  return placeholderProblems.length > 0 ? placeholderProblems : compiled
}

function checkPlaceholders(message: string, loc: Loc, id: string): Problem[] {
  const unknown = [...message.matchAll(/\{([A-Za-z]+)\}/g)].map((m) => m[1] as string).filter((n) => !PLACEHOLDERS.includes(n))
  return unknown.map((name) => {
    const guess = suggestClosest(name, PLACEHOLDERS)
    return problemAt(
      loc,
      'error',
      'rules:placeholder',
      `rule "${id}": unknown placeholder {${name}} in message${guess ? `; did you mean {${guess}}?` : ''}; available: ${PLACEHOLDERS.map((p) => `{${p}}`).join(', ')}`,
    )
  })
}

/** A character inside a one-line plain or quoted scalar; else the scalar itself. */
function locateInString(src: LoadedFile, p: readonly PathSegment[], offset: number): Loc {
  const node = nodeAt(src, p)
  const at = locate(src, p)
  if (!isScalar(node) || node.range === undefined || node.range === null) return at
  const written = src.text.slice(node.range[0], node.range[1])
  if (written.includes('\n')) return at
  if (node.type === 'PLAIN') return { ...at, column: at.column + offset }
  if (node.type === 'QUOTE_SINGLE' || node.type === 'QUOTE_DOUBLE') return { ...at, column: at.column + 1 + offset }
  return nodeLoc(src, node)
}

/** The manifest loader's wording, for a rules file. */
function forRulesFile(p: Problem): Problem {
  const message = p.message
    .replace('a manifest starts with "version: 1"', 'a rules file starts with "version: 1" and "rules:"')
    .replace('manifests must be UTF-8', 'rules files must be UTF-8')
    .replace('manifest files are limited to 5 MiB (split it into several files and use a glob)', 'rules files are limited to 5 MiB')
    .replace('put one manifest per file (use several files and a glob instead of ---)', 'a rules file holds one document (remove ---)')
    .replace('check that --manifest names the right file', 'check that --rules names the right file')
  return message === p.message ? p : { ...p, message }
}

/** `rules item` in schema messages → `rule "<id>"`, so the user sees which rule is wrong. */
function renameRuleContainer(p: Problem, at: readonly PathSegment[], value: unknown): Problem {
  if (at[0] !== 'rules' || typeof at[1] !== 'number') return p
  const raw = (value as { rules?: unknown[] }).rules?.[at[1]]
  const id =
    typeof raw === 'object' && raw !== null && typeof (raw as { id?: unknown }).id === 'string' ? (raw as { id: string }).id : undefined
  const name = id === undefined ? `rule ${at[1] + 1}` : `rule "${id}"`
  const message = p.message.replace(/\brules item\b/g, name)
  return { ...p, message: at.length > 2 && !message.includes(name) ? `${name}: ${message}` : message }
}

export type RulesFileOutcome =
  | { readonly kind: 'usage'; readonly message: string } // exit 2
  | { readonly kind: 'absent' } // the default file does not exist: no organisation rules
  /** `text`: the decoded file, for source excerpts under its problems (absent when it could not be decoded). */
  | { readonly kind: 'loaded'; readonly result: Result<RuleSet>; readonly file: string; readonly text?: string }

/**
 * Reads the rules file from disk. `explicit` (from `--rules` / the `rules` input): a missing file is a
 * usage error (exit 2); the default path may be missing (no organisation rules).
 */
export async function loadRulesFile(opts: { readonly path?: string; readonly cwd: string }): Promise<RulesFileOutcome> {
  const explicit = opts.path !== undefined
  const file = opts.path ?? DEFAULT_RULES_FILE
  const abs = path.resolve(opts.cwd, file)
  const info = await stat(abs).catch(() => undefined)
  if (info === undefined) {
    return explicit
      ? { kind: 'usage', message: `rules file "${file}" not found (looked in ${opts.cwd}); check the path or pass --rules` }
      : { kind: 'absent' }
  }
  if (info.isDirectory()) return { kind: 'usage', message: `rules file "${file}" is a directory; pass the YAML file` }
  const loaded = await loadManifestFiles(abs, opts.cwd, (name, bytes) => {
    const decoded = decodeManifest(name, bytes)
    const result = parseRulesSource(name, decoded.kind === 'text' ? decoded.text : bytes)
    return { problems: [], loaded: { result, text: decoded.kind === 'text' ? decoded.text : undefined } }
  })
  if (loaded.kind === 'usage') return { kind: 'usage', message: loaded.message.replace(/manifest file/g, 'rules file') }
  const name = loaded.files[0] ?? file
  const first = loaded.loaded[0]
  if (first === undefined) return { kind: 'loaded', file: name, result: err(loaded.problems.map(forRulesFile)) }
  return first.text === undefined
    ? { kind: 'loaded', file: name, result: first.result }
    : { kind: 'loaded', file: name, result: first.result, text: first.text }
}
