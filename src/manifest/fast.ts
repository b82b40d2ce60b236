/**
 * The fast path for ordinary manifests: js-yaml parses ~15× faster than `yaml`, which a 1.5 MB
 * manifest set would otherwise spend most of `validate` in. It yields only the JS value; source
 * positions come later, and only when a problem needs one, from a lazy `yaml` parse of the file
 * (see `lazyLocatable`). Anything js-yaml and `yaml` might read differently is refused here, and
 * the caller takes the exact slow path (load.ts) for that file instead.
 */
import jsyaml from 'js-yaml'
import { LineCounter, parseAllDocuments, parseDocument, type Document } from 'yaml'
import { MAX_DEPTH, type ManifestSource } from './load.js'
import type { Locatable } from './locate.js'

// ───────────────────────────── scalars exactly as yaml's YAML 1.2 core schema ─────────────────────────────

/*
 * js-yaml's CORE_SCHEMA is close to yaml's core schema but not equal (js-yaml reads `1_000` and
 * `0b11` as numbers, `+.5` as a string). These types copy yaml's tests and constructors
 * (node_modules/yaml/dist/schema/core/*.js, in its order: null, bool, int oct/dec/hex, float
 * nan/exp/plain), so a plain scalar resolves to the same value in both parsers. One Type per tag:
 * js-yaml keeps only the last implicit type of a given tag.
 */
const NULL_RE = /^(?:~|[Nn]ull|NULL)?$/
const BOOL_RE = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/
const INT_OCT_RE = /^0o[0-7]+$/
const INT_DEC_RE = /^[-+]?[0-9]+$/
const INT_HEX_RE = /^0x[0-9a-fA-F]+$/
const FLOAT_NAN_RE = /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/
const FLOAT_EXP_RE = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/
const FLOAT_RE = /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/

function constructInt(s: string): number {
  if (INT_OCT_RE.test(s)) return parseInt(s.substring(2), 8)
  if (INT_DEC_RE.test(s)) return parseInt(s, 10)
  return parseInt(s.substring(2), 16)
}

function constructFloat(s: string): number {
  if (FLOAT_NAN_RE.test(s)) {
    if (s.slice(-3).toLowerCase() === 'nan') return NaN
    return s.startsWith('-') ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY
  }
  return parseFloat(s)
}

const scalar = (test: (s: string) => boolean, construct: (s: string) => unknown) => ({
  kind: 'scalar' as const,
  resolve: (data: unknown) => typeof data === 'string' && test(data),
  construct: (data: string) => construct(data),
})

/** Plain scalars resolve as in yaml 2 (YAML 1.2 core); quoted and block scalars stay strings. */
export const YAML_CORE_SCHEMA = jsyaml.FAILSAFE_SCHEMA.extend({
  implicit: [
    new jsyaml.Type(
      'tag:yaml.org,2002:null',
      scalar(
        (s) => NULL_RE.test(s),
        () => null,
      ),
    ),
    new jsyaml.Type(
      'tag:yaml.org,2002:bool',
      scalar(
        (s) => BOOL_RE.test(s),
        (s) => s[0] === 't' || s[0] === 'T',
      ),
    ),
    new jsyaml.Type(
      'tag:yaml.org,2002:int',
      scalar((s) => INT_OCT_RE.test(s) || INT_DEC_RE.test(s) || INT_HEX_RE.test(s), constructInt),
    ),
    new jsyaml.Type(
      'tag:yaml.org,2002:float',
      scalar((s) => FLOAT_NAN_RE.test(s) || FLOAT_EXP_RE.test(s) || FLOAT_RE.test(s), constructFloat),
    ),
  ],
})

// ───────────────────────────── what the fast path refuses ─────────────────────────────

/**
 * Text the fast path refuses, each with why. Deliberately coarse: a false alarm only costs the
 * slow parse of one file, a miss could change a result.
 */
const TEXT_BLOCKERS: readonly { readonly reason: string; readonly pattern: RegExp }[] = [
  // anchors, aliases and tags: alias expansion is counted (alias bombs) and tags warned about
  // by the slow path only; inside quotes or after other characters (`team-*`) they are text
  { reason: 'anchor, alias or tag', pattern: /(?:^|[\s[\]{},:])[&*!]/m },
  // %YAML 1.1 switches yaml to another schema (`yes` becomes true)
  { reason: 'directive', pattern: /^%/m },
  // block scalars: chomping and indentation indicators are where parsers tend to differ
  { reason: 'block scalar', pattern: /(?:^|[ \t])[|>][-+0-9]*[ \t]*(?:#.*)?$/m },
  // a collection or an explicit `? ` as a mapping key: js-yaml stringifies it, yaml reports it
  { reason: 'complex key', pattern: /[\]}][ \t]*:|(?:^|[\s[{,])\?(?:[ \t]|$)/m },
  // tabs, CR, BOMs after the first character, and Unicode line breaks: whitespace edge cases
  { reason: 'unusual whitespace', pattern: /[\t\r\uFEFF\u0085\u2028\u2029]/ },
]

/** yaml limits an implicit key to 1024 characters; js-yaml does not. */
const MAX_FAST_LINE = 1000

/** Why `text` must take the slow path, or undefined when the fast path may try it. */
export function fastPathBlocker(text: string): string | undefined {
  for (const { reason, pattern } of TEXT_BLOCKERS) if (pattern.test(text)) return reason
  if (hasLongLine(text, MAX_FAST_LINE)) return 'long line'
  if (spansLines(text)) return 'multi-line flow collection or quoted scalar'
  return undefined
}

/**
 * True when a flow collection (`[`, `{`) or a quoted scalar continues on the next line. yaml checks
 * the indentation of such continuation lines; js-yaml accepts lines that yaml rejects. Approximate
 * on purpose (like load.ts's flow-depth guard): a quote inside a plain scalar in flow context
 * (`[don't]`) counts as open, which only costs a slow parse.
 */
export function spansLines(text: string): boolean {
  let depth = 0
  let quote = ''
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (c === '\n') {
      if (depth > 0 || quote) return true
      continue
    }
    if (quote) {
      if (c === '\\' && quote === '"') i++
      else if (c === quote) {
        // '' inside a single-quoted scalar is an escaped quote, not its end
        if (quote === "'" && text[i + 1] === "'") i++
        else quote = ''
      }
      continue
    }
    if (c === '#' && (i === 0 || text[i - 1] === ' ' || text[i - 1] === '\n')) {
      const end = text.indexOf('\n', i)
      if (end < 0) break
      i = end - 1
    } else if ((c === '"' || c === "'") && (depth > 0 || startsValue(text, i))) quote = c
    else if (c === '[' || c === '{') depth++
    else if ((c === ']' || c === '}') && depth > 0) depth--
  }
  return depth > 0 || quote !== ''
}

/** In block context a quote opens a scalar only where a value starts (`key: "`, `- '`), not in `don't`. */
function startsValue(text: string, i: number): boolean {
  let j = i - 1
  while (j >= 0 && text[j] === ' ') j--
  const before = j < 0 ? '\n' : text[j]
  return before === '\n' || before === ':' || before === '-' || before === '?'
}

/** A line of `limit` characters or more (a loop: the regex `[^\n]{1000}` is quadratic-ish). */
function hasLongLine(text: string, limit: number): boolean {
  let start = 0
  while (start < text.length) {
    const end = text.indexOf('\n', start)
    const stop = end < 0 ? text.length : end
    if (stop - start >= limit) return true
    start = stop + 1
  }
  return false
}

/**
 * Why a parsed value must take the slow path: a root that is not a mapping (the slow path names
 * empty files, the schema the rest), nesting past MAX_DEPTH (the slow path reports it at its
 * node), or a key js-yaml and yaml spell differently (a null key is `"null"` in js-yaml, `""` in
 * yaml; a collection key becomes `"[object Object]"` or `"a,b"`).
 */
export function valueBlocker(value: unknown): string | undefined {
  if (!isPlainObject(value)) return 'root is not a mapping'
  return walkValue(value, 1)
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** `depth` counts collections as load.ts does: the root mapping is 1. Recursion ≤ MAX_DEPTH. */
function walkValue(value: unknown, depth: number): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined
  if (depth > MAX_DEPTH) return 'too deep'
  if (Array.isArray(value)) {
    for (const item of value) {
      const blocked = walkValue(item, depth + 1)
      if (blocked) return blocked
    }
    return undefined
  }
  for (const key of Object.keys(value)) {
    if (key === 'null' || key.includes('[object Object]') || key.includes(',')) return 'unusual key'
    const blocked = walkValue((value as Record<string, unknown>)[key], depth + 1)
    if (blocked) return blocked
  }
  return undefined
}

// ───────────────────────────── parse ─────────────────────────────

export type FastParse = { readonly kind: 'parsed'; readonly source: ManifestSource } | { readonly kind: 'refused'; readonly reason: string }

/**
 * Parses decoded manifest text with js-yaml, or refuses. Never throws: any js-yaml error
 * (syntax, duplicate key, several documents, nesting past its own depth guard) is a refusal, and
 * the slow path then reports the exact problem.
 */
export function parseManifestFast(file: string, text: string): FastParse {
  const blocked = fastPathBlocker(text)
  if (blocked) return { kind: 'refused', reason: blocked }
  let value: unknown
  try {
    value = jsyaml.load(text, { schema: YAML_CORE_SCHEMA, filename: file })
  } catch (e) {
    return { kind: 'refused', reason: `js-yaml: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}` }
  }
  const refused = valueBlocker(value)
  if (refused) return { kind: 'refused', reason: refused }
  return { kind: 'parsed', source: { file, text, value, locatable: lazyLocatable(file, text) } }
}

/**
 * The `yaml` view of a file for locating nodes, parsed on first use and kept: a valid manifest
 * never needs it. Same parse call and options as load.ts, so node ranges are identical.
 */
export function lazyLocatable(file: string, text: string): () => Locatable {
  let parsed: Locatable | undefined
  return () => (parsed ??= parseForLocations(file, text))
}

function parseForLocations(file: string, text: string): Locatable {
  const lineCounter = new LineCounter()
  const docs = parseAllDocuments(text, { lineCounter, prettyErrors: false, uniqueKeys: true })
  const first = Array.isArray(docs) ? docs[0] : undefined
  const doc: Document.Parsed = first ?? parseDocument('', { lineCounter: new LineCounter() })
  return { file, doc, lineCounter }
}
