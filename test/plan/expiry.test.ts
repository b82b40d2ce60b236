import { describe, expect, it } from 'vitest'
import { orderActions } from '../../src/plan/order.js'
import { buildPlan } from '../../src/plan/plan.js'
import type { ManifestAccessPolicy, ManifestEntry, ObservedEntry } from '../../src/types.js'
import { ADMIN, EDIT, OWNED, VIEW, cluster, live, manifest, manifestEntry, manifestPolicy, observed, policy, role } from './build.js'

/**
 * Expiry in plan and apply, with a fixed clock for every case: expired access is absent from the
 * desired state, the change says why (`reason: "expired"`, `expiresAt`), and access ending within
 * the warning window is listed per cluster (`clusters[].expiring`).
 */
const NOW = new Date('2026-11-15T12:00:00Z')
const prod = cluster({ key: 'prod', name: 'prod' })
const ADMINS = role('admins')

const withExpiry = (p: ManifestAccessPolicy, expiresAt: string): ManifestAccessPolicy => ({ ...p, expiresAt })

function planOf(entries: readonly ManifestEntry[], liveEntries: readonly ObservedEntry[], now = NOW, expiryWarningDays?: number) {
  const m = manifest([prod], [manifestEntry(ADMINS, { accessPolicies: [manifestPolicy('AmazonEKSClusterAdminPolicy')] }), ...entries])
  const liveAdmins = observed(ADMINS, { tags: OWNED, accessPolicies: [policy(ADMIN)] })
  return buildPlan({
    manifest: m,
    observed: new Map([['prod', { ok: true as const, value: live([liveAdmins, ...liveEntries]) }]]),
    now,
    ...(expiryWarningDays === undefined ? {} : { expiryWarningDays }),
  })
}

describe('an expired entry', () => {
  it.each([
    ['date only, the day before', '2026-11-14'],
    ['date-time UTC, one ms ago', '2026-11-15T11:59:59.999Z'],
    ['date-time without offset = UTC', '2026-11-15T12:00:00'],
    ['date-time with an offset', '2026-11-15T13:00:00+01:00'],
  ])('is deleted with reason expired (%s)', (_n, expiresAt) => {
    const p = planOf(
      [manifestEntry(role('temp'), { expiresAt })],
      [observed(role('temp'), { tags: OWNED, accessPolicies: [policy(VIEW)] })],
    )
    expect(p.clusters[0]?.changes).toEqual([
      expect.objectContaining({ action: 'delete', principalArn: role('temp'), reason: 'expired', expiresAt }),
    ])
    expect(p.clusters[0]?.errors).toEqual([])
    expect(p.summary.delete).toBe(1)
  })

  it.each([
    ['date only, today: lasts until the next UTC midnight', '2026-11-15'],
    ['date-time one ms ahead', '2026-11-15T12:00:00.001Z'],
    ['offset puts it later in UTC', '2026-11-15T12:00:00-00:30'],
  ])('is kept until its instant (%s)', (_n, expiresAt) => {
    const p = planOf([manifestEntry(role('temp'), { expiresAt })], [observed(role('temp'), { tags: OWNED })])
    expect(p.clusters[0]?.changes).toEqual([])
  })

  it('is not created when it never existed, and nothing else changes', () => {
    const p = planOf([manifestEntry(role('temp'), { expiresAt: '2026-11-01' })], [])
    expect(p.clusters[0]?.changes).toEqual([])
    expect(p.clusters[0]?.unchanged).toBe(1)
  })

  it('is deleted even when the tool did not create it (the manifest names it and says it ended), but not with prune: none', () => {
    const unowned = [observed(role('temp'), { accessPolicies: [policy(VIEW)] })]
    expect(planOf([manifestEntry(role('temp'), { expiresAt: '2026-11-01' })], unowned).clusters[0]?.changes).toMatchObject([
      { action: 'delete', reason: 'expired' },
    ])
    const m = manifest(
      [{ ...prod, prune: 'none' }],
      [
        manifestEntry(ADMINS, { accessPolicies: [manifestPolicy('AmazonEKSClusterAdminPolicy')] }),
        manifestEntry(role('temp'), { expiresAt: '2026-11-01' }),
      ],
    )
    const p = buildPlan({
      manifest: m,
      observed: new Map([
        ['prod', { ok: true as const, value: live([observed(ADMINS, { tags: OWNED, accessPolicies: [policy(ADMIN)] }), ...unowned]) }],
      ]),
      now: NOW,
    })
    expect(p.clusters[0]?.changes).toEqual([])
    expect(p.clusters[0]?.unmanaged).toMatchObject([{ principalArn: role('temp'), reason: 'prune-none' }])
  })

  it('apply carries it out as one DeleteAccessEntry', () => {
    const p = planOf(
      [manifestEntry(role('temp'), { expiresAt: '2026-11-14' })],
      [observed(role('temp'), { tags: OWNED, accessPolicies: [policy(VIEW)] })],
    )
    expect(orderActions(p.clusters[0]!).map((c) => [c.call, 'principalArn' in c ? c.principalArn : ''])).toEqual([
      ['deleteAccessEntry', role('temp')],
    ])
  })
})

describe('an expired access policy', () => {
  it('is disassociated with reason expired; the entry and its other policies stay', () => {
    const entry = manifestEntry(role('dev'), {
      accessPolicies: [withExpiry(manifestPolicy('AmazonEKSEditPolicy', ['a']), '2026-11-14'), manifestPolicy('AmazonEKSViewPolicy')],
    })
    const p = planOf([entry], [observed(role('dev'), { tags: OWNED, accessPolicies: [policy(EDIT, ['a']), policy(VIEW)] })])
    expect(p.clusters[0]?.changes).toEqual([
      {
        action: 'disassociate',
        principalArn: role('dev'),
        policyArn: EDIT,
        accessScope: { type: 'namespace', namespaces: ['a'] },
        reason: 'expired',
        expiresAt: '2026-11-14',
      },
    ])
    expect(orderActions(p.clusters[0]!).map((c) => c.call)).toEqual(['disassociateAccessPolicy'])
  })

  it('is not associated on a new entry', () => {
    const entry = manifestEntry(role('dev'), {
      accessPolicies: [withExpiry(manifestPolicy('AmazonEKSEditPolicy'), '2026-11-14T23:00:00-02:00')],
    })
    // 2026-11-14T23:00-02:00 = 2026-11-15T01:00Z: passed
    const p = planOf([entry], [])
    expect(p.clusters[0]?.changes.map((c) => c.action)).toEqual(['create'])
  })

  it('a disassociate that is not caused by expiry carries no reason', () => {
    const p = planOf([manifestEntry(role('dev'))], [observed(role('dev'), { tags: OWNED, accessPolicies: [policy(VIEW)] })])
    expect(p.clusters[0]?.changes[0]).not.toHaveProperty('reason')
  })
})

describe('clusters[].expiring: access ending within the warning window', () => {
  const entries = [
    manifestEntry(role('soon'), { expiresAt: '2026-11-16' }), // ends 2026-11-17T00:00Z
    manifestEntry(role('edge'), { expiresAt: '2026-11-22T12:00:00Z' }), // exactly 7 days
    manifestEntry(role('later'), { expiresAt: '2026-11-22T12:00:01Z' }),
    manifestEntry(role('gone'), { expiresAt: '2026-11-01' }),
    manifestEntry(role('pol'), { accessPolicies: [withExpiry(manifestPolicy('AmazonEKSViewPolicy'), '2026-11-15T14:00:00+01:00')] }),
  ]

  it('lists entries and policies, soonest first, with the instant access ends', () => {
    const p = planOf(entries, [])
    expect(p.clusters[0]?.expiring).toEqual([
      { principalArn: role('pol'), policyArn: VIEW, expiresAt: '2026-11-15T14:00:00+01:00', endsAt: '2026-11-15T13:00:00Z' },
      { principalArn: role('soon'), expiresAt: '2026-11-16', endsAt: '2026-11-17T00:00:00Z' },
      { principalArn: role('edge'), expiresAt: '2026-11-22T12:00:00Z', endsAt: '2026-11-22T12:00:00Z' },
    ])
  })

  it('follows expiryWarningDays', () => {
    expect(planOf(entries, [], NOW, 1).clusters[0]?.expiring?.map((e) => e.principalArn)).toEqual([role('pol')])
    expect(planOf(entries, [], NOW, 0).clusters[0]).not.toHaveProperty('expiring')
  })

  it('stays out of the plan hash: a later re-plan with the same changes hashes the same', () => {
    const late = planOf(
      entries.filter((e) => e.principalArn !== role('gone')),
      [],
      NOW,
    )
    const earlyWithoutGone = planOf(
      entries.filter((e) => e.principalArn !== role('gone')),
      [],
      new Date('2026-11-01T00:00:00Z'),
    )
    expect(earlyWithoutGone.clusters[0]?.expiring ?? []).toEqual([])
    expect(late.clusters[0]?.expiring?.length).toBe(3)
    expect(late.clusters[0]?.changes).toEqual(earlyWithoutGone.clusters[0]?.changes)
    expect(late.planHash).toBe(earlyWithoutGone.planHash)
  })
})

describe('the JSON plan with expiry (schemas/plan.schema.json)', () => {
  it('accepts reason/expiresAt on delete and disassociate and clusters[].expiring', async () => {
    const { Ajv2020 } = await import('ajv/dist/2020.js')
    const schema = (await import('../../schemas/plan.schema.json', { with: { type: 'json' } })).default
    const { renderPlan } = await import('../../src/plan/render/index.js')
    const validate = new Ajv2020({ strict: true, allErrors: true }).compile(schema)
    const p = planOf(
      [
        manifestEntry(role('temp'), { expiresAt: '2026-11-14' }),
        manifestEntry(role('dev'), {
          accessPolicies: [
            withExpiry(manifestPolicy('AmazonEKSEditPolicy'), '2026-11-14'),
            withExpiry(manifestPolicy('AmazonEKSViewPolicy'), '2026-11-16'),
          ],
        }),
      ],
      [observed(role('temp'), { tags: OWNED }), observed(role('dev'), { tags: OWNED, accessPolicies: [policy(EDIT), policy(VIEW)] })],
    )
    const json = JSON.parse(renderPlan(p, 'json')) as {
      clusters: { changes: { action: string; reason?: string }[]; expiring?: unknown[] }[]
    }
    expect(json.clusters[0]?.changes.map((c) => [c.action, c.reason])).toEqual([
      ['disassociate', 'expired'],
      ['delete', 'expired'],
    ])
    expect(json.clusters[0]?.expiring).toHaveLength(1)
    expect(validate(json), JSON.stringify(validate.errors)).toBe(true)
  })
})
