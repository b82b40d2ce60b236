import { describe, expect, it } from 'vitest'
import { planHash, stableStringify } from '../../src/plan/hash.js'
import { buildPlan } from '../../src/plan/plan.js'
import type { Manifest, ObservedCluster, PlanError, Result } from '../../src/types.js'
import {
  ACCOUNT,
  ADMIN,
  EDIT,
  OWNED,
  VIEW,
  cluster,
  live,
  manifest,
  manifestEntry,
  manifestPolicy,
  observed,
  policy,
  role,
  shuffled,
} from './build.js'

const now = new Date('2026-06-15T00:00:00Z')
const prod = cluster({ key: 'prod', name: 'prod' })
const staging = cluster({ key: 'staging', name: 'staging' })

/** Every change kind once on prod; staging is in sync. */
function fixture(seed = 0): { manifest: Manifest; observed: Map<string, Result<ObservedCluster, PlanError>> } {
  const entries = [
    manifestEntry(role('admins'), { accessPolicies: [manifestPolicy('AmazonEKSClusterAdminPolicy')] }),
    manifestEntry(role('new'), {
      clusters: ['prod'],
      accessPolicies: [manifestPolicy('AmazonEKSViewPolicy'), manifestPolicy(EDIT, ['b', 'a'])],
    }),
    manifestEntry(role('upd'), { clusters: ['prod'], kubernetesGroups: ['g2', 'g1'], tags: { team: 'x' } }),
    manifestEntry(role('swap'), { clusters: ['prod'], accessPolicies: [manifestPolicy('AmazonEKSViewPolicy')] }),
    manifestEntry(role('scope'), { clusters: ['prod'], accessPolicies: [manifestPolicy('AmazonEKSEditPolicy')] }),
    manifestEntry(role('drop'), { clusters: ['prod'] }),
    manifestEntry(role('gone'), { clusters: ['prod'], expiresAt: '2026-06-14' }),
  ]
  const prodLive = [
    observed(role('admins'), { tags: OWNED, accessPolicies: [policy(ADMIN)] }),
    observed(role('upd'), { tags: OWNED, kubernetesGroups: ['g0'] }),
    observed(role('swap'), { type: 'EC2_LINUX', tags: OWNED }),
    observed(role('scope'), { tags: OWNED, accessPolicies: [policy(EDIT, ['a'])] }),
    observed(role('drop'), { tags: OWNED, accessPolicies: [policy(VIEW)] }),
    observed(role('gone'), { tags: OWNED, accessPolicies: [policy(VIEW), policy(EDIT, ['z'])] }),
    observed(role('old'), { tags: OWNED, accessPolicies: [policy(VIEW)] }),
    observed(role('creator'), { accessPolicies: [policy(ADMIN)] }),
  ]
  const stagingLive = [observed(role('admins'), { tags: OWNED, accessPolicies: [policy(ADMIN)] })]
  const m = manifest(shuffled([staging, prod], seed), shuffled(entries, seed))
  const obs = new Map<string, Result<ObservedCluster, PlanError>>(
    shuffled(
      [
        ['prod', { ok: true, value: live(shuffled(prodLive, seed + 1)) }],
        ['staging', { ok: true, value: live(shuffled(stagingLive, seed + 2), { name: 'staging' }) }],
      ] as const,
      seed + 3,
    ),
  )
  return { manifest: m, observed: obs }
}

describe('buildPlan', () => {
  it('counts per PRODUCT.md', () => {
    const p = buildPlan({ ...fixture(), now })
    // create: new. update: upd (groups + tag = one). replace: swap (+1 associate). delete: old, gone (no disassociate).
    // associate: new ×2, swap ×1 (replace), scope ×1 (in place). disassociate: drop ×1.
    // unchanged: prod admins; staging admins. The unowned creator entry is unmanaged.
    expect(p.summary).toEqual({ create: 1, update: 1, replace: 1, delete: 2, associate: 4, disassociate: 1, unchanged: 2 })
    expect(p.clusters.map((c) => c.cluster)).toEqual(['prod', 'staging'])
    expect(p.clusters[0]?.unmanaged).toEqual([{ principalArn: role('creator'), type: 'STANDARD', reason: 'unowned' }])
    expect(p.clusters[0]?.changes.find((c) => c.principalArn === role('gone'))).toMatchObject({
      action: 'delete',
      reason: 'expired',
      expiresAt: '2026-06-14',
    })
    expect(p.version).toBe(1)
  })

  it('gives byte-identical JSON and hash for shuffled inputs', () => {
    const first = buildPlan({ ...fixture(0), now })
    for (const seed of [1, 2, 5, 11, 99]) {
      const again = buildPlan({ ...fixture(seed), now })
      expect(JSON.stringify(again)).toBe(JSON.stringify(first))
      expect(again.planHash).toBe(first.planHash)
    }
  })

  it('keeps the commit and problems out of the hash', () => {
    const a = buildPlan({ ...fixture(), now })
    const b = buildPlan({
      ...fixture(),
      now,
      manifestCommit: 'abc123',
      problems: [{ severity: 'warning', code: 'x', message: 'm', file: 'f', line: 1, column: 1 }],
    })
    expect(b.manifestCommit).toBe('abc123')
    expect(b.problems).toHaveLength(1)
    expect(b.planHash).toBe(a.planHash)
    expect(a).not.toHaveProperty('manifestCommit')
  })

  it('changes the hash when the plan changes', () => {
    const { manifest: m, observed: obs } = fixture()
    const a = buildPlan({ manifest: m, observed: obs, now })
    const b = buildPlan({ manifest: m, observed: obs, now: new Date('2020-01-01T00:00:00Z') }) // nothing expired yet
    expect(b.planHash).not.toBe(a.planHash)
    expect(a.planHash).toMatch(/^[0-9a-f]{64}$/)
  })

  it('a failed cluster carries its error, no changes and unchanged 0; others are still planned', () => {
    const { manifest: m, observed: obs } = fixture()
    obs.set('prod', { ok: false, error: { code: 'AccessDeniedException', message: 'denied' } })
    const p = buildPlan({ manifest: m, observed: obs, now })
    expect(p.clusters[0]).toMatchObject({
      cluster: 'prod',
      changes: [],
      effects: [],
      unmanaged: [],
      unchanged: 0,
      errors: [{ code: 'AccessDeniedException' }],
    })
    expect(p.clusters[1]).toMatchObject({ cluster: 'staging', errors: [], unchanged: 1 })
    expect(p.summary).toEqual({ create: 0, update: 0, replace: 0, delete: 0, associate: 0, disassociate: 0, unchanged: 1 })
  })

  it('a selected cluster with no state gets a no-state error', () => {
    const { manifest: m, observed: obs } = fixture()
    obs.delete('staging')
    const p = buildPlan({ manifest: m, observed: obs, now })
    expect(p.clusters[1]?.errors).toEqual([{ code: 'no-state', message: 'no live state or snapshot for cluster staging' }])
  })

  it('plans only the requested clusters', () => {
    const { manifest: m, observed: obs } = fixture()
    obs.delete('prod')
    const p = buildPlan({ manifest: m, observed: obs, now, clusters: ['staging'] })
    expect(p.clusters.map((c) => c.cluster)).toEqual(['staging'])
    expect(p.summary.unchanged).toBe(1)
  })

  it('a cluster with a lockout error is not counted as unchanged', () => {
    const m = manifest([prod], [manifestEntry(role('dev'))])
    const obs = new Map([['prod', { ok: true as const, value: live([observed(role('dev'), { tags: OWNED })]) }]])
    const p = buildPlan({ manifest: m, observed: obs, now })
    expect(p.clusters[0]?.errors.map((e) => e.code)).toEqual(['no-cluster-admin'])
    expect(p.summary.unchanged).toBe(0)
  })
})

describe('buildPlan: one EKS cluster under two logical names', () => {
  // Each logical cluster would be planned alone: entries that select only `prod-b` look like owned
  // entries to prune from `prod-a`'s point of view, so the two plans would undo each other.
  const a = cluster({ key: 'prod-a', name: 'prod' })
  const b = cluster({ key: 'prod-b', name: 'prod' })
  const m = manifest(
    [a, b],
    [
      manifestEntry(role('admins'), { accessPolicies: [manifestPolicy('AmazonEKSClusterAdminPolicy')] }),
      manifestEntry(role('only-b'), { clusters: ['prod-b'] }),
    ],
  )
  const state = live([
    observed(role('admins'), { tags: OWNED, accessPolicies: [policy(ADMIN)] }),
    observed(role('only-b'), { tags: OWNED }),
  ])
  const obs = new Map<string, Result<ObservedCluster, PlanError>>([
    ['prod-a', { ok: true, value: state }],
    ['prod-b', { ok: true, value: state }],
  ])

  it("is an error on both, with no changes planned (no delete of the other name's entries)", () => {
    const p = buildPlan({ manifest: m, observed: obs, now })
    for (const c of p.clusters) {
      expect(c.errors.map((e) => e.code)).toEqual(['same-eks-cluster'])
      expect(c.changes).toEqual([])
    }
    expect(p.clusters[0]?.errors[0]?.message).toMatch(/prod-a.*prod-b/)
    expect(p.summary.delete).toBe(0)
  })

  it('also when --cluster selects only one of the two names', () => {
    const p = buildPlan({ manifest: m, observed: obs, now, clusters: ['prod-a'] })
    expect(p.clusters.map((c) => [c.cluster, c.errors.map((e) => e.code)])).toEqual([['prod-a', ['same-eks-cluster']]])
  })

  it('the same name in another region or account is another cluster', () => {
    const m2 = manifest(
      [
        a,
        cluster({ key: 'prod-us', name: 'prod', region: 'us-east-1' }),
        cluster({ key: 'prod-x', name: 'prod', accountId: '444455556666' }),
      ],
      [],
    )
    const empty = { ok: true as const, value: live([]) }
    const p = buildPlan({
      manifest: m2,
      observed: new Map([
        ['prod-a', empty],
        ['prod-us', empty],
        ['prod-x', empty],
      ]),
      now,
    })
    expect(p.clusters.flatMap((c) => c.errors.map((e) => e.code)).filter((c) => c === 'same-eks-cluster')).toEqual([])
  })
})

describe('buildPlan: a CONFIG_MAP cluster', () => {
  const configMapRead: Result<ObservedCluster, PlanError> = {
    ok: false,
    error: { code: 'ConfigMapAuthenticationMode', message: 'uses CONFIG_MAP' },
  }
  const entries = [manifestEntry(role('admins'), { accessPolicies: [manifestPolicy('AmazonEKSClusterAdminPolicy')] })]

  it('plans the one-way step to API_AND_CONFIG_MAP the manifest asks for, and the entries to create after it', () => {
    const m = manifest([cluster({ key: 'prod', name: 'prod', authenticationMode: 'API_AND_CONFIG_MAP' })], entries)
    const p = buildPlan({ manifest: m, observed: new Map([['prod', configMapRead]]), now })
    expect(p.clusters[0]).toMatchObject({
      errors: [],
      authenticationMode: { from: 'CONFIG_MAP', to: 'API_AND_CONFIG_MAP', irreversible: true },
    })
    expect(p.clusters[0]?.changes.map((c) => c.action)).toEqual(['create', 'associate'])
  })

  it.each([
    ['no desired mode', undefined],
    ['desired API (two steps)', 'API' as const],
  ])('keeps the read error with %s', (_n, mode) => {
    const m = manifest([cluster({ key: 'prod', name: 'prod', ...(mode ? { authenticationMode: mode } : {}) })], entries)
    const p = buildPlan({ manifest: m, observed: new Map([['prod', configMapRead]]), now })
    expect(p.clusters[0]).toMatchObject({ changes: [], errors: [{ code: 'ConfigMapAuthenticationMode' }] })
  })
})

describe('hash', () => {
  it.each([
    [{ b: 1, a: [3, { d: 1, c: 2 }] }, '{"a":[3,{"c":2,"d":1}],"b":1}'],
    [{ x: undefined, y: null }, '{"y":null}'],
    [[undefined, 'a'], '[null,"a"]'],
    ['s"q', '"s\\"q"'],
    [12, '12'],
  ])('stableStringify(%j)', (value, expected) => {
    expect(stableStringify(value)).toBe(expected)
  })

  it('planHash ignores key order', () => {
    const c = {
      cluster: 'a',
      name: 'a',
      region: 'r',
      accountId: ACCOUNT,
      changes: [],
      errors: [],
      effects: [],
      unmanaged: [],
      unchanged: 0,
    }
    const reordered = {
      unchanged: 0,
      unmanaged: [],
      effects: [],
      errors: [],
      changes: [],
      accountId: ACCOUNT,
      region: 'r',
      name: 'a',
      cluster: 'a',
    }
    expect(planHash([c])).toBe(planHash([reordered]))
  })
})
