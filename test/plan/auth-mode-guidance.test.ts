import { describe, expect, it } from 'vitest'
import { authenticationModeGuidance } from '../../src/onboarding/auth-mode.js'
import { planCluster } from '../../src/plan/diff.js'
import { buildPlan } from '../../src/plan/plan.js'
import { renderPlan } from '../../src/plan/render/index.js'
import type { AuthenticationMode, ObservedCluster, PlanError, Result } from '../../src/types.js'
import { ADMIN, ADMIN_ROLE, cluster, desiredAdmin, live, liveAdmin, manifest, manifestEntry, manifestPolicy, role } from './build.js'

/**
 * Authentication-mode guidance in the plan: each cluster's place on CONFIG_MAP → API_AND_CONFIG_MAP
 * → API as `notes` (info), or as the cluster's error (a refused mode), rendered in every format and
 * kept out of the plan hash.
 */
const now = new Date('2026-11-28T12:00:00Z')

function planFor(liveMode: AuthenticationMode, desiredMode: AuthenticationMode | undefined) {
  return planCluster({
    cluster: cluster(desiredMode === undefined ? {} : { authenticationMode: desiredMode }),
    desired: [desiredAdmin()],
    expired: [],
    observed: live([liveAdmin()], { authenticationMode: liveMode }),
  })
}

const guidance = (l: AuthenticationMode, d: AuthenticationMode | undefined) => authenticationModeGuidance('prod', l, d)?.note

describe('planCluster: guidance next to the mode planning', () => {
  it.each<[AuthenticationMode, AuthenticationMode | undefined]>([
    ['CONFIG_MAP', 'API_AND_CONFIG_MAP'],
    ['API_AND_CONFIG_MAP', undefined],
    ['API_AND_CONFIG_MAP', 'API_AND_CONFIG_MAP'],
    ['API_AND_CONFIG_MAP', 'API'],
  ])('live %s, desired %s: a note, no error', (l, d) => {
    const p = planFor(l, d)
    expect(p.notes).toEqual([guidance(l, d)])
    expect(p.errors).toEqual([])
  })

  it.each<[AuthenticationMode, AuthenticationMode | undefined]>([
    ['API', undefined],
    ['API', 'API'],
  ])('live %s, desired %s: nothing to say', (l, d) => {
    expect(planFor(l, d)).not.toHaveProperty('notes')
  })

  it.each<[AuthenticationMode, AuthenticationMode | undefined, string]>([
    ['CONFIG_MAP', 'API', 'authentication-mode'],
    ['API', 'API_AND_CONFIG_MAP', 'authentication-mode'],
    ['API_AND_CONFIG_MAP', 'CONFIG_MAP', 'authentication-mode'],
    ['CONFIG_MAP', undefined, 'ConfigMapAuthenticationMode'],
    // the diff plans no step for an unchanged CONFIG_MAP: the guidance alone refuses it
    ['CONFIG_MAP', 'CONFIG_MAP', 'authentication-mode-refused'],
  ])('live %s, desired %s: one cluster error (%s) that carries the guidance', (l, d, code) => {
    const p = planFor(l, d)
    expect(p.errors).toEqual([{ code, message: guidance(l, d) }])
    expect(p).not.toHaveProperty('notes')
    expect(p).not.toHaveProperty('authenticationMode')
  })
})

describe('buildPlan: a CONFIG_MAP cluster read live', () => {
  const configMapRead: Result<ObservedCluster, PlanError> = {
    ok: false,
    error: { code: 'ConfigMapAuthenticationMode', message: 'uses CONFIG_MAP' },
  }
  const entries = [manifestEntry(role('admins'), { accessPolicies: [manifestPolicy('AmazonEKSClusterAdminPolicy')] })]

  it('API asked for while the cluster is on CONFIG_MAP: the cluster error says API is refused and the way there', () => {
    const m = manifest([cluster({ key: 'prod', name: 'prod', authenticationMode: 'API' })], entries)
    const p = buildPlan({ manifest: m, observed: new Map([['prod', configMapRead]]), now })
    expect(p.clusters[0]?.errors).toEqual([{ code: 'ConfigMapAuthenticationMode', message: guidance('CONFIG_MAP', 'API') }])
    expect(p.clusters[0]?.errors[0]?.message).toContain('authenticationMode: API is refused until the cluster is on API_AND_CONFIG_MAP')
  })

  it('the switch out of CONFIG_MAP is planned with its note', () => {
    const m = manifest([cluster({ key: 'prod', name: 'prod', authenticationMode: 'API_AND_CONFIG_MAP' })], entries)
    const p = buildPlan({ manifest: m, observed: new Map([['prod', configMapRead]]), now })
    expect(p.clusters[0]).toMatchObject({ errors: [], notes: [guidance('CONFIG_MAP', 'API_AND_CONFIG_MAP')] })
  })

  it('other read errors are left as they are', () => {
    const m = manifest([cluster({ key: 'prod', name: 'prod', authenticationMode: 'API' })], entries)
    const denied: Result<ObservedCluster, PlanError> = { ok: false, error: { code: 'AccessDeniedException', message: 'no' } }
    const p = buildPlan({ manifest: m, observed: new Map([['prod', denied]]), now })
    expect(p.clusters[0]?.errors).toEqual([{ code: 'AccessDeniedException', message: 'no' }])
  })
})

describe('notes in the plan', () => {
  const m = manifest([cluster({ key: 'prod', name: 'prod' })], [manifestEntry(ADMIN_ROLE, { accessPolicies: [manifestPolicy(ADMIN)] })])
  const planOn = (mode: AuthenticationMode) =>
    buildPlan({
      manifest: m,
      observed: new Map([['prod', { ok: true, value: live([liveAdmin()], { authenticationMode: mode }) }]]),
      now,
    })

  it('are left out of the plan hash (wording, not a change)', () => {
    const withNote = planOn('API_AND_CONFIG_MAP')
    const without = planOn('API')
    expect(withNote.clusters[0]?.notes).toHaveLength(1)
    expect(without.clusters[0]).not.toHaveProperty('notes')
    expect(withNote.planHash).toBe(without.planHash)
  })

  it('are rendered in text, Markdown and JSON', () => {
    const p = planOn('API_AND_CONFIG_MAP')
    const note = p.clusters[0]?.notes?.[0] ?? ''
    expect(renderPlan(p, 'text')).toContain(`  note: ${note}\n`)
    expect(renderPlan(p, 'markdown')).toContain('> [!NOTE]\n> cluster prod is on API\\_AND\\_CONFIG\\_MAP: aws-auth still grants access.')
    expect((JSON.parse(renderPlan(p, 'json')) as { clusters: { notes: string[] }[] }).clusters[0]?.notes).toEqual([note])
  })
})
