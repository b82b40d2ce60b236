/**
 * Manifest files → YAML documents with source positions, or Problems for hostile input.
 *
 * Disk access lives in `loadManifestFiles` only; `parseManifestSource` is pure so tests and
 * benchmarks can feed text without touching the file system.
 */
import { lstat, open, stat } from 'node:fs/promises'
import path from 'node:path'
import { glob } from 'tinyglobby'
import {
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  parseAllDocuments,
  visit,
  type Alias,
  type Document,
  type Node as YamlNode,
  type YAMLError,
} from 'yaml'
import type { Problem, Severity } from '../types.js'
import type { Locatable } from './locate.js'
import { compareCodePoints } from '../util/compare.js'

/** PRODUCT.md limits. */
export const MAX_FILE_BYTES = 5 * 1024 * 1024
export const MAX_DEPTH = 64
export const MAX_ALIAS_NODES = 10_000
/**
 * yaml's parser recurses per flow bracket and slows to seconds on 100k nested `[`; a cheap lexical
 * count rejects such input before parsing. Far above MAX_DEPTH so it never misfires on real files;
 * the exact 64 limit is checked on the parsed tree.
 */
const LEXICAL_FLOW_DEPTH_GUARD = 1_000

/**
 * A parsed manifest file as the schema and the model need it: its value, and the YAML tree to
 * locate nodes in, which the fast path (fast.ts) builds only when first asked.
 */
export interface ManifestSource {
  /** Path relative to the working directory, `/`-separated. */
  readonly file: string
  /** Decoded text without BOM: line/column refer to it. */
  readonly text: string
  /** The document as plain JS (mapping keys as strings). */
  readonly value: unknown
  /** The YAML tree with positions (may parse on first call; the same object afterwards). */
  readonly locatable: () => Locatable
}

/** One file parsed by `yaml` (the slow path), with its YAML tree at hand. */
export interface LoadedFile extends ManifestSource {
  readonly doc: Document.Parsed
  readonly lineCounter: LineCounter
  /** The document as plain JS (mapping keys as strings; an alias shares its anchor's value). */
  readonly value: unknown
  /** Where each alias points, so locating a path through an alias is O(1). */
  readonly aliasTargets: ReadonlyMap<Alias, YamlNode>
}

export interface ParsedSource extends ParsedAs<LoadedFile> {
  /** Present when the file parsed cleanly (warnings allowed). */
  readonly loaded?: LoadedFile
  /** Decoded text, when decoding succeeded (for source excerpts in output). */
  readonly text?: string
}

export type LoadOutcome<T = LoadedFile> =
  | { readonly kind: 'usage'; readonly message: string }
  | {
      readonly kind: 'loaded'
      /** Every matched file, sorted. */
      readonly files: readonly string[]
      /** Files that parsed, sorted by path. */
      readonly loaded: readonly T[]
      readonly problems: Problem[]
      /** file → decoded text, for every file that could be decoded. */
      readonly sources: ReadonlyMap<string, string>
    }

/** What parsing one file yields: `parseManifestSource`'s shape, whatever `T` the caller builds. */
export interface ParsedAs<T> {
  readonly loaded?: T
  readonly text?: string
  readonly problems: Problem[]
}

// ───────────────────────────── disk ─────────────────────────────

const GLOB_CHARS = /[*?[\]{}!]/

function toPosixRelative(cwd: string, abs: string): string {
  return path.relative(cwd, abs).split(path.sep).join('/')
}

function errnoCode(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string' ? e.code : undefined
}

/** Absolute paths the pattern names, or a usage message (exit 2). A plain existing path is used as is. */
export async function findManifestFiles(
  pattern: string,
  cwd: string,
): Promise<{ kind: 'usage'; message: string } | { kind: 'found'; paths: string[] }> {
  const abs = path.resolve(cwd, pattern)
  const info = await stat(abs).catch(() => undefined)
  if (info?.isDirectory()) {
    return {
      kind: 'usage',
      message: `manifest "${pattern}" is a directory; pass a file or a glob such as "${path.posix.join(pattern, '*.yaml')}"`,
    }
  }
  if (info) return { kind: 'found', paths: [abs] }
  if (!GLOB_CHARS.test(pattern)) {
    return { kind: 'usage', message: `manifest file "${pattern}" not found (looked in ${cwd}); check the path or pass --manifest` }
  }
  const paths = await glob([pattern], { cwd, absolute: true, onlyFiles: true, expandDirectories: false, dot: false })
  if (paths.length === 0) {
    return {
      kind: 'usage',
      message: `manifest glob "${pattern}" matches no file (looked in ${cwd}); check the pattern or pass a file path`,
    }
  }
  return { kind: 'found', paths: paths.map((p) => path.resolve(p)) }
}

/**
 * Reads and parses every file the pattern names, sorted by relative path. `parse` defaults to the
 * `yaml` parse; validate passes its fast-path-first parse.
 */
export async function loadManifestFiles(pattern: string, cwd: string): Promise<LoadOutcome>
export async function loadManifestFiles<T>(
  pattern: string,
  cwd: string,
  parse: (file: string, bytes: Uint8Array) => ParsedAs<T>,
): Promise<LoadOutcome<T>>
export async function loadManifestFiles<T>(
  pattern: string,
  cwd: string,
  parse: (file: string, bytes: Uint8Array) => ParsedAs<T> = parseManifestSource as unknown as (
    file: string,
    bytes: Uint8Array,
  ) => ParsedAs<T>,
): Promise<LoadOutcome<T>> {
  const found = await findManifestFiles(pattern, cwd)
  if (found.kind === 'usage') return found
  const entries = found.paths.map((abs) => ({ abs, file: toPosixRelative(cwd, abs) })).sort((a, b) => compareStrings(a.file, b.file))
  const loaded: T[] = []
  const problems: Problem[] = []
  const sources = new Map<string, string>()
  for (const { abs, file } of entries) {
    const read = await readManifestBytes(abs, file)
    if (read.kind === 'usage') return read
    if (read.kind === 'problem') {
      problems.push(read.problem)
      continue
    }
    const parsed = parse(file, read.bytes)
    if (parsed.text !== undefined) sources.set(file, parsed.text)
    if (parsed.loaded) loaded.push(parsed.loaded)
    problems.push(...parsed.problems)
  }
  return { kind: 'loaded', files: entries.map((e) => e.file), loaded, problems, sources }
}

async function readManifestBytes(
  abs: string,
  file: string,
): Promise<{ kind: 'usage'; message: string } | { kind: 'problem'; problem: Problem } | { kind: 'bytes'; bytes: Uint8Array }> {
  try {
    // stat before reading: a 2 GB file must not be pulled into memory just to be rejected
    const info = await lstat(abs).then((l) => (l.isSymbolicLink() ? stat(abs) : l))
    if (info.size > MAX_FILE_BYTES) return { kind: 'problem', problem: tooLarge(file, info.size) }
    // Read at most one byte past the limit: a file can grow after stat, and a device or pipe
    // (`/dev/zero`, `/dev/stdin`) reports size 0 and may never end.
    const bytes = await readAtMost(abs, MAX_FILE_BYTES + 1)
    if (bytes.byteLength > MAX_FILE_BYTES) return { kind: 'problem', problem: tooLargeStream(file) }
    return { kind: 'bytes', bytes }
  } catch (e) {
    const code = errnoCode(e)
    const why =
      code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'ENOENT' ? 'it no longer exists' : (code ?? 'read failed')
    return { kind: 'usage', message: `cannot read manifest file "${file}": ${why}; check that the file exists and is readable` }
  }
}

/** The first `limit` bytes of a file (fewer when it ends first). */
export async function readAtMost(abs: string, limit: number): Promise<Uint8Array> {
  const handle = await open(abs, 'r')
  try {
    const chunks: Buffer[] = []
    let total = 0
    while (total < limit) {
      const chunk = Buffer.alloc(Math.min(64 * 1024, limit - total))
      const { bytesRead } = await handle.read(chunk, 0, chunk.byteLength, null)
      if (bytesRead === 0) break
      chunks.push(chunk.subarray(0, bytesRead))
      total += bytesRead
    }
    return Buffer.concat(chunks, total)
  } finally {
    await handle.close()
  }
}

/** Over the limit, size unknown (a stream or a file that grew while being read). */
function tooLargeStream(file: string): Problem {
  return fileProblem(
    file,
    'file:too-large',
    'file is larger than 5 MiB; manifest files are limited to 5 MiB (split it into several files and use a glob)',
  )
}

function tooLarge(file: string, size: number): Problem {
  const mib = (size / 1024 / 1024).toFixed(1)
  return fileProblem(
    file,
    'file:too-large',
    `file is ${mib} MiB; manifest files are limited to 5 MiB (split it into several files and use a glob)`,
  )
}

// ───────────────────────────── pure parsing ─────────────────────────────

function fileProblem(file: string, code: string, message: string, line = 1, column = 1, severity: Severity = 'error'): Problem {
  return { severity, code, message, file, line, column }
}

export const compareStrings = compareCodePoints

/** Parses one manifest's bytes (or already-decoded text) with `yaml`. Never throws on user input. */
export function parseManifestSource(file: string, content: Uint8Array | string): ParsedSource {
  const decoded = decodeManifest(file, content)
  if (decoded.kind === 'problem') return { problems: [decoded.problem] }
  const text = decoded.text
  return { ...parseManifestText(file, text), text }
}

/** Bytes or text → text without BOM, or the size/encoding/binary problem. Runs before any parser. */
export function decodeManifest(
  file: string,
  content: Uint8Array | string,
): { kind: 'text'; text: string } | { kind: 'problem'; problem: Problem } {
  return typeof content === 'string' ? decodeString(file, content) : decodeBytes(file, content)
}

function decodeString(file: string, text: string): { kind: 'text'; text: string } | { kind: 'problem'; problem: Problem } {
  if (Buffer.byteLength(text, 'utf8') > MAX_FILE_BYTES) return { kind: 'problem', problem: tooLarge(file, Buffer.byteLength(text, 'utf8')) }
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text
  const nul = body.indexOf('\0')
  if (nul >= 0) return { kind: 'problem', problem: binaryProblem(file) }
  return { kind: 'text', text: body }
}

function binaryProblem(file: string): Problem {
  return fileProblem(file, 'file:binary', 'file contains NUL bytes and looks binary, not YAML; check that --manifest names the right file')
}

function decodeBytes(file: string, bytes: Uint8Array): { kind: 'text'; text: string } | { kind: 'problem'; problem: Problem } {
  if (bytes.byteLength > MAX_FILE_BYTES) return { kind: 'problem', problem: tooLarge(file, bytes.byteLength) }
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff) || looksLikeBomlessUtf16(bytes)) {
    return {
      kind: 'problem',
      problem: fileProblem(file, 'file:encoding', 'file is UTF-16 encoded; manifests must be UTF-8 (re-save the file as UTF-8)'),
    }
  }
  if (bytes.includes(0)) return { kind: 'problem', problem: binaryProblem(file) }
  try {
    // fatal: reject instead of silently turning bad bytes into U+FFFD; the default strips a UTF-8 BOM
    return { kind: 'text', text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) }
  } catch {
    return { kind: 'problem', problem: encodingProblem(file, bytes) }
  }
}

/**
 * UTF-16 without a BOM (some editors and PowerShell redirections write it): ASCII text then has a
 * NUL in every other byte. Calling that "binary" would send the user looking for the wrong file.
 */
function looksLikeBomlessUtf16(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.byteLength, 64) & ~1
  if (n < 4) return false
  let le = true
  let be = true
  for (let i = 0; i < n; i += 2) {
    const even = bytes[i] ?? 0
    const odd = bytes[i + 1] ?? 0
    le &&= even !== 0 && odd === 0
    be &&= even === 0 && odd !== 0
  }
  return le || be
}

/** Names the line/column of the first byte that is not UTF-8 (only computed on the error path). */
function encodingProblem(file: string, bytes: Uint8Array): Problem {
  let good = 0
  let bad = bytes.byteLength
  // largest prefix that is valid UTF-8 up to an incomplete trailing sequence: validity is monotonic in length
  while (bad - good > 1) {
    const mid = (good + bad) >>> 1
    if (decodesAsUtf8(bytes.subarray(0, mid))) good = mid
    else bad = mid
  }
  const offset = startOfIncompleteTail(bytes, good)
  const prefix = new TextDecoder('utf-8').decode(bytes.subarray(0, offset))
  const lines = prefix.split('\n')
  const line = lines.length
  const column = (lines[lines.length - 1]?.length ?? 0) + 1
  const byte = bytes[offset] ?? 0
  return fileProblem(
    file,
    'file:encoding',
    `invalid UTF-8 (byte 0x${byte.toString(16).toUpperCase().padStart(2, '0')}); manifests must be UTF-8 (re-save the file as UTF-8)`,
    line,
    column,
  )
}

/** Where the unfinished multi-byte sequence at the end of `bytes[0, end)` begins (or `end`). */
function startOfIncompleteTail(bytes: Uint8Array, end: number): number {
  let start = end
  while (start > 0 && end - start < 3 && ((bytes[start - 1] ?? 0) & 0xc0) === 0x80) start--
  const lead = bytes[start - 1] ?? 0
  return start > 0 && lead >= 0xc0 ? start - 1 : end
}

function decodesAsUtf8(bytes: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: true })
    return true
  } catch {
    return false
  }
}

/** True when `[`/`{` nest deeper than the guard outside quotes and comments (approximate on purpose). */
export function exceedsLexicalFlowDepth(text: string, limit = LEXICAL_FLOW_DEPTH_GUARD): number | undefined {
  let depth = 0
  let quote = ''
  let comment = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (comment) {
      if (c === '\n') comment = false
      continue
    }
    if (quote) {
      if (c === '\\' && quote === '"') i++
      else if (c === quote) quote = ''
      continue
    }
    if (c === '#' && (i === 0 || /\s/.test(text[i - 1] ?? ''))) comment = true
    else if ((c === '"' || c === "'") && (depth > 0 || opensBlockQuote(text, i))) quote = c
    else if (c === '[' || c === '{') {
      if (++depth > limit) return i
    } else if ((c === ']' || c === '}') && depth > 0) depth--
  }
  return undefined
}

/** In block context a quote opens a scalar only where a value starts (`key: "`, `- '`), not in `don't`. */
function opensBlockQuote(text: string, i: number): boolean {
  let j = i - 1
  while (j >= 0 && (text[j] === ' ' || text[j] === '\t')) j--
  const before = j < 0 ? '\n' : text[j]
  return before === '\n' || before === ':' || before === '-' || before === '?'
}

/** Decoded text → the `yaml` document and its value, or Problems (the exact, slow path). */
export function parseManifestText(file: string, text: string): { loaded?: LoadedFile; problems: Problem[] } {
  const lineCounter = new LineCounter()
  const at = (offset: number): { line: number; column: number } => {
    const pos = lineCounter.linePos(offset)
    return { line: pos.line, column: pos.col }
  }
  const deepAt = exceedsLexicalFlowDepth(text)
  if (deepAt !== undefined) {
    // the line counter is filled by the parser, which we skip here
    const before = text.slice(0, deepAt).split('\n')
    return {
      problems: [fileProblem(file, 'yaml:too-deep', tooDeepMessage(), before.length, (before[before.length - 1]?.length ?? 0) + 1)],
    }
  }
  const docs = parseAllDocuments(text, { lineCounter, prettyErrors: false, uniqueKeys: true })
  if (!Array.isArray(docs) || docs.length === 0) {
    return { problems: [fileProblem(file, 'file:empty', 'file is empty; a manifest starts with "version: 1"')] }
  }
  const doc = docs[0] as Document.Parsed
  const problems: Problem[] = []
  for (const error of doc.errors) problems.push(yamlProblem(file, doc, error, at, 'error'))
  for (const warning of doc.warnings) problems.push(yamlProblem(file, doc, warning, at, 'warning'))
  if (docs.length > 1) {
    const second = docs[1] as Document.Parsed
    problems.push(
      fileProblem(
        file,
        'yaml:multi-document',
        'file holds several YAML documents; put one manifest per file (use several files and a glob instead of ---)',
        ...lineColumn(at(second.range[0])),
      ),
    )
  }
  if (problems.some((p) => p.severity === 'error')) return { problems }
  if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null && doc.contents.source === '')) {
    return { problems: [...problems, fileProblem(file, 'file:empty', 'file is empty; a manifest starts with "version: 1"')] }
  }
  const converted = convertDocument(doc, file, at)
  if (converted.kind === 'problem') return { problems: [...problems, converted.problem] }
  const loaded: LoadedFile = {
    file,
    text,
    doc,
    lineCounter,
    value: converted.value,
    aliasTargets: converted.aliasTargets,
    locatable: () => loaded,
  }
  return { loaded, problems }
}

function lineColumn(pos: { line: number; column: number }): [number, number] {
  return [pos.line, pos.column]
}

function tooDeepMessage(): string {
  return `nesting is deeper than ${MAX_DEPTH} levels; manifests are limited to ${MAX_DEPTH}`
}

function yamlProblem(
  file: string,
  doc: Document.Parsed,
  error: YAMLError,
  at: (offset: number) => { line: number; column: number },
  severity: Severity,
): Problem {
  const [line, column] = lineColumn(at(error.pos[0]))
  switch (error.code) {
    case 'DUPLICATE_KEY':
      return fileProblem(file, 'yaml:duplicate-key', duplicateKeyMessage(doc, error.pos[0], at), line, column, severity)
    case 'RESOURCE_EXHAUSTION':
      return fileProblem(file, 'yaml:too-deep', tooDeepMessage(), line, column, severity)
    default: {
      const text = error.message.replace(/ at line \d+, column \d+:?[\s\S]*$/, '')
      const fix = YAML_FIXES[error.code] ?? ''
      return fileProblem(file, severity === 'error' ? 'yaml:syntax' : 'yaml:warning', `YAML: ${text}${fix}`, line, column, severity)
    }
  }
}

/** How to fix the YAML errors people make most in hand-written manifests (yaml's own text says only what). */
const YAML_FIXES: Readonly<Partial<Record<YAMLError['code'], string>>> = {
  TAB_AS_INDENT: '; indent with spaces (YAML does not allow tabs for indentation)',
  BLOCK_AS_IMPLICIT_KEY: '; a value that contains ": " must be quoted, e.g. username: "a: b"',
}

/** `duplicate key "x" (first at line 3)`: find the pair whose key starts where yaml says. */
function duplicateKeyMessage(doc: Document.Parsed, offset: number, at: (offset: number) => { line: number }): string {
  let message = 'duplicate key; each key may appear only once in a mapping'
  visit(doc, {
    Pair(_, pair, ancestors) {
      if (!isScalar(pair.key) || pair.key.range?.[0] !== offset) return undefined
      const name = String(pair.key.value)
      const parent = ancestors[ancestors.length - 1]
      const first = isMap(parent)
        ? parent.items.find((p) => isScalar(p.key) && p.key !== pair.key && String(p.key.value) === name)
        : undefined
      const firstOffset = isScalar(first?.key) ? first.key.range?.[0] : undefined
      message =
        firstOffset === undefined
          ? `duplicate key "${name}"; each key may appear only once in a mapping`
          : `duplicate key "${name}" (first defined at line ${at(firstOffset).line}); each key may appear only once in a mapping`
      return visit.BREAK
    },
  })
  return message
}

// ───────────────────────────── YAML tree → JS with limits ─────────────────────────────

interface ConvertState {
  readonly file: string
  readonly at: (offset: number) => { line: number; column: number }
  readonly anchors: Map<string, YamlNode>
  readonly inProgress: Set<YamlNode>
  /** value and expanded node count of every finished anchored node */
  readonly anchored: Map<YamlNode, Converted>
  readonly aliasTargets: Map<Alias, YamlNode>
  expanded: number
  failure: Problem | undefined
}

interface Converted {
  readonly value: unknown
  /** nodes this value stands for once aliases are expanded */
  readonly size: number
}

const FAILED: Converted = { value: undefined, size: 0 }

/**
 * Converts the document to JS itself instead of `doc.toJS()`, so that one walk enforces the
 * depth limit and counts alias expansion exactly (yaml's `maxAliasCount` is a heuristic, and
 * `Alias.resolve` scans the whole document per alias). Recursion is bounded by MAX_DEPTH.
 */
function convertDocument(
  doc: Document.Parsed,
  file: string,
  at: (offset: number) => { line: number; column: number },
): { kind: 'value'; value: unknown; aliasTargets: Map<Alias, YamlNode> } | { kind: 'problem'; problem: Problem } {
  const state: ConvertState = {
    file,
    at,
    anchors: new Map(),
    inProgress: new Set(),
    anchored: new Map(),
    aliasTargets: new Map(),
    expanded: 0,
    failure: undefined,
  }
  const result = convertNode(doc.contents as YamlNode, 1, state)
  if (state.failure) return { kind: 'problem', problem: state.failure }
  return { kind: 'value', value: result.value, aliasTargets: state.aliasTargets }
}

function failAt(state: ConvertState, node: YamlNode, code: string, message: string): Converted {
  const [line, column] = lineColumn(state.at(node.range?.[0] ?? 0))
  state.failure ??= fileProblem(state.file, code, message, line, column)
  return FAILED
}

/** `depth` counts collections: the root mapping is 1, a scalar adds none. */
function convertNode(node: YamlNode, depth: number, state: ConvertState): Converted {
  if (depth > MAX_DEPTH && (isMap(node) || isSeq(node))) return failAt(state, node, 'yaml:too-deep', tooDeepMessage())
  if (isAlias(node)) return convertAlias(node, state)
  if (node.anchor) {
    state.anchors.set(node.anchor, node)
    state.inProgress.add(node)
  }
  let converted: Converted
  if (isScalar(node)) converted = { value: node.value, size: 1 }
  else if (isMap(node)) converted = convertMap(node.items, depth, state)
  else if (isSeq(node)) converted = convertSeq(node.items, depth, state)
  else return failAt(state, node, 'yaml:syntax', 'unsupported YAML node')
  if (node.anchor) {
    state.inProgress.delete(node)
    state.anchored.set(node, converted)
  }
  return converted
}

function convertAlias(alias: Alias, state: ConvertState): Converted {
  const target = state.anchors.get(alias.source)
  if (target === undefined)
    return failAt(state, alias, 'yaml:syntax', `alias *${alias.source} refers to no anchor &${alias.source} before it`)
  if (state.inProgress.has(target)) {
    return failAt(state, alias, 'yaml:alias-limit', `alias *${alias.source} refers to a node that contains it and would expand forever`)
  }
  const resolved = state.anchored.get(target)
  if (resolved === undefined) return failAt(state, alias, 'yaml:syntax', `alias *${alias.source} cannot be resolved`)
  state.aliasTargets.set(alias, target)
  state.expanded += resolved.size
  if (state.expanded > MAX_ALIAS_NODES) {
    return failAt(
      state,
      alias,
      'yaml:alias-limit',
      `aliases expand to more than ${MAX_ALIAS_NODES} nodes; write the values out or use fewer aliases`,
    )
  }
  return resolved
}

function convertMap(items: readonly unknown[], depth: number, state: ConvertState): Converted {
  const obj: Record<string, unknown> = {}
  let size = 1
  for (const pair of items) {
    if (!isPair(pair)) continue
    const keyNode = pair.key as YamlNode | null
    if (keyNode !== null && !isScalar(keyNode)) {
      return failAt(state, keyNode, 'yaml:syntax', 'only plain scalar mapping keys are supported')
    }
    const key = keyNode === null || keyNode.value === null ? '' : String(keyNode.value)
    const child = pair.value === null ? { value: null, size: 1 } : convertNode(pair.value as YamlNode, depth + 1, state)
    if (state.failure) return FAILED
    // defineProperty: a key named "__proto__" must stay data, not replace the prototype
    Object.defineProperty(obj, key, { value: child.value, enumerable: true, writable: true, configurable: true })
    size += 1 + child.size
  }
  return { value: obj, size }
}

function convertSeq(items: readonly unknown[], depth: number, state: ConvertState): Converted {
  const arr: unknown[] = []
  let size = 1
  for (const item of items) {
    const child = item === null ? { value: null, size: 1 } : convertNode(item as YamlNode, depth + 1, state)
    if (state.failure) return FAILED
    arr.push(child.value)
    size += child.size
  }
  return { value: arr, size }
}
