import { describe, expect, it } from 'vitest'
import { isExpired } from '../../src/expiry.js'
import { resolveDesired } from '../../src/plan/desired.js'
import { ADMIN, cluster, manifest, manifestEntry, manifestPolicy, role } from './build.js'

describe('resolveDesired', () => {
  const prod = cluster({ key: 'prod-eu', name: 'prod' })
  const staging = cluster({ key: 'staging-eu', name: 'staging' })
  const china = cluster({ key: 'cn', region: 'cn-north-1' })
  const now = new Date('2026-06-15T12:00:00Z')

  it.each([
    ['absent selectors = every cluster', undefined, ['prod-eu', 'staging-eu']],
    ['plain name', ['prod-eu'], ['prod-eu']],
    ['glob', ['staging-*'], ['staging-eu']],
    ['star', ['*'], ['prod-eu', 'staging-eu']],
  ] as const)('%s', (_n, clusters, expected) => {
    const m = manifest([prod, staging], [manifestEntry(role('a'), clusters === undefined ? {} : { clusters })])
    const selected = [prod, staging].filter((c) => resolveDesired(m, c, now).entries.length === 1).map((c) => c.key)
    expect(selected).toEqual(expected)
  })

  it('resolves policies to full ARNs in the cluster partition, sorts namespaces, groups and entries', () => {
    const m = manifest(
      [prod, china],
      [
        manifestEntry(role('z'), { type: 'EC2_LINUX' }),
        manifestEntry(role('a'), {
          kubernetesGroups: ['y', 'x', 'x'],
          tags: { team: 'a' },
          username: 'a:{{SessionName}}',
          accessPolicies: [manifestPolicy('AmazonEKSEditPolicy', ['b', 'a', 'b']), manifestPolicy('AmazonEKSClusterAdminPolicy')],
        }),
      ],
    )
    const { entries, expired } = resolveDesired(m, china, now)
    expect(expired).toEqual([])
    expect(entries.map((e) => e.principalArn)).toEqual([role('a'), role('z')])
    expect(entries[0]).toEqual({
      principalArn: role('a'),
      type: 'STANDARD',
      username: 'a:{{SessionName}}',
      kubernetesGroups: ['x', 'y'],
      tags: { team: 'a' },
      accessPolicies: [
        {
          policyArn: 'arn:aws-cn:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy',
          accessScope: { type: 'cluster', namespaces: [] },
        },
        {
          policyArn: 'arn:aws-cn:eks::aws:cluster-access-policy/AmazonEKSEditPolicy',
          accessScope: { type: 'namespace', namespaces: ['a', 'b'] },
        },
      ],
      loc: { file: 'eks-access.yaml', line: 1, column: 1 },
    })
    expect(entries[1]?.type).toBe('EC2_LINUX')
    expect(resolveDesired(m, prod, now).entries[0]?.accessPolicies[0]?.policyArn).toBe(ADMIN)
  })

  it('moves expired entries apart, keeping expiresAt', () => {
    const m = manifest(
      [prod],
      [
        manifestEntry(role('old'), { expiresAt: '2026-06-14' }),
        manifestEntry(role('today'), { expiresAt: '2026-06-15' }),
        manifestEntry(role('forever')),
      ],
    )
    const { entries, expired } = resolveDesired(m, prod, now)
    expect(entries.map((e) => e.principalArn)).toEqual([role('forever'), role('today')])
    expect(expired).toMatchObject([{ principalArn: role('old'), expiresAt: '2026-06-14' }])
  })
})

describe('expiry', () => {
  it.each([
    ['date-only lasts through the day', '2026-03-31', '2026-03-31T23:59:59.999Z', false],
    ['date-only ends at the next UTC midnight', '2026-03-31', '2026-04-01T00:00:00Z', true],
    ['date-time with zone', '2026-03-31T10:00:00+02:00', '2026-03-31T08:00:00Z', true],
    ['date-time with zone, just before', '2026-03-31T10:00:00+02:00', '2026-03-31T07:59:59Z', false],
    ['date-time without offset is UTC', '2026-03-31T10:00:00', '2026-03-31T10:00:00Z', true],
    ['date-time without offset is UTC, just before', '2026-03-31T10:00:00', '2026-03-31T09:59:59.999Z', false],
    ['garbage never expires here', 'soon', '2099-01-01T00:00:00Z', false],
  ])('%s', (_n, expiresAt, now, expected) => {
    expect(isExpired(expiresAt, new Date(now))).toBe(expected)
  })
})
