/**
 * Positions in JSON text, for problems that point at `file:line:col`. `JSON.parse` is fast but
 * says where it failed only for some errors (V8's "Unexpected token '}'" has no position), and it
 * keeps no source ranges, so these small scanners find the offset of a syntax error and the offset
 * of the value (or key) a JSON pointer names. They run only when something is wrong, so the happy
 * path pays nothing. Pure, linear, no recursion deeper than MAX_JSON_DEPTH.
 */

/** Same limit as for manifests (PRODUCT.md): deeper nesting is rejected, not recursed into. */
export const MAX_JSON_DEPTH = 64

export interface JsonSyntaxIssue {
  readonly offset: number
  readonly message: string
}

/** 1-based line and column of a UTF-16 offset. */
export function lineColumnAt(text: string, offset: number): { line: number; column: number } {
  let line = 1
  let lineStart = 0
  const end = Math.min(Math.max(offset, 0), text.length)
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++
      lineStart = i + 1
    }
  }
  return { line, column: end - lineStart + 1 }
}

const WHITESPACE = new Set([' ', '\t', '\n', '\r'])
const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y
const ESCAPES = new Set(['"', '\\', '/', 'b', 'f', 'n', 'r', 't'])

class SyntaxStop {
  constructor(
    readonly offset: number,
    readonly message: string,
  ) {}
}

function describeChar(c: string | undefined): string {
  return c === undefined ? 'end of input' : `'${c}'`
}

/** A value for a message: JSON text, cut to `max` characters (a 4 MB value is never echoed whole). */
export function shortJson(value: unknown, max = 80): string {
  let text: string
  try {
    text = JSON.stringify(value) ?? String(value)
  } catch {
    text = String(value)
  }
  return text.length <= max ? text : `${text.slice(0, max - 1)}… (${text.length} characters)`
}

/**
 * The first JSON syntax error in `text`, or undefined when it is valid JSON (RFC 8259), also
 * reporting nesting deeper than MAX_JSON_DEPTH and duplicate keys (at their second occurrence).
 */
export function findJsonSyntaxError(text: string): JsonSyntaxIssue | undefined {
  let i = 0
  const skipWs = (): void => {
    while (i < text.length && WHITESPACE.has(text[i] as string)) i++
  }
  const fail = (message: string, at = i): never => {
    throw new SyntaxStop(at, message)
  }
  const readString = (): void => {
    const start = i
    i++
    for (;;) {
      const c = text[i]
      if (c === undefined) fail('unterminated string', start)
      if (c === '"') break
      if (c === '\\') {
        const e = text[i + 1]
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) fail('invalid \\u escape in string')
          i += 6
        } else if (e !== undefined && ESCAPES.has(e)) i += 2
        else fail(`invalid escape ${describeChar(e)} in string`)
      } else if ((c as string).charCodeAt(0) < 0x20) fail('control character in string (escape it, e.g. \\n)')
      else i++
    }
    i++
  }
  const readValue = (depth: number): void => {
    if (depth > MAX_JSON_DEPTH) fail(`nesting deeper than ${MAX_JSON_DEPTH} levels`)
    skipWs()
    const c = text[i]
    if (c === '{') return readObject(depth)
    if (c === '[') return readArray(depth)
    if (c === '"') return readString()
    for (const literal of ['true', 'false', 'null']) {
      if (text.startsWith(literal, i)) {
        i += literal.length
        return
      }
    }
    NUMBER.lastIndex = i
    if (NUMBER.test(text)) {
      i = NUMBER.lastIndex
      return
    }
    fail(c === undefined ? 'unexpected end of input: expected a value' : `unexpected ${describeChar(c)}: expected a value`)
  }
  const readObject = (depth: number): void => {
    i++
    skipWs()
    if (text[i] === '}') {
      i++
      return
    }
    const keys = new Set<string>()
    for (;;) {
      skipWs()
      if (text[i] !== '"') fail(`unexpected ${describeChar(text[i])}: expected a double-quoted property name`)
      const keyStart = i
      readString()
      // JSON.parse keeps the last of two equal keys silently; a snapshot must say one thing once.
      const key = JSON.parse(text.slice(keyStart, i)) as string
      if (keys.has(key)) fail(`duplicate key ${shortJson(key)}: each key may appear once in an object`, keyStart)
      keys.add(key)
      skipWs()
      if (text[i] !== ':') fail(`unexpected ${describeChar(text[i])}: expected ':' after the property name`)
      i++
      readValue(depth + 1)
      skipWs()
      if (text[i] === ',') {
        const comma = i++
        skipWs()
        if (text[i] === '}') fail("trailing comma: expected a property name after ','", comma)
        continue
      }
      if (text[i] === '}') {
        i++
        return
      }
      fail(`unexpected ${describeChar(text[i])}: expected ',' or '}' after the property value`)
    }
  }
  const readArray = (depth: number): void => {
    i++
    skipWs()
    if (text[i] === ']') {
      i++
      return
    }
    for (;;) {
      readValue(depth + 1)
      skipWs()
      if (text[i] === ',') {
        const comma = i++
        skipWs()
        if (text[i] === ']') fail("trailing comma: expected a value after ','", comma)
        continue
      }
      if (text[i] === ']') {
        i++
        return
      }
      fail(`unexpected ${describeChar(text[i])}: expected ',' or ']' after the array item`)
    }
  }
  try {
    skipWs()
    if (i >= text.length) return { offset: 0, message: 'empty file: expected a JSON object' }
    readValue(0)
    skipWs()
    if (i < text.length) fail(`unexpected ${describeChar(text[i])} after the end of the JSON value`)
    return undefined
  } catch (e) {
    if (e instanceof SyntaxStop) return { offset: e.offset, message: e.message }
    throw e
  }
}

/** Index just past a string token starting at `i` (which must be `"`), in valid JSON. */
function skipString(text: string, i: number): number {
  let j = i + 1
  while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1
  return j + 1
}

function skipWhitespace(text: string, i: number): number {
  let j = i
  while (j < text.length && WHITESPACE.has(text[j] as string)) j++
  return j
}

/** Index just past the value starting at `i`, in valid JSON (iterative: no recursion). */
function skipValue(text: string, i: number): number {
  const c = text[i]
  if (c === '"') return skipString(text, i)
  if (c !== '{' && c !== '[') {
    let j = i
    while (j < text.length && !',}] \t\r\n'.includes(text[j] as string)) j++
    return j
  }
  let depth = 0
  let j = i
  while (j < text.length) {
    const ch = text[j]
    if (ch === '"') {
      j = skipString(text, j)
      continue
    }
    if (ch === '{' || ch === '[') depth++
    else if (ch === '}' || ch === ']') depth--
    j++
    if (depth === 0) return j
  }
  return j
}

export interface JsonNodeOffsets {
  /** Offset of the value the pointer names (or of the deepest ancestor found). */
  readonly value: number
  /** Offset of the value's key (the opening quote), when its parent is an object. */
  readonly key?: number
}

/**
 * Offsets of the node that `segments` (a decoded JSON pointer) names in valid JSON `text`. With a
 * repeated key, points at the last one, which is the one `JSON.parse` keeps.
 */
export function locateJsonNode(text: string, segments: readonly string[]): JsonNodeOffsets {
  let at = skipWhitespace(text, 0)
  let key: number | undefined
  for (const segment of segments) {
    const found = text[at] === '{' ? findMember(text, at, segment) : text[at] === '[' ? findItem(text, at, Number(segment)) : undefined
    if (found === undefined) return key === undefined ? { value: at } : { value: at, key }
    at = found.value
    key = found.key
  }
  return key === undefined ? { value: at } : { value: at, key }
}

function findMember(text: string, open: number, name: string): { value: number; key: number } | undefined {
  let i = skipWhitespace(text, open + 1)
  let found: { value: number; key: number } | undefined
  while (text[i] === '"') {
    const keyEnd = skipString(text, i)
    const key: unknown = JSON.parse(text.slice(i, keyEnd))
    const value = skipWhitespace(text, skipWhitespace(text, keyEnd) + 1)
    if (key === name) found = { value, key: i }
    i = skipWhitespace(text, skipValue(text, value))
    if (text[i] === ',') i = skipWhitespace(text, i + 1)
  }
  return found
}

function findItem(text: string, open: number, index: number): { value: number; key?: undefined } | undefined {
  let i = skipWhitespace(text, open + 1)
  for (let n = 0; i < text.length && text[i] !== ']'; n++) {
    if (n === index) return { value: i }
    i = skipWhitespace(text, skipValue(text, i))
    if (text[i] === ',') i = skipWhitespace(text, i + 1)
  }
  return undefined
}
