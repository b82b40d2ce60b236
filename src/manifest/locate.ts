/**
 * Paths in the manifest's JS value → 1-based positions of YAML nodes, so every Problem
 * points at the node the user has to change.
 */
import {
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  type Alias,
  type Document,
  type LineCounter,
  type Node as YamlNode,
  type Pair,
} from 'yaml'
import type { Loc } from '../types.js'

export type PathSegment = string | number

/** What locating needs from a loaded file (`LoadedFile` satisfies it). */
export interface Locatable {
  readonly file: string
  readonly doc: Document.Parsed
  readonly lineCounter: LineCounter
  readonly aliasTargets?: ReadonlyMap<Alias, YamlNode>
}

export interface LocateOptions {
  /** Point at the mapping key of the last segment instead of its value. */
  readonly key?: boolean
}

/** The Loc of a node's first character (1:1 when the node has no range). */
export function nodeLoc(src: Locatable, node: YamlNode | null | undefined): Loc {
  const offset = node?.range?.[0] ?? 0
  const pos = src.lineCounter.linePos(offset)
  return { file: src.file, line: pos.line, column: pos.col }
}

function resolveAlias(src: Locatable, node: unknown): unknown {
  if (!isAlias(node)) return node
  return src.aliasTargets?.get(node) ?? node.resolve(src.doc)
}

/** The pair of `map` whose key is `key` (keys compared as strings, like the JS value's keys). */
export function findPair(map: unknown, key: string): Pair<YamlNode, YamlNode | null> | undefined {
  if (!isMap(map)) return undefined
  for (const item of map.items) {
    if (!isPair(item)) continue
    const k = item.key
    const name = isScalar(k) ? (k.value === null ? '' : String(k.value)) : undefined
    if (name === key) return item as Pair<YamlNode, YamlNode | null>
  }
  return undefined
}

/** An empty value (`key:` with nothing after it) has no useful position of its own. */
function isEmptyValue(node: unknown): boolean {
  return node === null || node === undefined || (isScalar(node) && node.value === null && node.source === '')
}

/** A position in the YAML tree while descending a path: the node and the pair holding it. */
export interface Cursor {
  readonly node: unknown
  readonly pair: Pair<YamlNode, YamlNode | null> | undefined
  /** false when a path segment was missing and the cursor stopped at the nearest ancestor */
  readonly complete: boolean
}

export function rootCursor(src: Locatable): Cursor {
  return { node: src.doc.contents, pair: undefined, complete: true }
}

/**
 * Loc of the node at `path`, or of its key with `{ key: true }`. When the path leaves the document
 * (a missing key, an index past the end) the nearest existing ancestor is used.
 */
export function locate(src: Locatable, path: readonly PathSegment[], opts: LocateOptions = {}): Loc {
  return cursorLoc(src, descend(src, rootCursor(src), path), opts)
}

/** Loc of a cursor: an empty value (`key:` with nothing after it) is shown at its key. */
export function cursorLoc(src: Locatable, cursor: Cursor, opts: LocateOptions = {}): Loc {
  const pair = cursor.pair
  if (cursor.complete && opts.key === true && pair) return nodeLoc(src, pair.key)
  if (isEmptyValue(cursor.node) && pair) return nodeLoc(src, pair.key)
  return nodeLoc(src, cursor.node as YamlNode)
}

/** Descends `path` from `from`; an incomplete cursor stays where it is. */
export function descend(src: Locatable, from: Cursor, path: readonly PathSegment[]): Cursor {
  if (!from.complete) return from
  let node = from.node
  let pair = from.pair
  for (const segment of path) {
    const current = resolveAlias(src, node)
    if (isMap(current)) {
      const next = findPair(current, String(segment))
      if (!next) return { node, pair, complete: false }
      pair = next
      node = next.value
    } else if (isSeq(current) && isIndex(segment)) {
      const item = current.items[Number(segment)]
      if (item === undefined) return { node, pair, complete: false }
      pair = undefined
      node = item
    } else {
      return { node, pair, complete: false }
    }
  }
  return { node, pair, complete: true }
}

function isIndex(segment: PathSegment): boolean {
  return typeof segment === 'number' || /^(0|[1-9][0-9]*)$/.test(segment)
}

/** The node at `path` with aliases resolved, or undefined when the path does not exist. */
export function nodeAt(src: Locatable, path: readonly PathSegment[]): YamlNode | undefined {
  const found = descend(src, rootCursor(src), path)
  if (!found.complete || found.node === null) return undefined
  return resolveAlias(src, found.node) as YamlNode
}
