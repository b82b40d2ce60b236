/**
 * Structural validation against schemas/eks-access.schema.json (the single source of the manifest's
 * shape), with Ajv's errors turned into Problems a person can act on, at the node to change.
 */
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js'
import addFormats from 'ajv-formats'
import manifestSchema from '../../schemas/eks-access.schema.json' with { type: 'json' }
import { problemAt, type Problem } from '../types.js'
import type { ManifestSource } from './load.js'
import { isScalar } from 'yaml'
import { locate, nodeAt, type Locatable, type PathSegment } from './locate.js'
import { suggestClosest } from './suggest.js'

export { manifestSchema }

/** A schema problem plus the value path it concerns (the model leaves out what failed). */
export interface SchemaFinding {
  readonly path: readonly PathSegment[]
  readonly problem: Problem
}

/** Keywords in the schema that only editors (VS Code, yaml-language-server) and our messages read. */
const MESSAGE_KEYWORDS = ['patternErrorMessage', 'errorMessage']

export interface CompileOptions {
  /** Check the schema against the 2020-12 meta-schema while compiling (tests do; run time skips it). */
  readonly validateSchema?: boolean
}

/**
 * The one Ajv set-up for our schemas (manifest, organisation rules): 2020-12, every error, strict
 * mode on so a typo in a schema is a compile error, the date formats, and the editor-only keywords.
 */
export function createSchemaAjv(opts: CompileOptions = {}): Ajv2020 {
  const ajv = new Ajv2020({
    allErrors: true,
    verbose: true,
    strict: true,
    strictTypes: false,
    validateSchema: opts.validateSchema ?? false,
  })
  addFormats.default(ajv, ['date', 'date-time'])
  ajv.addVocabulary(MESSAGE_KEYWORDS)
  return ajv
}

/** Compiles the manifest schema. */
export function compileManifestSchema(opts: CompileOptions = {}): ValidateFunction {
  return createSchemaAjv(opts).compile(manifestSchema)
}

/**
 * The compiled validator, built on first use: compiling costs tens of milliseconds, which a
 * command that never validates (or a test that never touches the schema) should not pay.
 * A memo of a pure function, so it holds no state that changes behaviour.
 */
export const manifestValidator: () => ValidateFunction = (() => {
  let compiled: ValidateFunction | undefined
  return () => (compiled ??= compileManifestSchema())
})()

/** True when the value needs no finding (the fast path's check: no positions needed). */
export function passesManifestSchema(value: unknown, validate = manifestValidator()): boolean {
  return validate(value)
}

/** Validates one document's value; problems are located in the source's YAML tree. */
export function checkManifestSchema(source: ManifestSource, validate = manifestValidator()): SchemaFinding[] {
  if (validate(source.value)) return []
  const errors = dropRequiredExplainedByTypo(pruneNoise(validate.errors ?? []))
  const src = { ...source.locatable(), value: source.value }
  const findings = errors.flatMap((e) => describeError(src, e))
  return dedupeFindings(findings)
}

// ───────────────────────────── noise ─────────────────────────────

/**
 * Ajv reports a failed anyOf as every branch's error plus the anyOf itself, and a bad property
 * name both inside and as `propertyNames`. Keep one error per real mistake.
 */
function pruneNoise(errors: readonly ErrorObject[]): ErrorObject[] {
  const combinators = errors.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf').map((e) => `${e.schemaPath}/`)
  return errors.filter((e) => e.keyword !== 'propertyNames' && !combinators.some((prefix) => e.schemaPath.startsWith(prefix)))
}

/**
 * `accountid: "1111…"` is one mistake, not two: the unknown key's did-you-mean already names the
 * required key it misspells, so "missing required key accountId" would only repeat it.
 */
function dropRequiredExplainedByTypo(errors: readonly ErrorObject[]): ErrorObject[] {
  const misspelled = new Set<string>()
  for (const e of errors) {
    if (e.keyword !== 'additionalProperties') continue
    const parent = (e.parentSchema ?? {}) as Record<string, unknown>
    const allowed = Object.keys(isRecord(parent.properties) ? parent.properties : {})
    const guess = suggestClosest(String((e.params as Record<string, unknown>).additionalProperty), allowed)
    if (guess !== undefined) misspelled.add(`${e.instancePath}\u0000${guess}`)
  }
  if (misspelled.size === 0) return [...errors]
  return errors.filter(
    (e) =>
      e.keyword !== 'required' ||
      !misspelled.has(`${e.instancePath}\u0000${String((e.params as Record<string, unknown>).missingProperty)}`),
  )
}

function dedupeFindings(findings: readonly SchemaFinding[]): SchemaFinding[] {
  const seen = new Set<string>()
  return findings.filter((f) => {
    const p = f.problem
    const id = `${p.line}:${p.column}:${p.code}:${p.message}`
    if (seen.has(id)) return false
    seen.add(id)
    return true
  })
}

// ───────────────────────────── paths and names ─────────────────────────────

function parsePointer(pointer: string, root: unknown): PathSegment[] {
  if (pointer === '') return []
  const path: PathSegment[] = []
  let value: unknown = root
  for (const raw of pointer.split('/').slice(1)) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~')
    const key: PathSegment = Array.isArray(value) ? Number(segment) : segment
    path.push(key)
    value = isRecord(value) || Array.isArray(value) ? (value as Record<string, unknown>)[String(key)] : undefined
  }
  return path
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** How a mapping at `path` is called in messages: `access entry`, `cluster "prod-eu"`, … */
export function describeContainer(path: readonly PathSegment[]): string {
  if (path.length === 0) return 'the manifest'
  if (path.length === 2 && path[0] === 'clusters') return `cluster "${String(path[1])}"`
  if (path.length === 2 && path[0] === 'accessEntries') return 'access entry'
  const last = path[path.length - 1]
  const parent = path[path.length - 2]
  if (typeof last === 'number' && parent === 'accessPolicies') return 'access policy'
  if (parent === 'tags' && path.length > 2) return `tag "${String(last)}"`
  if (typeof last === 'number') return `${String(parent)} item`
  return String(last)
}

/** How the value at `path` is called: `region`, `kubernetesGroups item`, `cluster "x"`. */
function describeValue(path: readonly PathSegment[]): string {
  return describeContainer(path)
}

const TYPE_NAMES: Record<string, string> = {
  object: 'a mapping',
  array: 'a list',
  string: 'a string',
  boolean: 'true or false',
  number: 'a number',
  integer: 'a whole number',
  null: 'empty',
}

function describeData(data: unknown): string {
  if (data === null || data === undefined) return 'empty'
  if (Array.isArray(data)) return 'a list'
  if (typeof data === 'object') return 'a mapping'
  if (typeof data === 'string') return `the string ${JSON.stringify(data)}`
  if (typeof data === 'boolean') return String(data)
  return `the ${typeof data} ${String(data)}`
}

function quoteValue(data: unknown): string {
  return typeof data === 'string' ? JSON.stringify(data) : String(data)
}

// ───────────────────────────── one Ajv error → findings ─────────────────────────────

function describeError(src: Locatable & { readonly value: unknown }, e: ErrorObject): SchemaFinding[] {
  const path = parsePointer(e.instancePath, src.value)
  const finding: MakeFinding = (p, code, message, key = false) => ({
    path: p,
    problem: problemAt(locate(src, p, { key }), 'error', code, message),
  })
  const params = e.params as Record<string, unknown>
  const parent = (e.parentSchema ?? {}) as Record<string, unknown>
  // an error inside `propertyNames` concerns a key, not a value
  if (e.propertyName !== undefined) return [describeKeyError(path, e, finding)]
  switch (e.keyword) {
    case 'additionalProperties':
      return [unknownKey(path, String(params.additionalProperty), parent, e.data, finding)]
    case 'required':
      return [finding(path, 'schema:required', `missing required key "${String(params.missingProperty)}" in ${describeContainer(path)}`)]
    case 'type': {
      const expected = String(params.type)
        .split(',')
        .map((t) => TYPE_NAMES[t] ?? t)
        .join(' or ')
      // Quote what the user wrote, not what YAML made of it: `012345678901` reads as the number
      // 12345678901, and quoting that would drop the account ID's leading zero.
      const written = typeof e.data === 'number' || typeof e.data === 'boolean' ? writtenScalar(src, path) : undefined
      const what =
        written !== undefined && written !== String(e.data)
          ? `${written}, which YAML reads as ${describeData(e.data)}`
          : describeData(e.data)
      const hint =
        expected === 'a string' && (typeof e.data === 'number' || typeof e.data === 'boolean')
          ? ` (quote it: "${written ?? String(e.data)}")`
          : expected === 'a list' && typeof e.data === 'string'
            ? ` (write a list, even of one item: [${JSON.stringify(e.data)}])`
            : ''
      return [finding(path, 'schema:type', `${describeValue(path)} must be ${expected}, not ${what}${hint}`)]
    }
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map(String)
      const guess = typeof e.data === 'string' ? suggestClosest(e.data, allowed) : undefined
      const suffix = guess ? `; did you mean "${guess}"?` : ''
      return [
        finding(
          path,
          'schema:enum',
          `invalid ${describeValue(path)} ${quoteValue(e.data)}; expected one of: ${allowed.join(', ')}${suffix}`,
        ),
      ]
    }
    case 'const':
      return [
        finding(path, 'schema:const', `${describeValue(path)} must be ${JSON.stringify(params.allowedValue)}, not ${quoteValue(e.data)}`),
      ]
    case 'pattern': {
      const expected =
        typeof parent.patternErrorMessage === 'string' ? parent.patternErrorMessage : `text matching ${String(params.pattern)}`
      return [finding(path, 'schema:pattern', `invalid ${describeValue(path)} ${quoteValue(e.data)}; expected ${expected}`)]
    }
    case 'anyOf':
    case 'oneOf':
    case 'format': {
      const expected = typeof parent.errorMessage === 'string' ? parent.errorMessage : `a ${String(params.format ?? 'valid value')}`
      return [finding(path, 'schema:format', `invalid ${describeValue(path)} ${quoteValue(e.data)}; expected ${expected}`)]
    }
    case 'uniqueItems':
      return duplicateItems(path, e.data, finding)
    case 'minItems':
      return [finding(path, 'schema:min-items', minItemsMessage(path, Number(params.limit)))]
    case 'minLength':
      return [finding(path, 'schema:min-length', `${describeValue(path)} must not be empty`)]
    case 'maxLength':
      return [
        finding(
          path,
          'schema:max-length',
          `${describeValue(path)} is ${String(e.data).length} characters long; at most ${String(params.limit)} allowed`,
        ),
      ]
    case 'maxProperties':
      return [
        finding(
          path,
          'schema:max-properties',
          `${describeValue(path)} has ${Object.keys(e.data as object).length} keys; at most ${String(params.limit)} allowed`,
        ),
      ]
    default:
      return [finding(path, `schema:${kebab(e.keyword)}`, `${describeValue(path)} ${e.message ?? 'is invalid'}`)]
  }
}

/** The source text of the plain scalar at `path`, as written in the file (undefined for anything else). */
function writtenScalar(src: Locatable, path: readonly PathSegment[]): string | undefined {
  const node = nodeAt(src, path)
  return isScalar(node) && node.type === 'PLAIN' && typeof node.source === 'string' ? node.source : undefined
}

type MakeFinding = (p: readonly PathSegment[], code: string, message: string, key?: boolean) => SchemaFinding

function unknownKey(
  path: readonly PathSegment[],
  key: string,
  parent: Record<string, unknown>,
  data: unknown,
  finding: MakeFinding,
): SchemaFinding {
  const allowed = Object.keys(isRecord(parent.properties) ? parent.properties : {})
  const guess = suggestClosest(key, allowed)
  const hint = guess ? `; did you mean "${guess}"?` : allowed.length > 0 ? `; allowed keys: ${allowed.join(', ')}` : ''
  const found = finding([...path, key], 'schema:unknown-key', `unknown key "${key}" in ${describeContainer(path)}${hint}`, true)
  // A misspelled required key stands for the missing one (whose own error is dropped): the finding
  // concerns the mapping that lacks it, so the model sets that mapping aside as it would for `required`.
  const required = Array.isArray(parent.required) ? parent.required : []
  const missing = guess !== undefined && required.includes(guess) && !(isRecord(data) && Object.hasOwn(data, guess))
  return missing ? { path, problem: found.problem } : found
}

function describeKeyError(path: readonly PathSegment[], e: ErrorObject, finding: MakeFinding): SchemaFinding {
  const name = String(e.propertyName)
  const keyPath = [...path, name]
  const what = path.length === 1 && path[0] === 'clusters' ? 'cluster name' : path[path.length - 1] === 'tags' ? 'tag key' : 'key'
  const parent = (e.parentSchema ?? {}) as Record<string, unknown>
  const params = e.params as Record<string, unknown>
  switch (e.keyword) {
    case 'pattern': {
      const expected =
        typeof parent.patternErrorMessage === 'string' ? parent.patternErrorMessage : `text matching ${String(params.pattern)}`
      return finding(keyPath, 'schema:pattern', `invalid ${what} ${JSON.stringify(name)}; expected ${expected}`, true)
    }
    case 'minLength':
      return finding(keyPath, 'schema:min-length', `${what} must not be empty`, true)
    case 'maxLength':
      return finding(
        keyPath,
        'schema:max-length',
        `${what} ${JSON.stringify(name)} is ${name.length} characters long; at most ${String(params.limit)} allowed`,
        true,
      )
    default:
      return finding(keyPath, `schema:${kebab(e.keyword)}`, `invalid ${what} ${JSON.stringify(name)}: ${e.message ?? 'invalid'}`, true)
  }
}

/** Every repeated item, at its second (and later) occurrence; Ajv names only one pair. */
function duplicateItems(path: readonly PathSegment[], data: unknown, finding: MakeFinding): SchemaFinding[] {
  if (!Array.isArray(data)) return []
  const firstIndex = new Map<string, number>()
  const findings: SchemaFinding[] = []
  data.forEach((item, i) => {
    const id = JSON.stringify(item)
    const first = firstIndex.get(id)
    if (first === undefined) firstIndex.set(id, i)
    else
      findings.push(
        finding([...path, i], 'schema:unique', `duplicate ${quoteValue(item)} in ${describeValue(path)} (also item ${first + 1})`),
      )
  })
  return findings
}

function minItemsMessage(path: readonly PathSegment[], limit: number): string {
  const base = `${describeValue(path)} must list at least ${limit} item${limit === 1 ? '' : 's'}`
  return path[path.length - 1] === 'clusters' ? `${base}; omit clusters to select every cluster` : base
}

function kebab(keyword: string): string {
  return keyword.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase()
}
