import { describe, expect, it } from 'vitest'
import { checkClusterSelectors } from '../../../src/rules/eks/cluster-selectors.js'
import { checkClustersWithoutEntries } from '../../../src/rules/eks/cluster-without-entries.js'
import { checkDuplicateEntries, principalIdentity } from '../../../src/rules/eks/duplicate-entry.js'
import { cluster, entry, manifest } from '../build.js'
import { problem, ROLE } from './support.js'

const CLUSTERS = [{ key: 'prod-eu' }, { key: 'staging-eu' }, { key: 'dev-us', region: 'us-east-1' }]

describe('clusters selectors', () => {
  it.each([[undefined], [['prod-eu']], [['*']], [['staging-*', 'prod-eu']], [['*-eu', '{dev,qa}-us']]])('accepts %o', (clusters) => {
    const m = manifest({ clusters: CLUSTERS, entries: [{ principalArn: ROLE, ...(clusters && { clusters }) }] })
    expect(checkClusterSelectors(m)).toEqual([])
  })

  it.each([
    [
      ['prod-eu', 'prod-ue'],
      1,
      'error',
      'manifest:unknown-cluster',
      ['"prod-ue" names no cluster', 'did you mean "prod-eu"?', 'known clusters: dev-us, prod-eu, staging-eu'],
    ],
    [['production'], 0, 'error', 'manifest:unknown-cluster', ['"production" names no cluster']],
    [['prod-eu', 'qa-*'], 1, 'warning', 'manifest:unmatched-selector', ['"qa-*" matches no cluster']],
  ] as const)('%o: item %i → %s %s', (clusters, index, severity, code, says) => {
    const e = entry({ principalArn: ROLE, clusters })
    expect(checkClusterSelectors(manifest({ clusters: CLUSTERS, entries: [e] }))).toEqual([
      problem({ loc: e.locs.clusterItems[index]!, severity, code, says }),
    ])
  })

  it('gives no did-you-mean for a name far from every cluster', () => {
    const m = manifest({ clusters: CLUSTERS, entries: [{ principalArn: ROLE, clusters: ['production'] }] })
    expect(checkClusterSelectors(m)[0]?.message).not.toContain('did you mean')
  })

  it('warns at the list when clusters is empty', () => {
    const e = entry({ principalArn: ROLE, clusters: [] })
    expect(checkClusterSelectors(manifest({ clusters: CLUSTERS, entries: [e] }))).toEqual([
      problem({ loc: e.locs.clusters!, severity: 'warning', code: 'manifest:unmatched-selector', says: ['clusters is empty'] }),
    ])
  })
})

describe('manifest:cluster-without-entries', () => {
  it.each([
    [[{ principalArn: ROLE }]],
    [[{ principalArn: ROLE, clusters: ['*'] }]],
    [
      [
        { principalArn: ROLE, clusters: ['prod-eu', 'dev-us'] },
        { principalArn: ROLE, clusters: ['staging-*'] },
      ],
    ],
  ])('accepts %o', (entries) => {
    expect(checkClustersWithoutEntries(manifest({ clusters: CLUSTERS, entries }))).toEqual([])
  })

  it('warns at the key of each cluster no entry selects', () => {
    const clusters = [
      cluster({ key: 'prod-eu', line: 3 }),
      cluster({ key: 'staging-eu', line: 13 }),
      cluster({ key: 'dev-us', line: 23, prune: 'none' }),
    ]
    const m = manifest({ clusters, entries: [{ principalArn: ROLE, clusters: ['prod-eu'] }] })
    expect(checkClustersWithoutEntries(m)).toEqual([
      problem({
        loc: clusters[2]!.locs.key,
        severity: 'warning',
        code: 'manifest:cluster-without-entries',
        says: ['"dev-us" is selected by no access entry', 'will not change'],
      }),
      problem({
        loc: clusters[1]!.locs.key,
        severity: 'warning',
        code: 'manifest:cluster-without-entries',
        says: ['"staging-eu"', 'with prune: owned the plan would delete'],
      }),
    ])
  })

  it('counts only the clusters a glob matches (prod-* selects neither dev-us nor staging-eu)', () => {
    const m = manifest({ clusters: CLUSTERS, entries: [{ principalArn: ROLE, clusters: ['prod-*'] }] })
    expect(checkClustersWithoutEntries(m).map((p) => p.message)).toEqual([
      expect.stringContaining('"dev-us"'),
      expect.stringContaining('"staging-eu"'),
    ])
  })
})

describe('manifest:duplicate-entry', () => {
  it.each([
    [
      [
        { principalArn: ROLE, clusters: ['prod-eu'] },
        { principalArn: ROLE, clusters: ['staging-eu'] },
      ],
    ],
    [
      [
        { principalArn: ROLE, clusters: ['prod-*'] },
        { principalArn: ROLE, clusters: ['staging-*', 'dev-us'] },
      ],
    ],
    [[{ principalArn: ROLE }, { principalArn: 'arn:aws:iam::111122223333:user/platform-admins' }]],
    [[{ principalArn: ROLE }, { principalArn: 'arn:aws:iam::444455556666:role/platform-admins' }]],
  ])('accepts %o', (entries) => {
    expect(checkDuplicateEntries(manifest({ clusters: CLUSTERS, entries }))).toEqual([])
  })

  it.each([
    [ROLE, ROLE, undefined, ['prod-*'], ['"prod-eu"']],
    [ROLE, ROLE, ['*-eu'], ['staging-eu', 'prod-eu'], ['clusters "prod-eu", "staging-eu"']],
    [
      ROLE,
      'arn:aws:iam::111122223333:role/teams/Platform-Admins',
      ['prod-eu'],
      ['prod-eu'],
      ['as "arn:aws:iam::111122223333:role/platform-admins"', 'case-insensitive'],
    ],
  ])('rejects %s then %s (common clusters)', (firstArn, secondArn, firstClusters, secondClusters, says) => {
    const first = entry({ principalArn: firstArn, ...(firstClusters && { clusters: firstClusters }), line: 20 })
    const second = entry({ principalArn: secondArn, clusters: secondClusters, line: 40 })
    expect(checkDuplicateEntries(manifest({ clusters: CLUSTERS, entries: [first, second] }))).toEqual([
      problem({
        loc: second.locs.principalArn,
        severity: 'error',
        code: 'manifest:duplicate-entry',
        says: ['already has an entry at eks-access.yaml:20', ...says, 'one entry per principal per cluster'],
      }),
    ])
  })

  it('names the first entry of another file', () => {
    const first = entry({ principalArn: ROLE, file: 'access/a.yaml', line: 7 })
    const second = entry({ principalArn: ROLE, file: 'access/b.yaml', line: 3, clusters: ['dev-us'] })
    expect(checkDuplicateEntries(manifest({ clusters: CLUSTERS, entries: [first, second] }))).toEqual([
      problem({
        loc: second.locs.principalArn,
        severity: 'error',
        code: 'manifest:duplicate-entry',
        says: ['access/a.yaml:7', 'cluster "dev-us"'],
      }),
    ])
  })

  it('reports a third entry against each earlier one it overlaps', () => {
    const entries = [
      entry({ principalArn: ROLE, clusters: ['prod-eu'], line: 10 }),
      entry({ principalArn: ROLE, clusters: ['staging-eu'], line: 20 }),
      entry({ principalArn: ROLE, line: 30 }),
    ]
    const problems = checkDuplicateEntries(manifest({ clusters: CLUSTERS, entries }))
    expect(problems.map((p) => [p.line, p.message.match(/yaml:\d+/)?.[0]])).toEqual([
      [30, 'yaml:10'],
      [30, 'yaml:20'],
    ])
  })

  it.each([
    ['arn:aws:iam::111122223333:role/a/B', 'aws:111122223333:role:b'],
    ['arn:aws:iam::111122223333:user/B', 'aws:111122223333:user:b'],
    ['garbage', 'garbage'],
  ])('principalIdentity(%s) = %s', (arn, identity) => {
    expect(principalIdentity(arn)).toBe(identity)
  })
})
