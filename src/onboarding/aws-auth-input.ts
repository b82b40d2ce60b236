/**
 * Reads an `aws-auth` ConfigMap in every shape users paste: `kubectl get cm aws-auth -n kube-system
 * -o yaml` / `-o json`, the `data:` section alone (or its three keys alone), and the text of
 * `kubectl describe cm aws-auth -n kube-system`. Pure: text in, the data strings out, each with a
 * function that turns a position inside the embedded string (mapRoles is YAML inside a YAML string)
 * into a position in the original file, so a syntax error is reported where the user can fix it.
 */
import { isMap, isNode, isScalar, isSeq, LineCounter, parseDocument, Scalar } from 'yaml'
import { problemAt, type Problem } from '../types.js'

/** 1-based position in the original file. */
export interface Pos {
  readonly line: number
  readonly column: number
}

export interface DataValue {
  readonly key: string
  /** The decoded string; undefined when the value is not a string (an error for the three map keys). */
  readonly text: string | undefined
  /** Where the value starts in the original file. */
  readonly at: Pos
  /** Where the key is written. */
  readonly keyAt: Pos
  /** Position in the file of (line, column), 1-based, inside `text`; undefined when it cannot be mapped exactly. */
  readonly locate: (line: number, column: number) => Pos | undefined
}

export type InputShape = 'configmap-yaml' | 'configmap-json' | 'data-section' | 'describe'

export interface AwsAuthInput {
  readonly shape: InputShape
  /** Data keys in file order. */
  readonly data: readonly DataValue[]
  /** The ConfigMap's metadata as read (absent for the data section and describe text). */
  readonly metadata?: Readonly<Record<string, unknown>>
  /** metadata.name / namespace as read (describe text gives them too). */
  readonly name?: string
  readonly namespace?: string
}

export type ReadResult = { readonly ok: true; readonly input: AwsAuthInput } | { readonly ok: false; readonly problems: Problem[] }

const DESCRIBE_DATA = /^Data\r?\n====\r?$/m

/** Recognises the input shape and extracts the data strings. */
export function readAwsAuthInput(raw: string, file: string): ReadResult {
  const text = raw.startsWith('\uFEFF') ? raw.slice(1) : raw
  if (text.trim() === '')
    return fail(
      file,
      { line: 1, column: 1 },
      'import:empty',
      'the input is empty; pipe `kubectl get cm aws-auth -n kube-system -o yaml` into the command',
    )
  if (DESCRIBE_DATA.test(text) && /^Name:/m.test(text)) return { ok: true, input: readDescribe(text) }
  return readDocument(text, file)
}

// ───────────────────────────── kubectl get -o yaml|json, data section ─────────────────────────────

function readDocument(text: string, file: string): ReadResult {
  const lineCounter = new LineCounter()
  const doc = parseDocument(text, { lineCounter, uniqueKeys: false, prettyErrors: false })
  const pos = (offset: number): Pos => {
    const p = lineCounter.linePos(offset)
    return { line: p.line, column: p.col }
  }
  const first = doc.errors[0]
  if (first !== undefined) {
    return fail(file, pos(first.pos[0]), 'import:syntax', `${firstLine(first.message)}; the input must be the ConfigMap as YAML or JSON`)
  }
  const shape: InputShape = text.trimStart().startsWith('{') ? 'configmap-json' : 'configmap-yaml'
  const root = unwrapList(doc.contents)
  if (!isMap(root)) return fail(file, { line: 1, column: 1 }, 'import:not-a-configmap', notAConfigMap)
  const kind: unknown = root.get('kind', true)
  if (isScalar(kind) && kind.value !== 'ConfigMap') {
    return fail(
      file,
      rangePos(kind, pos),
      'import:not-a-configmap',
      `kind is "${String(kind.value)}", expected ConfigMap (the aws-auth ConfigMap in kube-system)`,
    )
  }
  const dataNode = root.get('data', true)
  const hasMapKeys = root.items.some((p) => isScalar(p.key) && MAP_KEYS.includes(String(p.key.value)))
  if (dataNode === undefined && !hasMapKeys) {
    return fail(file, { line: 1, column: 1 }, 'import:not-a-configmap', notAConfigMap)
  }
  const dataMap = dataNode === undefined ? root : dataNode
  if (!isMap(dataMap)) {
    return fail(
      file,
      rangePos(dataMap as { range?: [number, number, number] | null }, pos),
      'import:not-a-configmap',
      'data must be a mapping of keys to strings',
    )
  }
  const data: DataValue[] = []
  for (const pair of dataMap.items) {
    if (!isScalar(pair.key)) continue
    const key = String(pair.key.value)
    const keyAt = rangePos(pair.key, pos)
    const value = pair.value
    if (isScalar(value) && typeof value.value === 'string') {
      data.push({ key, text: value.value, at: rangePos(value, pos), keyAt, locate: scalarLocator(text, value, pos) })
    } else {
      const at = isNode(value) && value.range ? pos(value.range[0]) : keyAt
      data.push({ key, text: isScalar(value) && value.value === null ? '' : undefined, at, keyAt, locate: () => undefined })
    }
  }
  const metadata = plainMap(root.toJSON() as unknown, 'metadata')
  const name = typeof metadata?.['name'] === 'string' ? metadata['name'] : undefined
  const namespace = typeof metadata?.['namespace'] === 'string' ? metadata['namespace'] : undefined
  const input: AwsAuthInput = {
    shape: dataNode === undefined || (metadata === undefined && root.get('kind') === undefined) ? 'data-section' : shape,
    data,
    ...(metadata === undefined ? {} : { metadata }),
    ...(name === undefined ? {} : { name }),
    ...(namespace === undefined ? {} : { namespace }),
  }
  return { ok: true, input }
}

export const MAP_KEYS: readonly string[] = ['mapRoles', 'mapUsers', 'mapAccounts']

const notAConfigMap =
  'this is not an aws-auth ConfigMap: expected `kind: ConfigMap` with `data.mapRoles` / `data.mapUsers` / `data.mapAccounts` ' +
  '(kubectl get cm aws-auth -n kube-system -o yaml), the data section alone, or `kubectl describe cm aws-auth -n kube-system`'

/** `kubectl get cm -o yaml` with several names or a selector prints a List: take aws-auth from it. */
function unwrapList(root: unknown): unknown {
  if (!isMap(root) || root.get('kind') !== 'List') return root
  const items = root.get('items', true)
  if (!isSeq(items)) return root
  const named = items.items.find((item) => {
    const metadata: unknown = isMap(item) ? item.get('metadata', true) : undefined
    return isMap(metadata) && metadata.get('name') === 'aws-auth'
  })
  return named ?? (items.items.length === 1 ? items.items[0] : root)
}

function plainMap(js: unknown, key: string): Record<string, unknown> | undefined {
  const value = js !== null && typeof js === 'object' ? (js as Record<string, unknown>)[key] : undefined
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined
}

function rangePos(node: { range?: [number, number, number] | null | undefined }, pos: (o: number) => Pos): Pos {
  return node.range ? pos(node.range[0]) : { line: 1, column: 1 }
}

/**
 * Maps a (line, column) inside a scalar's decoded string back to the file. Literal blocks (`|`, what
 * `kubectl get -o yaml` writes) map line by line; single-line quoted and plain scalars (JSON's
 * `"- rolearn: …\n"`) map character by character through their escapes. Folded blocks and quoted
 * scalars that span lines give undefined: the caller then names the key and the inner position.
 */
function scalarLocator(src: string, node: Scalar, pos: (o: number) => Pos): (line: number, column: number) => Pos | undefined {
  const range = node.range
  if (!range) return () => undefined
  const [start, end] = range
  if (node.type === Scalar.BLOCK_LITERAL) {
    const header = pos(start)
    const body = src.slice(start, end)
    const lines = body.split('\n').slice(1)
    const indicator = /^\|[+-]?([1-9])?|^\|([1-9])[+-]?/.exec(body)
    const explicit = indicator?.[1] ?? indicator?.[2]
    const firstContent = lines.find((l) => l.trim() !== '')
    const lineStart = src.lastIndexOf('\n', start - 1) + 1
    const headerLine = src.slice(lineStart, start)
    const baseIndent = headerLine.length - headerLine.trimStart().length
    const indent =
      explicit !== undefined ? baseIndent + Number(explicit) : (firstContent?.length ?? 0) - (firstContent?.trimStart().length ?? 0)
    return (line, column) => ({ line: header.line + line, column: column + indent })
  }
  const decodedOffsets = decodeOffsets(src, start, end, node.type)
  if (decodedOffsets === undefined) return () => undefined
  const value = String(node.value)
  return (line, column) => {
    let offset = 0
    for (let l = 1; l < line; l++) {
      const nl = value.indexOf('\n', offset)
      if (nl < 0) return undefined
      offset = nl + 1
    }
    const at = decodedOffsets[offset + column - 1] ?? decodedOffsets[decodedOffsets.length - 1]
    return at === undefined ? undefined : pos(at)
  }
}

/** For each UTF-16 unit of the decoded scalar, its offset in the source; undefined when lines fold. */
function decodeOffsets(src: string, start: number, end: number, type: Scalar['type']): number[] | undefined {
  const raw = src.slice(start, end)
  if (raw.includes('\n')) return undefined
  const out: number[] = []
  if (type === Scalar.QUOTE_DOUBLE) {
    const close = raw.lastIndexOf('"')
    for (let i = 1; i < close; i++) {
      if (raw[i] !== '\\') {
        out.push(start + i)
        continue
      }
      const esc = raw[i + 1]
      const width = esc === 'u' ? 5 : esc === 'x' ? 3 : esc === 'U' ? 9 : 1
      const units = esc === 'U' ? String.fromCodePoint(parseInt(raw.slice(i + 2, i + 10), 16) || 0).length : 1
      for (let u = 0; u < units; u++) out.push(start + i)
      i += width
    }
    out.push(start + close)
    return out
  }
  if (type === Scalar.QUOTE_SINGLE) {
    const close = raw.lastIndexOf("'")
    for (let i = 1; i < close; i++) {
      out.push(start + i)
      if (raw[i] === "'" && raw[i + 1] === "'") i++
    }
    out.push(start + close)
    return out
  }
  for (let i = 0; i < raw.length; i++) out.push(start + i)
  return out
}

// ───────────────────────────── kubectl describe ─────────────────────────────

/**
 * kubectl prints `Name:`, `Namespace:`, labels and annotations, then `Data\n====\n` and for each key
 * `KEY:\n----\nVALUE\n` (newer versions add a blank line), then `\nBinaryData\n====\n` and `Events:`.
 * Values are printed verbatim from column 1.
 */
function readDescribe(text: string): AwsAuthInput {
  const lines = text.split(/\r?\n/)
  const header = (label: string): string | undefined => {
    const line = lines.find((l) => l.startsWith(`${label}:`))
    return line === undefined ? undefined : line.slice(label.length + 1).trim()
  }
  const dataStart = lines.findIndex((l, i) => l.trim() === 'Data' && lines[i + 1]?.trim() === '====')
  const data: DataValue[] = []
  let i = dataStart + 2
  const isKeyHeader = (k: number): boolean => /^[-._a-zA-Z0-9]+:$/.test(lines[k] ?? '') && lines[k + 1] === '----'
  const isEnd = (k: number): boolean =>
    (lines[k]?.trim() === 'BinaryData' && lines[k + 1]?.trim() === '====') || /^Events:/.test(lines[k] ?? '')
  while (i < lines.length && !isEnd(i)) {
    if (!isKeyHeader(i)) {
      i++
      continue
    }
    const key = (lines[i] as string).slice(0, -1)
    const keyAt = { line: i + 1, column: 1 }
    const first = i + 2
    let j = first
    while (j < lines.length && !isKeyHeader(j) && !isEnd(j)) j++
    let last = j
    while (last > first && (lines[last - 1] ?? '').trim() === '') last--
    const value = lines.slice(first, last).join('\n')
    const firstLine = first + 1
    data.push({
      key,
      text: value === '' ? '' : `${value}\n`,
      at: { line: firstLine, column: 1 },
      keyAt,
      locate: (line, column) => ({ line: firstLine + line - 1, column }),
    })
    i = j
  }
  const name = header('Name')
  const namespace = header('Namespace')
  return { shape: 'describe', data, ...(name === undefined ? {} : { name }), ...(namespace === undefined ? {} : { namespace }) }
}

// ───────────────────────────── helpers ─────────────────────────────

function firstLine(message: string): string {
  return (message.split('\n')[0] ?? message).replace(/ at line \d+, column \d+:?$/, '')
}

export function fail(file: string, at: Pos, code: string, message: string): { ok: false; problems: Problem[] } {
  return { ok: false, problems: [problemAt({ file, line: at.line, column: at.column }, 'error', code, message)] }
}

export { firstLine as firstLineOfYamlError }
