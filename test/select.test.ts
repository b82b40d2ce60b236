import { describe, expect, it } from 'vitest'
import { isGlob, selectClusters } from '../src/manifest/select.js'

const keys = ['prod-eu', 'staging-eu', 'dev-us']

describe('selectClusters', () => {
  it.each([
    { selectors: undefined, clusters: ['dev-us', 'prod-eu', 'staging-eu'], unknownNames: [], emptyGlobs: [] },
    { selectors: ['*'], clusters: ['dev-us', 'prod-eu', 'staging-eu'], unknownNames: [], emptyGlobs: [] },
    { selectors: ['staging-*'], clusters: ['staging-eu'], unknownNames: [], emptyGlobs: [] },
    { selectors: ['*-eu'], clusters: ['prod-eu', 'staging-eu'], unknownNames: [], emptyGlobs: [] },
    { selectors: ['prod-eu', 'prod-eu'], clusters: ['prod-eu'], unknownNames: [], emptyGlobs: [] },
    { selectors: ['prod'], clusters: [], unknownNames: [0], emptyGlobs: [] },
    { selectors: ['dev-us', 'qa-*'], clusters: ['dev-us'], unknownNames: [], emptyGlobs: [1] },
    { selectors: ['{prod,dev}-*'], clusters: ['dev-us', 'prod-eu'], unknownNames: [], emptyGlobs: [] },
    { selectors: [], clusters: [], unknownNames: [], emptyGlobs: [] },
  ])('$selectors → $clusters', ({ selectors, clusters, unknownNames, emptyGlobs }) => {
    expect(selectClusters(selectors, keys)).toEqual({ clusters, unknownNames, emptyGlobs })
  })

  it.each([
    ['prod', false],
    ['prod-*', true],
    ['prod-?', true],
    ['{a,b}', true],
  ])('isGlob(%s) = %s', (s, want) => expect(isGlob(s)).toBe(want))
})
