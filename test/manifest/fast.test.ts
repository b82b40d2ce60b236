import jsyaml from 'js-yaml'
import { describe, expect, it } from 'vitest'
import { parse as parseYaml } from 'yaml'
import { checkManifestFile } from '../../src/manifest/check.js'
import { fastPathBlocker, parseManifestFast, spansLines, YAML_CORE_SCHEMA } from '../../src/manifest/fast.js'
import type { ManifestSource } from '../../src/manifest/load.js'
import { buildManifest } from '../../src/manifest/model.js'
import { generateSyntheticManifests } from '../../src/manifest/validate.js'

const VALID = `version: 1
clusters:
  prod: { region: eu-west-1, accountId: "111122223333" }
accessEntries:
  - principalArn: arn:aws:iam::111122223333:role/team-a
    clusters: [prod, "pr*"]
    tags: { owner: team-a }
    accessPolicies:
      - policyArn: AmazonEKSViewPolicy
        accessScope: { type: namespace, namespaces: [team-a, "team-a-*"] }
`

function nested(depth: number): string {
  const lines = ['version: 1']
  for (let i = 0; i < depth; i++) lines.push(`${'  '.repeat(i)}k${i}:`)
  lines.push(`${'  '.repeat(depth)}leaf: 1`)
  return lines.join('\n') + '\n'
}

/** The result without `via`/`slowBecause`, with every lazy Loc resolved. */
function comparable(checked: ReturnType<typeof checkManifestFile>): unknown {
  const { problems, text, loaded } = checked
  return JSON.parse(JSON.stringify({ problems, text, value: loaded?.source.value, findings: loaded?.findings }))
}

describe('checkManifestFile: the fast path', () => {
  it('takes the fast path for an ordinary valid file, and the slow path when told', () => {
    expect(checkManifestFile('m.yaml', VALID)).toMatchObject({ via: 'fast', problems: [] })
    expect(checkManifestFile('m.yaml', VALID, 'slow')).toMatchObject({ via: 'slow', problems: [] })
  })

  it('takes it for every file of the benchmark set', () => {
    const vias = generateSyntheticManifests(50, 500).map((f) => checkManifestFile(f.file, f.text).via)
    expect(new Set(vias)).toEqual(new Set(['fast']))
  })

  it('parses the same value as the slow path', () => {
    const fast = checkManifestFile('m.yaml', VALID)
    const slow = checkManifestFile('m.yaml', VALID, 'slow')
    expect(fast.loaded?.source.value).toEqual(slow.loaded?.source.value)
  })

  it.each([
    { name: 'an anchor and alias', text: 'version: 1\nx: &a [1]\ny: *a\n', because: 'anchor, alias or tag' },
    { name: 'an alias bomb', text: 'a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n', because: 'anchor, alias or tag' },
    { name: 'a tag', text: 'version: 1\nx: !custom 5\n', because: 'anchor, alias or tag' },
    { name: 'a directive', text: '%YAML 1.1\n---\nversion: 1\n', because: 'directive' },
    { name: 'a block scalar', text: 'version: 1\nx: |\n  text\n', because: 'block scalar' },
    { name: 'a folded block scalar with chomping', text: 'version: 1\nx: >-\n  text\n', because: 'block scalar' },
    { name: 'a flow key', text: 'version: 1\n[a, b]: 1\n', because: 'complex key' },
    { name: 'an explicit key', text: 'version: 1\n? a\n: 1\n', because: 'complex key' },
    { name: 'a tab', text: 'version: 1\nx:\t1\n', because: 'unusual whitespace' },
    { name: 'CRLF line ends', text: 'version: 1\r\nx: 1\r\n', because: 'unusual whitespace' },
    { name: 'a BOM after the start', text: 'version: 1\nx: "\uFEFF"\n', because: 'unusual whitespace' },
    { name: 'a line of 1,000 characters', text: `version: 1\nx: ${'a'.repeat(1000)}\n`, because: 'long line' },
    { name: 'a flow sequence over two lines', text: 'version: 1\nx: [a,\n b]\n', because: 'multi-line flow collection or quoted scalar' },
    { name: 'a quoted scalar over two lines', text: 'version: 1\nx: "a\n  b"\n', because: 'multi-line flow collection or quoted scalar' },
    { name: 'a syntax error', text: 'version: 1\nclusters: a: b\n', because: /^js-yaml: / },
    { name: 'a duplicate key', text: 'version: 1\nversion: 1\n', because: /^js-yaml: duplicated mapping key/ },
    { name: 'several documents', text: 'version: 1\n---\nversion: 1\n', because: /^js-yaml: expected a single document/ },
    { name: 'an empty file', text: '', because: 'root is not a mapping' },
    { name: 'a scalar document', text: 'hello\n', because: 'root is not a mapping' },
    { name: 'nesting deeper than 64', text: nested(64), because: 'too deep' },
    { name: 'very deep flow nesting', text: 'x: ' + '['.repeat(5000) + ']'.repeat(5000), because: 'long line' },
    { name: 'a null key', text: 'version: 1\n~: 1\n', because: 'unusual key' },
    { name: 'an empty key', text: 'version: 1\n"": 1\nnull: 2\n', because: 'unusual key' },
    { name: 'a schema finding', text: 'version: 2\n', because: 'schema finding' },
    {
      name: 'an unquoted account ID (a number)',
      text: 'version: 1\nclusters:\n  p: { region: eu-west-1, accountId: 111122223333 }\n',
      because: 'schema finding',
    },
  ])('falls back to the slow path for $name, with the same result', ({ text, because }) => {
    const auto = checkManifestFile('m.yaml', text)
    expect(auto.via === 'fast').toBe(false)
    if (typeof because === 'string') expect(auto.slowBecause).toBe(because)
    else expect(auto.slowBecause).toMatch(because)
    expect(comparable(auto)).toEqual(comparable(checkManifestFile('m.yaml', text, 'slow')))
  })

  it('keeps a leading BOM out of both paths (stripped before parsing), with the same positions', () => {
    const text = '\uFEFFversion: 1\nclusters:\n  p: { region: eu-west-1, accountId: "111122223333" }\n'
    const auto = checkManifestFile('m.yaml', text)
    expect(auto.via).toBe('fast')
    expect(comparable(auto)).toEqual(comparable(checkManifestFile('m.yaml', text, 'slow')))
  })
})

describe('fastPathBlocker and spansLines', () => {
  it.each([
    ['globs and ARNs', 'clusters: [prod-*, "team-*"]\nprincipalArn: arn:aws:iam::1:role/a\n'],
    ['a comment with brackets', '# [not {closed\nx: 1\n'],
    ['a plain scalar with a quote', "x: don't\n"],
    ['an escaped single quote', "x: 'it''s'\n"],
    ['an escaped double quote', 'x: "a\\"b"\n'],
  ])('lets ordinary text through: %s', (_, text) => {
    expect(fastPathBlocker(text)).toBeUndefined()
  })

  it('spots an unclosed flow collection at the end of the text', () => {
    expect(spansLines('x: [a')).toBe(true)
    expect(spansLines('x: [a]')).toBe(false)
  })
})

describe('YAML_CORE_SCHEMA', () => {
  // js-yaml's own CORE_SCHEMA reads 1_000, 0b11 and +.5 differently from yaml
  it.each([
    '1',
    '-1',
    '+12',
    '012',
    '0o17',
    '0o8',
    '0x1F',
    '0xg',
    '0b11',
    '1_000',
    '1.5',
    '1.',
    '.5',
    '+.5',
    '-.5',
    '1e3',
    '1.5E-2',
    '.inf',
    '-.Inf',
    '+.INF',
    '.nan',
    '.NaN',
    'null',
    'Null',
    'NULL',
    '~',
    'nULL',
    'true',
    'True',
    'TRUE',
    'tRUE',
    'false',
    'yes',
    'no',
    'on',
    'off',
    '2027-03-31',
    '2027-03-31T00:00:00Z',
    '111122223333',
    '0123',
    '12:30',
    '1,000',
    '0.0.1',
  ])('plain %s resolves as yaml resolves it', (scalar) => {
    const viaJsYaml = (jsyaml.load(`v: ${scalar}`, { schema: YAML_CORE_SCHEMA }) as { v: unknown }).v
    const viaYaml = (parseYaml(`v: ${scalar}`) as { v: unknown }).v
    expect(Object.is(viaJsYaml, viaYaml) || (typeof viaYaml === 'number' && Number.isNaN(viaYaml) && Number.isNaN(viaJsYaml))).toBe(true)
  })

  it('keeps quoted scalars strings', () => {
    expect(jsyaml.load(`a: "1"\nb: 'true'\nc: "~"`, { schema: YAML_CORE_SCHEMA })).toEqual({ a: '1', b: 'true', c: '~' })
  })
})

describe('lazy locations', () => {
  function counted(text: string): { source: ManifestSource; calls: () => number } {
    const fast = parseManifestFast('m.yaml', text)
    if (fast.kind !== 'parsed') throw new Error(fast.reason)
    let calls = 0
    const locatable = fast.source.locatable
    return {
      source: { ...fast.source, locatable: () => (calls++, locatable()) },
      calls: () => calls,
    }
  }

  it('builds the model without parsing with yaml, then locates on first read', () => {
    const { source, calls } = counted(VALID)
    const { manifest } = buildManifest([{ source, findings: [] }])
    const entry = manifest.accessEntries[0]
    expect(calls()).toBe(0)
    expect(entry?.locs.principalArn.file).toBe('m.yaml')
    expect(calls()).toBe(0)
    expect(entry?.locs.principalArn.line).toBe(5)
    expect(entry?.locs.principalArn.column).toBe(19)
    expect(calls()).toBeGreaterThan(0)
  })

  it('parses each file once, however many Locs are read', () => {
    const fast = parseManifestFast('m.yaml', VALID)
    if (fast.kind !== 'parsed') throw new Error(fast.reason)
    expect(fast.source.locatable()).toBe(fast.source.locatable())
  })

  it('serialises, spreads and compares as plain data', () => {
    const { source } = counted(VALID)
    const { manifest } = buildManifest([{ source, findings: [] }])
    const loc = manifest.accessEntries[0]?.locs.clusterItems[1]
    const plain = { file: 'm.yaml', line: 6, column: 22 }
    expect(JSON.parse(JSON.stringify(loc))).toEqual(plain)
    expect({ ...loc }).toEqual(plain)
    expect(structuredClone(loc)).toEqual(plain)
    expect(loc).toEqual(plain)
    expect(Object.keys(loc ?? {})).toEqual(['file', 'line', 'column'])
  })
})
