import { chmod, mkdtemp, rm, truncate, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { exceedsLexicalFlowDepth, loadManifestFiles, MAX_FILE_BYTES, parseManifestSource } from '../../src/manifest/load.js'
import { locate } from '../../src/manifest/locate.js'

const fixtures = path.join(import.meta.dirname, 'fixtures')

function nested(depth: number): string {
  // the root mapping plus `depth` nested block mappings: depth + 1 levels
  const lines = ['version: 1']
  for (let i = 0; i < depth; i++) lines.push(`${'  '.repeat(i)}k${i}:`)
  lines.push(`${'  '.repeat(depth)}leaf: 1`)
  return lines.join('\n') + '\n'
}

/** The billion-laughs shape: each level doubles ten times over the previous one. */
function aliasBomb(levels: number): string {
  const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]']
  for (let i = 1; i <= levels; i++) {
    const refs = Array.from({ length: 10 }, () => `*a${i - 1}`).join(', ')
    lines.push(`a${i}: &a${i} [${refs}]`)
  }
  return lines.join('\n') + '\n'
}

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s)

describe('parseManifestSource: hostile input', () => {
  it.each([
    { name: 'too large (string)', input: 'a: ' + 'x'.repeat(MAX_FILE_BYTES), code: 'file:too-large', line: 1, column: 1, msg: /5 MiB/ },
    {
      name: 'too large (bytes)',
      input: new Uint8Array(MAX_FILE_BYTES + 1).fill(0x61),
      code: 'file:too-large',
      line: 1,
      column: 1,
      msg: /5 MiB/,
    },
    { name: 'UTF-16 with BOM', input: new Uint8Array([0xff, 0xfe, 0x76, 0x00]), code: 'file:encoding', line: 1, column: 1, msg: /UTF-16/ },
    {
      name: 'UTF-16LE without BOM',
      input: new Uint8Array(Buffer.from('version: 1\n', 'utf16le')),
      code: 'file:encoding',
      line: 1,
      column: 1,
      msg: /UTF-16/,
    },
    {
      name: 'UTF-16BE without BOM',
      input: new Uint8Array(Buffer.from('version: 1\n', 'utf16le').swap16()),
      code: 'file:encoding',
      line: 1,
      column: 1,
      msg: /UTF-16/,
    },
    {
      name: 'invalid UTF-8, positioned',
      input: new Uint8Array([...utf8('version: 1\nname: caf'), 0xe9, ...utf8('\n')]),
      code: 'file:encoding',
      line: 2,
      column: 10,
      msg: /invalid UTF-8 \(byte 0xE9\)/,
    },
    {
      name: 'binary (NUL bytes)',
      input: new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x00, 0x00]),
      code: 'file:binary',
      line: 1,
      column: 1,
      msg: /binary/,
    },
    { name: 'NUL in text', input: 'version: 1\0', code: 'file:binary', line: 1, column: 1, msg: /NUL/ },
    { name: 'YAML syntax error', input: 'version: 1\nclusters: [a, b\nx: 1\n', code: 'yaml:syntax', line: 3, column: 1, msg: /^YAML: / },
    { name: 'bad indentation', input: 'version: 1\nclusters:\n  a: 1\n b: 2\n', code: 'yaml:syntax', line: 4, column: 1, msg: /^YAML: / },
    {
      name: 'tab indentation, with the fix',
      input: 'version: 1\nclusters:\n\tprod: {}\n',
      code: 'yaml:syntax',
      line: 3,
      column: 1,
      msg: /^YAML: Tabs .*; indent with spaces/,
    },
    {
      name: 'an unquoted ": " in a value, with the fix',
      input: 'version: 1\nname: a: b\n',
      code: 'yaml:syntax',
      line: 2,
      column: 7,
      msg: /must be quoted/,
    },
    {
      name: 'duplicate key at the second occurrence',
      input: 'version: 1\nclusters:\n  prod: {}\n  staging: {}\n  prod: {}\n',
      code: 'yaml:duplicate-key',
      line: 5,
      column: 3,
      msg: /duplicate key "prod" \(first defined at line 3\)/,
    },
    { name: 'alias bomb', input: aliasBomb(9), code: 'yaml:alias-limit', line: 4, column: 45, msg: /more than 10000 nodes/ },
    { name: 'recursive alias', input: 'a: &a [1, *a]\n', code: 'yaml:alias-limit', line: 1, column: 11, msg: /expand forever/ },
    { name: 'unknown alias', input: 'version: 1\nx: *nope\n', code: 'yaml:syntax', line: 2, column: 4, msg: /refers to no anchor/ },
    { name: 'nesting deeper than 64', input: nested(64), code: 'yaml:too-deep', line: 66, column: 129, msg: /deeper than 64/ },
    {
      name: 'very deep flow nesting',
      input: 'x: ' + '['.repeat(200_000) + ']'.repeat(200_000),
      code: 'yaml:too-deep',
      line: 1,
      column: 1004,
      msg: /deeper than 64/,
    },
    {
      name: 'multi-document',
      input: 'version: 1\n---\nversion: 1\n',
      code: 'yaml:multi-document',
      line: 2,
      column: 1,
      msg: /several YAML documents/,
    },
    { name: 'empty file', input: '', code: 'file:empty', line: 1, column: 1, msg: /empty/ },
    { name: 'only comments', input: '# nothing here\n\n', code: 'file:empty', line: 1, column: 1, msg: /empty/ },
    { name: 'only a document marker', input: '---\n', code: 'file:empty', line: 1, column: 1, msg: /empty/ },
  ])('$name → $code at $line:$column', ({ input, code, line, column, msg }) => {
    const parsed = parseManifestSource('m.yaml', input)
    expect(parsed.loaded).toBeUndefined()
    const problem = parsed.problems.find((p) => p.code === code)
    expect(problem, JSON.stringify(parsed.problems)).toMatchObject({ severity: 'error', file: 'm.yaml', line, column })
    expect(problem?.message).toMatch(msg)
  })

  it('accepts exactly 64 levels of nesting', () => {
    const parsed = parseManifestSource('m.yaml', nested(63))
    expect(parsed.problems).toEqual([])
    expect(parsed.loaded).toBeDefined()
  })

  it('accepts aliases that expand to at most 10,000 nodes', () => {
    // a2 = 1 + 10·(1 + 10) = 111 nodes, aliased below the limit
    const parsed = parseManifestSource('m.yaml', aliasBomb(2) + 'b: [*a2, *a2]\n')
    expect(parsed.problems).toEqual([])
    const value = parsed.loaded?.value as Record<string, unknown[][]>
    expect(value.b?.[0]).toBe(value.a2)
  })

  it('rejects an alias bomb of 10^31 nodes without expanding it', () => {
    // expanding it would never return; counting stops at the limit
    const parsed = parseManifestSource('m.yaml', aliasBomb(30))
    expect(parsed.problems.map((p) => p.code)).toEqual(['yaml:alias-limit'])
  })

  it('strips a UTF-8 BOM and keeps columns right', () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...utf8('version: 1\nclusters: {}\n')])
    const parsed = parseManifestSource('m.yaml', bytes)
    expect(parsed.problems).toEqual([])
    expect(parsed.text?.startsWith('version')).toBe(true)
    const loaded = parsed.loaded
    if (!loaded) throw new Error('not loaded')
    expect(locate(loaded, ['version'])).toEqual({ file: 'm.yaml', line: 1, column: 10 })
    expect(locate(loaded, ['version'], { key: true })).toEqual({ file: 'm.yaml', line: 1, column: 1 })
  })

  it('strips a BOM from text input too', () => {
    const parsed = parseManifestSource('m.yaml', '\uFEFFversion: 1\n')
    expect(parsed.loaded && locate(parsed.loaded, ['version'])).toEqual({ file: 'm.yaml', line: 1, column: 10 })
  })

  it('parses an unquoted date as a string (YAML 1.2 core schema)', () => {
    const parsed = parseManifestSource('m.yaml', 'expiresAt: 2027-03-31\nid: "0123"\nn: 12\n')
    expect(parsed.loaded?.value).toEqual({ expiresAt: '2027-03-31', id: '0123', n: 12 })
  })

  it('keeps a __proto__ key as data', () => {
    const parsed = parseManifestSource('m.yaml', '__proto__: { polluted: true }\n')
    const value = parsed.loaded?.value as Record<string, unknown>
    expect(Object.keys(value)).toEqual(['__proto__'])
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype)
  })

  it('reports a YAML warning without dropping the file', () => {
    const parsed = parseManifestSource('m.yaml', 'version: 1\nx: !custom 5\n')
    expect(parsed.loaded).toBeDefined()
    expect(parsed.problems).toMatchObject([{ severity: 'warning', line: 2, column: 4 }])
  })

  it('the lexical flow guard ignores brackets in quotes and comments', () => {
    const text = `a: "${'['.repeat(2000)}"\n# ${'{'.repeat(2000)}\nb: [[1]]\n`
    expect(exceedsLexicalFlowDepth(text)).toBeUndefined()
    expect(exceedsLexicalFlowDepth('['.repeat(1001))).toBe(1000)
  })
})

describe('loadManifestFiles', () => {
  let tmp = ''
  beforeAll(async () => {
    tmp = await mkdtemp(path.join(tmpdir(), 'eag-load-'))
  })
  afterAll(async () => {
    await rm(tmp, { recursive: true, force: true })
  })

  it('expands a glob to several files, sorted, with posix relative paths', async () => {
    const out = await loadManifestFiles('multi/*.yaml', fixtures)
    if (out.kind !== 'loaded') throw new Error(out.message)
    expect(out.files).toEqual(['multi/a-clusters.yaml', 'multi/b-team.yaml', 'multi/c-team.yaml'])
    expect(out.loaded.map((f) => f.file)).toEqual(out.files)
    expect(out.problems).toEqual([])
    expect(out.sources.get('multi/b-team.yaml')).toMatch(/^version: 1/)
  })

  it('uses a plain existing path as is', async () => {
    const out = await loadManifestFiles('multi/b-team.yaml', fixtures)
    expect(out.kind === 'loaded' && out.files).toEqual(['multi/b-team.yaml'])
  })

  it('makes paths relative to cwd from an absolute pattern', async () => {
    const out = await loadManifestFiles(path.join(fixtures, 'multi', 'c-*.yaml'), fixtures)
    expect(out.kind === 'loaded' && out.files).toEqual(['multi/c-team.yaml'])
  })

  it.each([
    { name: 'a missing file', pattern: 'nope.yaml', msg: /manifest file "nope.yaml" not found/ },
    { name: 'a glob matching nothing', pattern: 'multi/*.yml', msg: /manifest glob "multi\/\*\.yml" matches no file/ },
    { name: 'a directory', pattern: 'dir.yaml', msg: /"dir.yaml" is a directory; pass a file or a glob such as "dir.yaml\/\*\.yaml"/ },
    { name: 'a glob matching only directories', pattern: 'dir.y*', msg: /matches no file/ },
  ])('usage error for $name', async ({ pattern, msg }) => {
    const out = await loadManifestFiles(pattern, fixtures)
    expect(out.kind).toBe('usage')
    expect(out.kind === 'usage' && out.message).toMatch(msg)
  })

  it('rejects a file over 5 MiB from its size, without reading it', async () => {
    const big = path.join(tmp, 'big.yaml')
    await writeFile(big, '')
    await truncate(big, 64 * 1024 * 1024) // sparse: cheap to create, expensive to read
    const out = await loadManifestFiles('big.yaml', tmp)
    if (out.kind !== 'loaded') throw new Error(out.message)
    expect(out.problems).toMatchObject([{ code: 'file:too-large', file: 'big.yaml', line: 1, column: 1 }])
    expect(out.problems[0]?.message).toMatch(/64\.0 MiB/)
    expect(out.sources.has('big.yaml')).toBe(false)
  })

  // A device or pipe reports size 0: without a capped read /dev/zero would be read forever.
  it.skipIf(process.platform === 'win32')('rejects an endless stream as too large instead of reading it forever', async () => {
    const out = await loadManifestFiles('/dev/zero', tmp)
    if (out.kind !== 'loaded') throw new Error(out.message)
    expect(out.problems).toMatchObject([{ code: 'file:too-large', file: path.relative(tmp, '/dev/zero'), line: 1, column: 1 }])
    expect(out.problems[0]?.message).toMatch(/larger than 5 MiB/)
  })

  it('keeps loading the other files when one is broken', async () => {
    const dir = await mkdtemp(path.join(tmp, 'mix-'))
    await writeFile(path.join(dir, 'a.yaml'), 'version: 1\n')
    await writeFile(path.join(dir, 'b.yaml'), 'version: [1\n')
    const out = await loadManifestFiles('*.yaml', dir)
    if (out.kind !== 'loaded') throw new Error(out.message)
    expect(out.loaded.map((f) => f.file)).toEqual(['a.yaml'])
    expect(out.problems.map((p) => [p.file, p.code])).toEqual([['b.yaml', 'yaml:syntax']])
    expect(out.sources.has('b.yaml')).toBe(true)
  })

  it.skipIf(process.getuid?.() === 0)('usage error for an unreadable file', async () => {
    const locked = path.join(tmp, 'locked.yaml')
    await writeFile(locked, 'version: 1\n')
    await chmod(locked, 0o000)
    const out = await loadManifestFiles('locked.yaml', tmp)
    expect(out.kind === 'usage' && out.message).toMatch(/cannot read manifest file "locked.yaml": permission denied/)
  })
})
