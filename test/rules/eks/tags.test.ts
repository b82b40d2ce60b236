import { describe, expect, it } from 'vitest'
import { checkTags, MAX_TAGS } from '../../../src/rules/eks/tags.js'
import { entry, manifest } from '../build.js'
import { problem, ROLE } from './support.js'

const manyTags = (n: number): Record<string, string> => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, 'v']))

describe('manifest:ownership-tag', () => {
  it.each([[{}], [{ owner: 'team-a' }], [{ 'managed-by': 'eks-access-gate' }], [{ 'Managed-By': 'terraform' }]])(
    'accepts tags %o',
    (tags) => {
      expect(checkTags(manifest({ entries: [{ principalArn: ROLE, tags }] }))).toEqual([])
    },
  )

  it.each(['terraform', '', 'EKS-ACCESS-GATE'])('rejects managed-by: %j at the tag key (the plan would overwrite it)', (value) => {
    const e = entry({ principalArn: ROLE, tags: { owner: 'a', 'managed-by': value } })
    expect(checkTags(manifest({ entries: [e] }))).toEqual([
      problem({
        loc: e.locs.tagKeys['managed-by']!,
        severity: 'error',
        code: 'manifest:ownership-tag',
        says: ['"managed-by"', `"${value}"`, 'overwritten'],
      }),
    ])
  })
})

describe('eks:tags', () => {
  it.each([
    [MAX_TAGS - 1, {}],
    [MAX_TAGS - 1, { 'managed-by': 'eks-access-gate' }],
  ])('accepts %i tags plus %o (50 with the ownership tag)', (n, extra) => {
    expect(checkTags(manifest({ entries: [{ principalArn: ROLE, tags: { ...manyTags(n), ...extra } }] }))).toEqual([])
  })

  it('rejects 50 tags of its own at tags: the ownership tag makes 51', () => {
    const e = entry({ principalArn: ROLE, tags: manyTags(MAX_TAGS) })
    expect(checkTags(manifest({ entries: [e] }))).toEqual([
      problem({ loc: e.locs.tags!, severity: 'error', code: 'eks:tags', says: ['50 tags', '51', 'at most 50', 'remove 1'] }),
    ])
  })
})
