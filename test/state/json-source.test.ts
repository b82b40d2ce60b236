import { describe, expect, it } from 'vitest'
import { findJsonSyntaxError, lineColumnAt, locateJsonNode, MAX_JSON_DEPTH } from '../../src/state/json-source.js'

describe('lineColumnAt', () => {
  it.each([
    ['abc', 0, 1, 1],
    ['abc', 2, 1, 3],
    ['a\nbc', 2, 2, 1],
    ['a\nbc', 3, 2, 2],
    ['a\r\nb', 3, 2, 1],
    ['ab', 99, 1, 3],
  ])('%j at %i is %i:%i', (text, offset, line, column) => {
    expect(lineColumnAt(text, offset)).toEqual({ line, column })
  })
})

describe('findJsonSyntaxError', () => {
  it.each(['{}', '[]', ' {"a": [1, -2.5e3, true, false, null, "x\\"\\u00e9\\n"]} ', '"just a string"'])('accepts valid JSON %j', (text) => {
    expect(findJsonSyntaxError(text)).toBeUndefined()
  })

  // Each case is something JSON.parse rejects; V8 gives no position for several of them.
  it.each([
    ['', 0, 'empty file'],
    ['   \n ', 0, 'empty file'],
    ['{"a": 1,}', 7, 'trailing comma'],
    ['[1, 2,]', 5, 'trailing comma'],
    ['{"a": 1 "b": 2}', 8, "expected ',' or '}'"],
    ['[1 2]', 3, "expected ',' or ']'"],
    ["{'a': 1}", 1, 'double-quoted property name'],
    ['{"a" 1}', 5, "expected ':'"],
    ['{"a": tru}', 6, 'expected a value'],
    ['{"a": 01}', 7, "expected ',' or '}'"],
    ['{"a": "x\ny"}', 8, 'control character'],
    ['{"a": "\\x"}', 7, 'invalid escape'],
    ['{"a": "\\u12"}', 7, '\\u escape'],
    ['{"a": "open', 6, 'unterminated string'],
    ['{"a": 1', 7, "expected ',' or '}'"],
    ['{"a": 1} x', 9, 'after the end'],
  ])('%j fails at offset %i (%s)', (text, offset, message) => {
    const issue = findJsonSyntaxError(text)
    expect(issue?.offset).toBe(offset)
    expect(issue?.message).toContain(message)
    expect(() => JSON.parse(text)).toThrow()
  })

  it('rejects nesting deeper than the limit without overflowing the stack', () => {
    const deep = '['.repeat(100_000)
    expect(findJsonSyntaxError(deep)?.message).toContain(`deeper than ${MAX_JSON_DEPTH}`)
    expect(findJsonSyntaxError('['.repeat(MAX_JSON_DEPTH) + ']'.repeat(MAX_JSON_DEPTH))).toBeUndefined()
  })
})

describe('locateJsonNode', () => {
  const text = '{\n  "a": {"b": [10, {"c": "x"}, [1]]},\n  "d~/e": 2,\n  "s": "\\"{["\n}'
  it.each([
    [[], 0, undefined],
    [['a'], text.indexOf('{"b"'), text.indexOf('"a"')],
    [['a', 'b'], text.indexOf('[10'), text.indexOf('"b"')],
    [['a', 'b', '0'], text.indexOf('10'), undefined],
    [['a', 'b', '1', 'c'], text.indexOf('"x"'), text.indexOf('"c"')],
    [['a', 'b', '2', '0'], text.indexOf('1]'), undefined],
    [['d~/e'], text.indexOf('2,'), text.indexOf('"d~/e"')],
    [['s'], text.indexOf('"\\"{["'), text.indexOf('"s"')],
  ])('%j', (segments, value, key) => {
    const found = locateJsonNode(text, segments)
    expect(found.value).toBe(value)
    expect(found.key).toBe(key)
  })

  it('falls back to the deepest node that exists', () => {
    expect(locateJsonNode(text, ['a', 'missing', 'x'])).toEqual({ value: text.indexOf('{"b"'), key: text.indexOf('"a"') })
    expect(locateJsonNode(text, ['a', 'b', '7']).value).toBe(text.indexOf('[10'))
  })

  it('points at the last of repeated keys, the one JSON.parse keeps', () => {
    const dup = '{"k": 1, "k": 2}'
    expect(locateJsonNode(dup, ['k']).value).toBe(dup.indexOf('2'))
  })
})
