import { describe, expect, it } from 'vitest'
import { editDistance, suggestClosest } from '../../src/manifest/suggest.js'

const ENTRY_KEYS = ['principalArn', 'type', 'username', 'kubernetesGroups', 'tags', 'expiresAt', 'clusters', 'accessPolicies']

describe('editDistance', () => {
  it.each([
    ['', '', 0],
    ['abc', 'abc', 0],
    ['abc', '', 3],
    ['tpye', 'type', 1], // adjacent transposition costs 1 (Damerau)
    ['acessPolicies', 'accessPolicies', 1],
    ['kitten', 'sitting', 3],
  ])('%s → %s = %i', (a, b, d) => {
    expect(editDistance(a, b)).toBe(d)
    expect(editDistance(b, a)).toBe(d)
  })
})

describe('suggestClosest', () => {
  it.each([
    ['acessPolicies', 'accessPolicies'],
    ['accesPolicy', undefined], // 3 edits: too far to be a typo
    ['tpye', 'type'],
    ['principalARN', 'principalArn'], // case-insensitive
    ['kubernetesGroup', 'kubernetesGroups'],
    ['expires', 'expiresAt'],
    ['clusterz', 'clusters'],
    ['ns', undefined], // short words get a budget of 1
    ['tag', 'tags'],
    ['policies', undefined],
  ])('%s → %s', (word, expected) => {
    expect(suggestClosest(word, ENTRY_KEYS)).toBe(expected)
  })

  it('never suggests the word itself', () => {
    expect(suggestClosest('type', ['type'])).toBeUndefined()
  })
})
