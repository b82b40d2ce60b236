import { describe, expect, it } from 'vitest'
import { readLiveState, CONFIG_MAP_ERROR_CODE } from '../../src/aws/read-state.js'
import { AwsCallError, type ClusterInfo, type ClusterTarget, type EksAccessApi } from '../../src/aws/port.js'
import type { AssociatedPolicy, AuthenticationMode, ObservedEntry } from '../../src/types.js'

/** An in-memory port: records every read, counts reads in flight per account+region. */
interface MemCluster {
  mode: AuthenticationMode
  entries: ObservedEntry[]
}

function memoryWorld(
  clusters: Record<string, MemCluster>,
  opts: { failOn?: (op: string, cluster: string, principal?: string) => AwsCallError | undefined } = {},
) {
  const calls: string[] = []
  const inFlight = new Map<string, number>()
  const maxInFlight = new Map<string, number>()
  const tick = () => new Promise<void>((r) => setImmediate(r))
  const factory = (t: ClusterTarget): EksAccessApi => {
    const scope = `${t.accountId}|${t.region}`
    const read = async <T>(op: string, cluster: string, principal: string | undefined, f: () => T): Promise<T> => {
      calls.push([op, t.accountId, t.region, cluster, principal].filter(Boolean).join(' '))
      const n = (inFlight.get(scope) ?? 0) + 1
      inFlight.set(scope, n)
      maxInFlight.set(scope, Math.max(maxInFlight.get(scope) ?? 0, n))
      try {
        await tick()
        const failure = opts.failOn?.(op, cluster, principal)
        if (failure) throw failure
        return f()
      } finally {
        inFlight.set(scope, (inFlight.get(scope) ?? 1) - 1)
      }
    }
    const clusterOf = (name: string): MemCluster => {
      const c = clusters[`${t.accountId}/${name}`]
      if (!c) throw new AwsCallError('DescribeCluster', 'ResourceNotFoundException', `No cluster found for name: ${name}.`, 404)
      return c
    }
    const unused = () => Promise.reject(new Error('not a read'))
    return {
      describeCluster: (name) =>
        read('DescribeCluster', name, undefined, (): ClusterInfo => ({ name, authenticationMode: clusterOf(name).mode })),
      listAccessEntries: (name) => read('ListAccessEntries', name, undefined, () => clusterOf(name).entries.map((e) => e.principalArn)),
      describeAccessEntry: (name, p) =>
        read('DescribeAccessEntry', name, p, () => {
          const { accessPolicies: _, ...rest } = clusterOf(name).entries.find((e) => e.principalArn === p)!
          return rest
        }),
      listAssociatedAccessPolicies: (name, p) =>
        read('ListAssociatedAccessPolicies', name, p, (): AssociatedPolicy[] => [
          ...clusterOf(name).entries.find((e) => e.principalArn === p)!.accessPolicies,
        ]),
      listAccessPolicies: () =>
        read('ListAccessPolicies', '-', undefined, () => [
          {
            name: 'AmazonEKSViewPolicy',
            arn: `arn:${t.region.startsWith('cn-') ? 'aws-cn' : 'aws'}:eks::aws:cluster-access-policy/AmazonEKSViewPolicy`,
          },
        ]),
      createAccessEntry: unused,
      updateAccessEntry: unused,
      deleteAccessEntry: unused,
      associateAccessPolicy: unused,
      disassociateAccessPolicy: unused,
      tagResource: unused,
      updateAuthenticationMode: unused,
    }
  }
  return { factory, calls, maxInFlight }
}

const A = '111122223333'
const B = '444455556666'
const role = (acct: string, n: string) => `arn:aws:iam::${acct}:role/${n}`
const entry = (principalArn: string, over: Partial<ObservedEntry> = {}): ObservedEntry => ({
  principalArn,
  type: 'STANDARD',
  username: 'u',
  kubernetesGroups: [],
  tags: {},
  accessPolicies: [],
  ...over,
})
const target = (key: string, accountId = A, region = 'eu-west-1', name = key): ClusterTarget => ({ key, name, region, accountId })

describe('readLiveState (in-memory port)', () => {
  it('never has more reads in flight per account+region than the bound, and runs accounts in parallel', async () => {
    const many = (acct: string) => Array.from({ length: 40 }, (_, i) => entry(role(acct, `r${i}`)))
    const w = memoryWorld({
      [`${A}/a1`]: { mode: 'API', entries: many(A) },
      [`${A}/a2`]: { mode: 'API', entries: many(A) },
      [`${B}/b1`]: { mode: 'API', entries: many(B) },
    })
    const state = await readLiveState([target('a1'), target('a2'), target('b1', B)], w.factory, { concurrency: 3 })
    expect([...state.clusters.values()].every((r) => r.ok)).toBe(true)
    expect(w.maxInFlight.get(`${A}|eu-west-1`)).toBe(3)
    expect(w.maxInFlight.get(`${B}|eu-west-1`)).toBe(3)
  })

  it('makes no read twice (two logical keys for one cluster share the read) and reads the catalogue once per partition', async () => {
    const w = memoryWorld({ [`${A}/prod`]: { mode: 'API', entries: [entry(role(A, 'x'))] }, [`${A}/china`]: { mode: 'API', entries: [] } })
    const state = await readLiveState(
      [target('prod'), target('prod-alias', A, 'eu-west-1', 'prod'), target('cn', A, 'cn-north-1', 'china')],
      w.factory,
    )
    expect(state.clusters.get('prod')).toEqual(state.clusters.get('prod-alias'))
    expect(w.calls).toHaveLength(new Set(w.calls).size)
    expect(w.calls.filter((c) => c.startsWith('ListAccessPolicies'))).toHaveLength(2)
    expect(state.cataloguesByPartition?.['aws']?.[0]?.arn).toContain('arn:aws:')
    expect(state.cataloguesByPartition?.['aws-cn']?.[0]?.arn).toContain('arn:aws-cn:')
    expect(state.catalogue).toHaveLength(2)
  })

  it.each([
    ['EC2_LINUX', false],
    ['EC2_WINDOWS', false],
    ['FARGATE_LINUX', false],
    ['HYBRID_LINUX', false],
    ['EC2', true],
    ['STANDARD', true],
    ['HYPERPOD_LINUX', true],
  ])('type %s: association read made = %s', async (type, reads) => {
    const w = memoryWorld({ [`${A}/prod`]: { mode: 'API', entries: [entry(role(A, 'n'), { type })] } })
    const state = await readLiveState([target('prod')], w.factory)
    expect(state.clusters.get('prod')?.ok).toBe(true)
    expect(w.calls.some((c) => c.startsWith('ListAssociatedAccessPolicies'))).toBe(reads)
  })

  it('stops at DescribeCluster on a CONFIG_MAP cluster with an explaining error', async () => {
    const w = memoryWorld({ [`${A}/legacy`]: { mode: 'CONFIG_MAP', entries: [entry(role(A, 'x'))] } })
    const state = await readLiveState([target('legacy')], w.factory)
    const r = state.clusters.get('legacy')
    expect(r).toMatchObject({ ok: false, error: { code: CONFIG_MAP_ERROR_CODE } })
    expect(!r?.ok && r?.error.message).toMatch(/API or API_AND_CONFIG_MAP/)
    expect(w.calls.filter((c) => !c.startsWith('ListAccessPolicies'))).toEqual([`DescribeCluster ${A} eu-west-1 legacy`])
  })

  it('isolates a failing cluster; the others still succeed; messages say what to check', async () => {
    const denied = new AwsCallError('DescribeAccessEntry', 'AccessDeniedException', 'not authorized', 403)
    const w = memoryWorld(
      {
        [`${A}/good`]: { mode: 'API', entries: [entry(role(A, 'x'))] },
        [`${A}/locked`]: { mode: 'API', entries: Array.from({ length: 30 }, (_, i) => entry(role(A, `r${i}`))) },
      },
      { failOn: (op, cluster, p) => (op === 'DescribeAccessEntry' && cluster === 'locked' && p === role(A, 'r0') ? denied : undefined) },
    )
    const state = await readLiveState([target('good'), target('locked'), target('ghost')], w.factory, { concurrency: 2 })
    expect(state.clusters.get('good')?.ok).toBe(true)
    const locked = state.clusters.get('locked')
    expect(locked).toMatchObject({ ok: false, error: { code: 'AccessDeniedException' } })
    expect(!locked?.ok && locked?.error.message).toMatch(/eks:DescribeAccessEntry/)
    const ghost = state.clusters.get('ghost')
    expect(ghost).toMatchObject({ ok: false, error: { code: 'ResourceNotFoundException' } })
    expect(!ghost?.ok && ghost?.error.message).toMatch(/"ghost" \(eu-west-1, account 111122223333\) was not found/)
    // After the failure, the cluster's queued reads were skipped, not made.
    expect(w.calls.filter((c) => c.includes(' locked')).length).toBeLessThan(2 + 30 * 2)
  })

  it('a factory that throws (no credentials) fails only that cluster', async () => {
    const w = memoryWorld({ [`${A}/good`]: { mode: 'API', entries: [] } })
    const factory = (t: ClusterTarget) => {
      if (t.accountId === B) throw new Error('Could not load credentials from any providers')
      return w.factory(t)
    }
    const state = await readLiveState([target('good'), target('other', B)], factory)
    expect(state.clusters.get('good')?.ok).toBe(true)
    expect(state.clusters.get('other')).toMatchObject({
      ok: false,
      error: { code: 'Error', message: expect.stringMatching(/credentials/) },
    })
  })

  it('an entry deleted between list and describe is skipped, not a cluster error', async () => {
    const gone = new AwsCallError('DescribeAccessEntry', 'ResourceNotFoundException', 'The specified principalArn could not be found.', 404)
    const w = memoryWorld(
      { [`${A}/prod`]: { mode: 'API', entries: [entry(role(A, 'a')), entry(role(A, 'b'))] } },
      { failOn: (op, _c, p) => (op === 'DescribeAccessEntry' && p === role(A, 'a') ? gone : undefined) },
    )
    const r = (await readLiveState([target('prod')], w.factory)).clusters.get('prod')
    expect(r?.ok && r.value.entries.map((e) => e.principalArn)).toEqual([role(A, 'b')])
  })

  it('returns entries sorted by principalArn with groups, namespaces and policies sorted; tags as given', async () => {
    const w = memoryWorld({
      [`${A}/prod`]: {
        mode: 'API_AND_CONFIG_MAP',
        entries: [
          entry(role(A, 'z'), {
            kubernetesGroups: ['b', 'a', 'b'],
            tags: { z: '1', a: '2' },
            accessPolicies: [
              { policyArn: 'arn:p2', accessScope: { type: 'namespace', namespaces: ['y', 'x'] } },
              { policyArn: 'arn:p1', accessScope: { type: 'cluster', namespaces: [] } },
            ],
          }),
          entry(role(A, 'a')),
        ],
      },
    })
    const r = (await readLiveState([target('prod')], w.factory)).clusters.get('prod')
    expect(r).toEqual({
      ok: true,
      value: {
        name: 'prod',
        region: 'eu-west-1',
        accountId: A,
        authenticationMode: 'API_AND_CONFIG_MAP',
        entries: [
          entry(role(A, 'a')),
          entry(role(A, 'z'), {
            kubernetesGroups: ['a', 'b'],
            tags: { z: '1', a: '2' },
            accessPolicies: [
              { policyArn: 'arn:p1', accessScope: { type: 'cluster', namespaces: [] } },
              { policyArn: 'arn:p2', accessScope: { type: 'namespace', namespaces: ['x', 'y'] } },
            ],
          }),
        ],
      },
    })
  })

  it('a failing ListAccessPolicies is tried on the next working cluster and never fails a cluster', async () => {
    let first = true
    const w = memoryWorld(
      { [`${A}/a`]: { mode: 'API', entries: [] }, [`${B}/b`]: { mode: 'API', entries: [] } },
      {
        failOn: (op) => {
          if (op !== 'ListAccessPolicies' || !first) return undefined
          first = false
          return new AwsCallError('ListAccessPolicies', 'AccessDeniedException', 'no', 403)
        },
      },
    )
    const state = await readLiveState([target('a'), target('b', B)], w.factory)
    expect([...state.clusters.values()].every((r) => r.ok)).toBe(true)
    expect(state.catalogue).toHaveLength(1)
  })
})

describe('readLiveState: the account the cluster is really in', () => {
  // Ambient or mis-scoped credentials can reach a cluster of the same name in another account.
  // The observed account must come from the cluster's ARN, so the diff's account-mismatch check
  // can refuse it, instead of echoing the manifest's accountId back.
  const OTHER = '999999999999'
  const stub = (arn: string | undefined): EksAccessApi => {
    const unused = () => Promise.reject(new Error('unused'))
    return {
      describeCluster: async (name) => ({ name, authenticationMode: 'API', ...(arn === undefined ? {} : { arn }) }),
      listAccessEntries: async () => [],
      describeAccessEntry: unused,
      listAssociatedAccessPolicies: unused,
      listAccessPolicies: async () => [],
      createAccessEntry: unused,
      updateAccessEntry: unused,
      deleteAccessEntry: unused,
      associateAccessPolicy: unused,
      disassociateAccessPolicy: unused,
      tagResource: unused,
      updateAuthenticationMode: unused,
    }
  }

  it.each([
    ['the ARN names another account', `arn:aws:eks:eu-west-1:${OTHER}:cluster/prod`, OTHER],
    ['the ARN names the manifest account', `arn:aws:eks:eu-west-1:${A}:cluster/prod`, A],
    ['no ARN reported: the manifest account', undefined, A],
  ])('%s', async (_n, arn, expected) => {
    const state = await readLiveState([target('prod')], () => stub(arn))
    expect(state.clusters.get('prod')).toMatchObject({ ok: true, value: { accountId: expected } })
  })
})
