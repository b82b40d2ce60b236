import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { classifyDrift, renderDrift, DRIFT_MARKER, type DriftFormat } from '../../src/drift/index.js'
import { buildPlan } from '../../src/plan/plan.js'
import type { DeadAccess } from '../../src/plan/dead-access.js'
import type { ManifestEntry, ObservedCluster, ObservedEntry, PlanError, Result } from '../../src/types.js'
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
  user,
} from '../plan/build.js'

/**
 * Drift = a plan against live state, classified. Fixed clock. Golden files:
 * `UPDATE_GOLDEN=1 npx vitest run test/drift` rewrites test/drift/golden.
 */
const NOW = new Date('2026-11-15T12:00:00Z')
const prod = cluster({ key: 'prod', name: 'prod' })
const staging = cluster({ key: 'staging', name: 'staging' })
const ADMINS = role('admins')
const DEFAULT_USERNAME = (name: string): string => `arn:aws:sts::${ACCOUNT}:assumed-role/${name}/{{SessionName}}`

const adminEntry = manifestEntry(ADMINS, { accessPolicies: [manifestPolicy('AmazonEKSClusterAdminPolicy')] })
const liveAdmins = (): ObservedEntry =>
  observed(ADMINS, { tags: OWNED, username: DEFAULT_USERNAME('admins'), accessPolicies: [policy(ADMIN)] })

function drift(
  entries: readonly ManifestEntry[],
  prodLive: readonly ObservedEntry[],
  extra: { staging?: Result<ObservedCluster, PlanError>; dead?: DeadAccess[] } = {},
) {
  const m = manifest(extra.staging ? [prod, staging] : [prod], [adminEntry, ...entries])
  const observedState = new Map<string, Result<ObservedCluster, PlanError>>([
    ['prod', { ok: true, value: live([liveAdmins(), ...prodLive]) }],
  ])
  if (extra.staging) observedState.set('staging', extra.staging)
  const plan = buildPlan({ manifest: m, observed: observedState, now: NOW })
  return classifyDrift(plan, observedState, m, extra.dead)
}

describe('classifyDrift', () => {
  it('no drift when the clusters match the manifest', () => {
    const r = drift([], [])
    expect(r).toMatchObject({ drift: false, counts: { changed: 0, unknown: 0, pending: 0 }, changed: [], unknown: [], pending: [] })
  })

  it.each([
    [
      'username changed outside the repo (no manifest username = the EKS default)',
      manifestEntry(role('dev')),
      observed(role('dev'), { tags: OWNED, username: 'hacker' }),
    ],
    [
      'groups changed',
      manifestEntry(role('dev'), { kubernetesGroups: ['readers'] }),
      observed(role('dev'), { tags: OWNED, kubernetesGroups: ['readers', 'admins'] }),
    ],
    ['a policy added', manifestEntry(role('dev')), observed(role('dev'), { tags: OWNED, accessPolicies: [policy(ADMIN)] })],
    [
      'a policy removed',
      manifestEntry(role('dev'), { accessPolicies: [manifestPolicy('AmazonEKSViewPolicy')] }),
      observed(role('dev'), { tags: OWNED }),
    ],
    [
      'a scope widened',
      manifestEntry(role('dev'), { accessPolicies: [manifestPolicy('AmazonEKSEditPolicy', ['a'])] }),
      observed(role('dev'), { tags: OWNED, accessPolicies: [policy(EDIT)] }),
    ],
    ['a manifest tag removed', manifestEntry(role('dev'), { tags: { team: 'a' } }), observed(role('dev'), { tags: OWNED })],
  ])('owned entry, %s → changed outside the repo', (_n, want, have) => {
    const r = drift([want], [have])
    expect(r.counts).toEqual({ changed: 1, unknown: 0, pending: 0 })
    expect(r.changed).toMatchObject([{ cluster: 'prod', principalArn: role('dev') }])
    expect(r.changed[0]?.changes.length).toBeGreaterThan(0)
    expect(r.drift).toBe(true)
  })

  it.each([
    [
      'a new entry not created yet (or an owned entry deleted out of band: indistinguishable without history)',
      manifestEntry(role('new')),
      undefined,
    ],
    [
      'an unowned entry the manifest names, not reconciled yet',
      manifestEntry(role('dev'), { kubernetesGroups: ['g'] }),
      observed(role('dev')),
    ],
    [
      'an owned entry whose access expired',
      manifestEntry(role('dev'), { expiresAt: '2026-11-14' }),
      observed(role('dev'), { tags: OWNED }),
    ],
    [
      'an owned entry whose access policy expired',
      manifestEntry(role('dev'), { accessPolicies: [{ ...manifestPolicy('AmazonEKSViewPolicy'), expiresAt: '2026-11-15T11:00:00Z' }] }),
      observed(role('dev'), { tags: OWNED, accessPolicies: [policy(VIEW)] }),
    ],
  ])('%s → pending', (_n, want, have) => {
    const r = drift([want], have ? [have] : [])
    expect(r.counts).toEqual({ changed: 0, unknown: 0, pending: 1 })
  })

  it('an owned entry the manifest dropped → pending delete', () => {
    const r = drift([], [observed(role('old'), { tags: OWNED })])
    expect(r.pending).toMatchObject([{ principalArn: role('old'), changes: [{ action: 'delete' }] }])
  })

  it('unknown access: unowned, unnamed entries with their policies, cluster admins first; node entries too', () => {
    const r = drift(
      [],
      [
        observed(role('a-viewer'), { accessPolicies: [policy(VIEW, ['x'])] }),
        observed(role('z-creator'), { accessPolicies: [policy(ADMIN)] }),
        observed(role('nodes'), { type: 'EC2_LINUX', kubernetesGroups: ['system:nodes'] }),
      ],
    )
    expect(r.unknown.map((u) => [u.principalArn, u.clusterAdmin])).toEqual([
      [role('z-creator'), true],
      [role('a-viewer'), false],
      [role('nodes'), false],
    ])
    expect(r.counts).toEqual({ changed: 0, unknown: 3, pending: 0 })
  })

  it('with prune: all an unknown STANDARD entry is listed once, as unknown, deleted by the next apply', () => {
    const m = manifest([{ ...prod, prune: 'all' }], [adminEntry])
    const obs = new Map<string, Result<ObservedCluster, PlanError>>([
      ['prod', { ok: true, value: live([liveAdmins(), observed(role('x'))]) }],
    ])
    const r = classifyDrift(buildPlan({ manifest: m, observed: obs, now: NOW }), obs, m)
    expect(r.unknown).toMatchObject([{ principalArn: role('x'), deletedByNextApply: true }])
    expect(r.pending).toEqual([])
  })

  it('a cluster that could not be read is not classified', () => {
    const r = drift([], [], { staging: { ok: false, error: { code: 'AccessDeniedException', message: 'no' } } })
    expect(r.errors).toEqual([{ cluster: 'staging', errors: [{ code: 'AccessDeniedException', message: 'no' }] }])
    expect(r.drift).toBe(false)
  })
})

// ───────────────────────────── rendering (golden) ─────────────────────────────

const GOLDEN_DIR = join(import.meta.dirname, 'golden')
const UPDATE = process.env.UPDATE_GOLDEN === '1'

function sample() {
  const hostile = role('evil')
  return drift(
    [
      manifestEntry(role('dev'), { kubernetesGroups: ['readers'] }),
      manifestEntry(role('new'), { accessPolicies: [manifestPolicy('AmazonEKSViewPolicy', ['team-a'])] }),
      manifestEntry(role('temp'), { expiresAt: '2026-11-14' }),
      manifestEntry(user('alice')),
    ],
    [
      observed(role('dev'), { tags: OWNED, username: 'someone-else', kubernetesGroups: ['readers', 'admins'] }),
      observed(role('temp'), { tags: OWNED, accessPolicies: [policy(VIEW)] }),
      observed(user('alice'), { tags: OWNED, username: user('alice') }),
      observed(role('creator'), { accessPolicies: [policy(ADMIN)] }),
      observed(`${hostile}-<b>|@team`, { username: 'x`\n## y', kubernetesGroups: ['*bold*'], accessPolicies: [policy(EDIT, ['a|b'])] }),
    ],
    {
      dead: [
        {
          cluster: 'prod',
          principalArn: user('alice'),
          kind: 'orphaned',
          fix: 'the IAM principal does not exist, so this entry grants nothing: remove it from the manifest',
        },
      ],
    },
  )
}

describe('renderDrift (golden)', () => {
  const EXT: Record<DriftFormat, string> = { text: 'txt', markdown: 'md', json: 'json' }
  it.each(['text', 'markdown', 'json'] as const)('%s', (format) => {
    const out = renderDrift(sample(), format)
    const file = join(GOLDEN_DIR, `drift.${EXT[format]}`)
    if (UPDATE || !existsSync(file)) {
      mkdirSync(GOLDEN_DIR, { recursive: true })
      writeFileSync(file, out)
    }
    expect(out).toBe(readFileSync(file, 'utf8'))
  })

  it.each(['text', 'markdown', 'json'] as const)('no drift: %s', (format) => {
    const out = renderDrift(drift([], []), format)
    const file = join(GOLDEN_DIR, `none.${EXT[format]}`)
    if (UPDATE || !existsSync(file)) writeFileSync(file, out)
    expect(out).toBe(readFileSync(file, 'utf8'))
  })

  it('the Markdown body begins with the drift marker and escapes hostile values', () => {
    const md = renderDrift(sample(), 'markdown')
    expect(md.split('\n')[0]).toBe(DRIFT_MARKER)
    expect(md).not.toContain('<b>')
    expect(md).not.toMatch(/\n## y/)
    // outside <code> (where GitHub makes no mentions) an @ never reaches GitHub bare
    expect(md.replace(/<code>.*?<\/code>/g, '')).not.toContain('@team')
    expect(md).not.toContain('x`')
  })

  it('the Markdown body fits the limit, keeping the marker and the counts', () => {
    const md = renderDrift(sample(), 'markdown', { maxLength: 400 })
    expect(md.length).toBeLessThanOrEqual(400)
    expect(md.startsWith(`${DRIFT_MARKER}\n`)).toBe(true)
    expect(md).toContain('left out')
  })
})
