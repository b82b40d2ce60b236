import { describe, expect, it } from 'vitest'
import { parseManifestSource, type LoadedFile } from '../../src/manifest/load.js'
import { locate, nodeAt, type PathSegment } from '../../src/manifest/locate.js'

const TEXT = `version: 1
clusters:
  prod:
    region: eu-west-1
    empty:
  base: &b { region: x }
  copy: *b
accessEntries:
  - principalArn: arn:a
    clusters: [prod, "stag*"]
`

function load(): LoadedFile {
  const parsed = parseManifestSource('dir/m.yaml', TEXT)
  if (!parsed.loaded) throw new Error(JSON.stringify(parsed.problems))
  return parsed.loaded
}

describe('locate', () => {
  const src = load()
  it.each<[string, PathSegment[], boolean, number, number]>([
    ['a scalar value', ['clusters', 'prod', 'region'], false, 4, 13],
    ['its key', ['clusters', 'prod', 'region'], true, 4, 5],
    ['a mapping value (block) starts at its first key', ['clusters', 'prod'], false, 4, 5],
    ['a sequence item (block)', ['accessEntries', 0], false, 9, 5],
    ['a flow sequence item by number', ['accessEntries', 0, 'clusters', 1], false, 10, 22],
    ['a flow sequence item by numeric string', ['accessEntries', '0', 'clusters', '0'], false, 10, 16],
    ['an empty value falls back to its key', ['clusters', 'prod', 'empty'], false, 5, 5],
    ['a missing key falls back to the nearest ancestor', ['clusters', 'prod', 'accountId'], false, 4, 5],
    ['a missing key with {key} still gives the ancestor', ['clusters', 'nope'], true, 3, 3],
    ['an index past the end falls back to the list', ['accessEntries', 7, 'principalArn'], false, 9, 3],
    ['through an alias, at the anchored text', ['clusters', 'copy', 'region'], false, 6, 22],
    ['the alias itself', ['clusters', 'copy'], false, 7, 9],
    ['the root', [], false, 1, 1],
  ])('%s', (_, path, key, line, column) => {
    expect(locate(src, path, { key })).toEqual({ file: 'dir/m.yaml', line, column })
  })

  it('nodeAt resolves aliases and returns undefined for missing paths', () => {
    expect(nodeAt(src, ['clusters', 'copy'])).toBe(nodeAt(src, ['clusters', 'base']))
    expect(nodeAt(src, ['clusters', 'nope'])).toBeUndefined()
  })
})
