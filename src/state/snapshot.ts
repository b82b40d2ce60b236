import { compareCodePoints } from '../util/compare.js'
import { didYouMean } from '../util/did-you-mean.js'
import { constants } from 'node:fs'
import { open, stat } from 'node:fs/promises'
import path from 'node:path'
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js'
import stateSchema from '../../schemas/state.schema.json' with { type: 'json' }
import {
  err,
  ok,
  type AccessPolicyInfo,
  type AssociatedPolicy,
  type AuthenticationMode,
  type ObservedCluster,
  type ObservedEntry,
  type Problem,
  type Result,
  type ScopeType,
  type StateSnapshot,
} from '../types.js'
import { parsePrincipalArn } from '../arn.js'
import { findJsonSyntaxError, lineColumnAt, locateJsonNode, shortJson } from './json-source.js'

/**
 * State snapshots: `export --format state` writes them, `plan --state FILE` reads them instead of
 * calling AWS (forks, laptops, the quickstart). Loading validates against
 * schemas/state.schema.json and normalises, so the diff sees the same shape as from readLiveState.
 */

/**
 * Bytes read at most from `--state` (counted as read: pipes, FIFOs and devices included). Sized for
 * realistic fleets: 20 clusters × 500 entries export to about 8 MiB. `export --format state` checks
 * what it writes against the same cap (checkStateSnapshotSize).
 */
export const MAX_STATE_BYTES = 16 * 1024 * 1024
const MAX_STATE_MIB = MAX_STATE_BYTES / 1024 / 1024

/**
 * For `export --format state`: a problem when the serialised snapshot is over the cap `plan --state`
 * accepts (so export never writes a file plan refuses), else undefined.
 */
export function checkStateSnapshotSize(text: string, file: string): Problem | undefined {
  const bytes = Buffer.byteLength(text, 'utf8')
  if (bytes <= MAX_STATE_BYTES) return undefined
  return {
    severity: 'error',
    code: STATE_PROBLEM_CODES.size,
    message: `the snapshot would be ${(bytes / 1024 / 1024).toFixed(1)} MiB, over the ${MAX_STATE_MIB} MiB that plan --state reads; export fewer clusters per file (--cluster)`,
    file,
    line: 1,
    column: 1,
  }
}

export const STATE_PROBLEM_CODES = {
  syntax: 'syntax',
  schema: 'schema',
  duplicate: 'duplicate',
  size: 'size',
  encoding: 'encoding',
} as const

/** Beyond this many schema problems the rest are counted, not located: each costs a scan of the text. */
export const MAX_SCHEMA_PROBLEMS = 50

// Compiled on first use, not at import: compiling costs 50–100 ms, which every CLI command would
// pay just by importing this module (plan imports it even without --state). A write-once cache;
// the schema itself is checked by a unit test, so run time skips Ajv's meta-validation.
let compiledValidator: ValidateFunction | undefined
function stateValidator(): ValidateFunction {
  compiledValidator ??= new Ajv2020({ allErrors: true, verbose: true, strict: true, validateSchema: false }).compile(stateSchema)
  return compiledValidator
}

function sortedSet(values: readonly string[]): string[] {
  return [...new Set(values)].sort(compareCodePoints)
}

// ───────────────────────────── normalising ─────────────────────────────

function normalizePolicy(p: AssociatedPolicy): AssociatedPolicy {
  const namespaces = p.accessScope.type === 'cluster' ? [] : sortedSet(p.accessScope.namespaces)
  return { policyArn: p.policyArn, accessScope: { type: p.accessScope.type, namespaces } }
}

/** A null-prototype copy: tag keys are untrusted (`__proto__` is a legal AWS tag key and must stay a key). */
function sortedRecord(record: Readonly<Record<string, string>>): Record<string, string> {
  const out = Object.create(null) as Record<string, string>
  for (const key of Object.keys(record).sort(compareCodePoints)) out[key] = record[key] as string
  return out
}

export function normalizeObservedEntry(e: ObservedEntry): ObservedEntry {
  return {
    principalArn: e.principalArn,
    type: e.type,
    ...(e.username === undefined ? {} : { username: e.username }),
    kubernetesGroups: sortedSet(e.kubernetesGroups),
    tags: sortedRecord(e.tags),
    accessPolicies: e.accessPolicies.map(normalizePolicy).sort((a, b) => compareCodePoints(a.policyArn, b.policyArn)),
    ...(e.accessEntryArn === undefined ? {} : { accessEntryArn: e.accessEntryArn }),
  }
}

/** Groups and namespaces as sorted sets, policies by ARN, entries by principalArn. */
export function normalizeObservedCluster(c: ObservedCluster): ObservedCluster {
  return {
    name: c.name,
    region: c.region,
    ...(c.accountId === undefined ? {} : { accountId: c.accountId }),
    authenticationMode: c.authenticationMode,
    entries: c.entries.map(normalizeObservedEntry).sort((a, b) => compareCodePoints(a.principalArn, b.principalArn)),
  }
}

function compareClusters(a: ObservedCluster, b: ObservedCluster): number {
  return (
    compareCodePoints(a.region, b.region) || compareCodePoints(a.name, b.name) || compareCodePoints(a.accountId ?? '', b.accountId ?? '')
  )
}

/** Clusters by region then name, everything inside normalised; the catalogue by name. */
export function normalizeStateSnapshot(s: StateSnapshot): StateSnapshot {
  const clusters = s.clusters.map(normalizeObservedCluster).sort(compareClusters)
  if (s.accessPolicies === undefined) return { version: 1, clusters }
  const accessPolicies = s.accessPolicies
    .map((p) => ({ name: p.name, arn: p.arn }))
    .sort((a, b) => compareCodePoints(a.name, b.name) || compareCodePoints(a.arn, b.arn))
  return { version: 1, clusters, accessPolicies }
}

// ───────────────────────────── serialising ─────────────────────────────

type Json = string | number | boolean | null | readonly Json[] | { readonly [key: string]: Json | undefined }

/** 2-space JSON with object keys in code-point order (JSON.stringify would put integer-like keys first). */
function writeStableJson(value: Json, indent: string): string {
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]'
    const inner = indent + '  '
    return `[\n${value.map((v: Json) => inner + writeStableJson(v, inner)).join(',\n')}\n${indent}]`
  }
  if (value !== null && typeof value === 'object') {
    const record = value as { readonly [key: string]: Json | undefined }
    const keys = Object.keys(record)
      .filter((k) => record[k] !== undefined)
      .sort(compareCodePoints)
    if (keys.length === 0) return '{}'
    const inner = indent + '  '
    return `{\n${keys.map((k) => `${inner}${JSON.stringify(k)}: ${writeStableJson(record[k] as Json, inner)}`).join(',\n')}\n${indent}}`
  }
  return JSON.stringify(value)
}

/**
 * Stable text of a snapshot: normalised, sorted keys, 2-space indent, trailing newline, so equal
 * content gives byte-identical files (clean diffs when a snapshot is committed).
 */
export function serializeStateSnapshot(s: StateSnapshot): string {
  return writeStableJson(normalizeStateSnapshot(s) as unknown as Json, '') + '\n'
}

// ───────────────────────────── finding a cluster ─────────────────────────────

/**
 * The snapshot's cluster for a manifest cluster: same EKS name and region, and the same account
 * when the snapshot records one (an exact account match wins over a snapshot cluster without one).
 */
export function findObservedCluster(
  snapshot: StateSnapshot,
  cluster: { readonly name: string; readonly region: string; readonly accountId: string },
): ObservedCluster | undefined {
  const candidates = snapshot.clusters.filter(
    (c) => c.name === cluster.name && c.region === cluster.region && (c.accountId === undefined || c.accountId === cluster.accountId),
  )
  return candidates.find((c) => c.accountId === cluster.accountId) ?? candidates[0]
}

// ───────────────────────────── parsing ─────────────────────────────

interface RawScope {
  readonly type: ScopeType
  readonly namespaces?: readonly string[]
}
interface RawEntry {
  readonly principalArn: string
  readonly type: string
  readonly username?: string
  readonly kubernetesGroups: readonly string[]
  readonly tags: Readonly<Record<string, string>>
  readonly accessPolicies: readonly { readonly policyArn: string; readonly accessScope: RawScope }[]
  readonly accessEntryArn?: string
}
interface RawCluster {
  readonly name: string
  readonly region: string
  readonly accountId?: string
  readonly authenticationMode: AuthenticationMode
  readonly entries: readonly RawEntry[]
}
interface RawSnapshot {
  readonly version: 1
  readonly clusters: readonly RawCluster[]
  readonly accessPolicies?: readonly AccessPolicyInfo[]
}

/** Problem at a character offset of the text. */
function problemAtOffset(text: string, file: string, offset: number, code: string, message: string): Problem {
  const { line, column } = lineColumnAt(text, offset)
  return { severity: 'error', code, message, file, line, column }
}

/** `clusters[0].entries[2].principalArn` for `/clusters/0/entries/2/principalArn`. */
function describePath(segments: readonly string[]): string {
  if (segments.length === 0) return 'the snapshot'
  return segments.map((s, i) => (/^[0-9]+$/.test(s) ? `[${s}]` : i === 0 ? s : `.${s}`)).join('')
}

function pointerSegments(pointer: string): string[] {
  if (pointer === '') return []
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
}

const ARTICLE_TYPES: Readonly<Record<string, string>> = {
  string: 'a string',
  array: 'an array',
  object: 'an object',
  integer: 'an integer',
  number: 'a number',
  boolean: 'a boolean',
  null: 'null',
}

/** The nearest allowed key, for "did you mean" (the one rule in src/util/did-you-mean.ts). */
function suggestKey(key: string, allowed: readonly string[]): string | undefined {
  return didYouMean(key, allowed)
}

/** One schema error as an offset (per PRODUCT.md: unknown key → key, missing key → its object, else the value) and a message. */
function describeSchemaError(e: ErrorObject, text: string): { offset: number; message: string } {
  const segments = pointerSegments(e.instancePath)
  const where = describePath(segments)
  const node = locateJsonNode(text, segments)
  const params = e.params as Record<string, unknown>
  const schemaNode = (e.parentSchema ?? {}) as { title?: string; properties?: Record<string, unknown> }
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String(params['additionalProperty'])
      const child = locateJsonNode(text, [...segments, key])
      const hint = suggestKey(key, Object.keys(schemaNode.properties ?? {}))
      const message = `unknown key "${key}" in ${where}${hint === undefined ? '' : ` (did you mean "${hint}"?)`}`
      return { offset: child.key ?? child.value, message }
    }
    case 'required':
      return { offset: node.value, message: `${where} lacks the required key "${String(params['missingProperty'])}"` }
    case 'type':
      return { offset: node.value, message: `${where} must be ${ARTICLE_TYPES[String(params['type'])] ?? String(params['type'])}` }
    case 'enum':
      return {
        offset: node.value,
        message: `${where} must be one of ${(params['allowedValues'] as unknown[]).map(String).join(', ')}, not ${shortJson(e.data)}`,
      }
    case 'const':
      return { offset: node.value, message: `${where} must be ${JSON.stringify(params['allowedValue'])}, not ${shortJson(e.data)}` }
    case 'pattern':
      return {
        offset: node.value,
        message: `${where}: ${shortJson(e.data)} is not ${schemaNode.title ?? `matching ${String(params['pattern'])}`}`,
      }
    case 'minItems':
      if (segments.at(-1) === 'namespaces')
        return { offset: node.value, message: `${where}: a namespace scope needs at least one namespace` }
      return { offset: node.value, message: `${where} ${e.message ?? 'has too few items'}` }
    case 'maxItems':
      if (segments.at(-1) === 'namespaces') return { offset: node.value, message: `${where}: a cluster scope takes no namespaces` }
      return { offset: node.value, message: `${where} ${e.message ?? 'has too many items'}` }
    case 'minLength':
      return { offset: node.value, message: `${where} must not be empty` }
    default:
      return { offset: node.value, message: `${where} ${e.message ?? 'is invalid'}` }
  }
}

function schemaProblems(errors: readonly ErrorObject[], text: string, file: string): Problem[] {
  const seen = new Set<string>()
  const found: { offset: number; message: string }[] = []
  // `if` errors only say "must match then/else"; the keyword error inside says what is wrong.
  const relevant = errors.filter((x) => x.keyword !== 'if')
  for (const e of relevant.slice(0, MAX_SCHEMA_PROBLEMS)) {
    const d = describeSchemaError(e, text)
    const id = `${d.offset}\u0000${d.message}`
    if (!seen.has(id)) {
      seen.add(id)
      found.push(d)
    }
  }
  const problems = found
    .sort((a, b) => a.offset - b.offset || compareCodePoints(a.message, b.message))
    .map((d) => problemAtOffset(text, file, d.offset, STATE_PROBLEM_CODES.schema, d.message))
  const more = relevant.length - MAX_SCHEMA_PROBLEMS
  if (more > 0) problems.push(problemAtOffset(text, file, 0, STATE_PROBLEM_CODES.schema, `${more} more schema problems not shown`))
  return problems
}

/**
 * What the schema cannot say: one entry per principal per cluster, one association per policy per
 * entry, and each cluster at most once (name + region, with the account when both give one).
 * Problems point at the second occurrence.
 */
function duplicateProblems(raw: RawSnapshot, text: string, file: string): Problem[] {
  const problems: Problem[] = []
  const at = (segments: (string | number)[], message: string): void => {
    problems.push(problemAtOffset(text, file, locateJsonNode(text, segments.map(String)).value, STATE_PROBLEM_CODES.duplicate, message))
  }
  raw.clusters.forEach((c, ci) => {
    const first = raw.clusters.findIndex(
      (o) =>
        o.name === c.name &&
        o.region === c.region &&
        (o.accountId === undefined || c.accountId === undefined || o.accountId === c.accountId),
    )
    if (first < ci) at(['clusters', ci, 'name'], `cluster ${c.name} (${c.region}) is already in the snapshot at clusters[${first}]`)
    const principals = new Map<string, number>()
    c.entries.forEach((e, ei) => {
      const seen = principals.get(e.principalArn)
      if (seen !== undefined)
        at(['clusters', ci, 'entries', ei, 'principalArn'], `${e.principalArn} already has an entry at clusters[${ci}].entries[${seen}]`)
      else principals.set(e.principalArn, ei)
      const policies = new Set<string>()
      e.accessPolicies.forEach((p, pi) => {
        if (policies.has(p.policyArn))
          at(
            ['clusters', ci, 'entries', ei, 'accessPolicies', pi, 'policyArn'],
            `${p.policyArn} is associated twice with ${e.principalArn}`,
          )
        policies.add(p.policyArn)
      })
    })
  })
  return problems
}

/** Principal ARNs follow the manifest's grammar (src/arn.ts): no `role/*`, `role/../x`, `role//x`, invisible characters. */
function principalProblems(raw: RawSnapshot, text: string, file: string): Problem[] {
  const problems: Problem[] = []
  raw.clusters.forEach((c, ci) =>
    c.entries.forEach((e, ei) => {
      const parsed = parsePrincipalArn(e.principalArn)
      if (parsed.ok) return
      const at = locateJsonNode(text, ['clusters', String(ci), 'entries', String(ei), 'principalArn']).value
      problems.push(
        problemAtOffset(
          text,
          file,
          at,
          STATE_PROBLEM_CODES.schema,
          `clusters[${ci}].entries[${ei}].principalArn: ${shortJson(e.principalArn)} is not a valid IAM principal ARN (${parsed.error.reason})`,
        ),
      )
    }),
  )
  return problems
}

function snapshotFromRaw(raw: RawSnapshot): StateSnapshot {
  const clusters: ObservedCluster[] = raw.clusters.map((c) => ({
    name: c.name,
    region: c.region,
    ...(c.accountId === undefined ? {} : { accountId: c.accountId }),
    authenticationMode: c.authenticationMode,
    entries: c.entries.map((e) => ({
      principalArn: e.principalArn,
      type: e.type,
      ...(e.username === undefined ? {} : { username: e.username }),
      kubernetesGroups: e.kubernetesGroups,
      tags: sortedRecord(e.tags),
      accessPolicies: e.accessPolicies.map((p) => ({
        policyArn: p.policyArn,
        accessScope: { type: p.accessScope.type, namespaces: p.accessScope.namespaces ?? [] },
      })),
      ...(e.accessEntryArn === undefined ? {} : { accessEntryArn: e.accessEntryArn }),
    })),
  }))
  const base = { version: 1 as const, clusters }
  return normalizeStateSnapshot(raw.accessPolicies === undefined ? base : { ...base, accessPolicies: raw.accessPolicies })
}

/**
 * Parses and validates snapshot text (JSON; a leading BOM is allowed). Every problem points at
 * `file:line:col` of the offending JSON value (an unknown key at the key, a missing key at the
 * object). The caller enforces the size cap (MAX_STATE_BYTES) before reading the text.
 */
export function parseStateSnapshot(text: string, file: string): Result<StateSnapshot, Problem[]> {
  const source = text.startsWith('\uFEFF') ? text.slice(1) : text
  // The scanner runs first, always: it bounds nesting (so nothing below recurses 4,000 levels deep)
  // and finds duplicate keys, which JSON.parse accepts silently.
  const issue = findJsonSyntaxError(source)
  if (issue) {
    const code = issue.message.startsWith('duplicate key') ? STATE_PROBLEM_CODES.duplicate : STATE_PROBLEM_CODES.syntax
    return err([problemAtOffset(source, file, issue.offset, code, code === 'duplicate' ? issue.message : `invalid JSON: ${issue.message}`)])
  }
  let data: unknown
  try {
    data = JSON.parse(source)
  } catch (e) {
    return err([
      problemAtOffset(source, file, 0, STATE_PROBLEM_CODES.syntax, `invalid JSON: ${e instanceof Error ? e.message : String(e)}`),
    ])
  }
  const validate = stateValidator()
  if (!validate(data)) return err(schemaProblems(validate.errors ?? [], source, file))
  const raw = data as unknown as RawSnapshot
  const duplicates = [...duplicateProblems(raw, source, file), ...principalProblems(raw, source, file)]
  if (duplicates.length > 0) return err(duplicates)
  return ok(snapshotFromRaw(raw))
}

// ───────────────────────────── reading a file ─────────────────────────────

/** A usage error (exit 2: missing, unreadable, a directory) or the parse result (exit 1 on problems). */
export type StateFileLoad =
  | { readonly kind: 'usage'; readonly message: string }
  /** The file was read: its content is valid or has located problems (exit 1); `text` (decoded) comes with problems, for excerpts. */
  | { readonly kind: 'parsed'; readonly result: Result<StateSnapshot, Problem[]>; readonly text?: string }

function fileProblem(file: string, code: string, message: string): StateFileLoad {
  return { kind: 'parsed', result: err([{ severity: 'error', code, message, file, line: 1, column: 1 }]) }
}

function errnoCode(e: unknown): string {
  return typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : String(e)
}

/** Reading stops after this long without a byte (a FIFO whose writer never writes). */
export const STATE_READ_IDLE_MS = 10_000
const CHUNK = 64 * 1024

type BoundedRead = { readonly ok: true; readonly bytes: Uint8Array } | { readonly ok: false; readonly reason: 'too-big' | 'idle' | string }

/**
 * At most MAX_STATE_BYTES + 1 bytes, in bounded chunks, whatever the file is: the cap applies to
 * the bytes actually read (a pipe or /dev/zero has no useful size). Pipes and FIFOs are opened
 * non-blocking, so a FIFO with no writer reads as empty instead of hanging, and one whose writer
 * goes quiet stops after STATE_READ_IDLE_MS.
 */
async function readBounded(file: string, special: boolean, idleMs: number): Promise<BoundedRead> {
  const handle = await open(file, special ? constants.O_RDONLY | constants.O_NONBLOCK : constants.O_RDONLY)
  try {
    const chunks: Buffer[] = []
    let total = 0
    let idleSince = Date.now()
    for (;;) {
      const buffer = Buffer.allocUnsafe(Math.min(CHUNK, MAX_STATE_BYTES + 1 - total))
      let n: number
      try {
        ;({ bytesRead: n } = await handle.read(buffer, 0, buffer.length, null))
      } catch (e) {
        if (errnoCode(e) !== 'EAGAIN') throw e
        if (Date.now() - idleSince > idleMs) return { ok: false, reason: 'idle' }
        await new Promise((r) => setTimeout(r, 20))
        continue
      }
      if (n === 0) break
      idleSince = Date.now()
      chunks.push(buffer.subarray(0, n))
      total += n
      if (total > MAX_STATE_BYTES) return { ok: false, reason: 'too-big' }
    }
    return { ok: true, bytes: Buffer.concat(chunks, total) }
  } finally {
    await handle.close()
  }
}

/** Reads `--state FILE` (relative to cwd); problems name the file relative to cwd. */
export async function loadStateSnapshotFile(
  filePath: string,
  cwd: string,
  opts: { readonly idleMs?: number } = {},
): Promise<StateFileLoad> {
  const absolute = path.resolve(cwd, filePath)
  const shown = path.relative(cwd, absolute) || filePath
  let special: boolean
  try {
    const info = await stat(absolute)
    if (info.isDirectory()) return { kind: 'usage', message: `state file ${shown} is a directory` }
    special = !info.isFile()
  } catch (e) {
    const code = errnoCode(e)
    if (code === 'ENOENT') return { kind: 'usage', message: `state file ${shown} not found` }
    return { kind: 'usage', message: `cannot read state file ${shown}: ${code}` }
  }
  let read: BoundedRead
  try {
    read = await readBounded(absolute, special, opts.idleMs ?? STATE_READ_IDLE_MS)
  } catch (e) {
    return { kind: 'usage', message: `cannot read state file ${shown}: ${errnoCode(e)}` }
  }
  if (!read.ok && read.reason === 'too-big')
    return fileProblem(
      shown,
      STATE_PROBLEM_CODES.size,
      `state file is over the ${MAX_STATE_MIB} MiB limit (reading stopped there); split the snapshot per cluster`,
    )
  if (!read.ok)
    return {
      kind: 'usage',
      message: `state file ${shown}: no data for ${Math.round((opts.idleMs ?? STATE_READ_IDLE_MS) / 1000)} s (a pipe or FIFO whose writer went quiet)`,
    }
  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(read.bytes)
  } catch {
    return fileProblem(shown, STATE_PROBLEM_CODES.encoding, 'state file is not valid UTF-8')
  }
  const result = parseStateSnapshot(text, shown)
  return result.ok ? { kind: 'parsed', result } : { kind: 'parsed', result, text }
}
