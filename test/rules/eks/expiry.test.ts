import { describe, expect, it } from 'vitest'
import { checkAuthenticationModes } from '../../../src/rules/eks/authentication-mode.js'
import { accessEndsAt, isExpired } from '../../../src/expiry.js'
import { checkExpiry } from '../../../src/rules/eks/expiry.js'
import { passesManifestSchema } from '../../../src/manifest/schema.js'
import type { AuthenticationMode } from '../../../src/types.js'
import { cluster, entry, manifest } from '../build.js'
import { context, problem, ROLE } from './support.js'

// NOW is 2026-11-15T12:00:00Z, expiryWarningDays 7.
describe('accessEndsAt', () => {
  it.each([
    ['2026-11-15', '2026-11-16T00:00:00.000Z'], // a date covers its whole UTC day
    ['2024-02-29', '2024-03-01T00:00:00.000Z'],
    ['2026-12-31', '2027-01-01T00:00:00.000Z'],
    ['2026-11-15T18:00:00Z', '2026-11-15T18:00:00.000Z'],
    ['2026-11-15t18:00z', '2026-11-15T18:00:00.000Z'],
    ['2026-11-15T18:00:00+02:00', '2026-11-15T16:00:00.000Z'],
    ['2026-11-15T18:00:00-05:30', '2026-11-15T23:30:00.000Z'],
    ['2026-11-15T18:00:00.123456Z', '2026-11-15T18:00:00.123Z'],
  ])('%s → %s', (value, iso) => {
    const end = accessEndsAt(value)
    expect(end.ok && end.value.toISOString()).toBe(iso)
  })

  it.each([
    ['2026-02-30', 'not a calendar date'],
    ['2026-13-01', 'not a calendar date'],
    ['31/03/2027', 'not a date (YYYY-MM-DD)'],
    ['tomorrow', 'not a date'],
    ['2026-11-15T18:00:00', 'no time zone'],
    ['2026-11-15T25:00:00Z', 'not a valid date-time'],
    ['2026-11-15T18:00:00+24:00', 'not a valid date-time'],
  ])('rejects %s', (value, reason) => {
    const end = accessEndsAt(value)
    expect(end.ok).toBe(false)
    if (!end.ok) expect(end.error).toContain(reason)
  })

  // Each value passes the schema's date-time format, so the rule must read it rather than
  // call a value the schema (and the user's editor) accepted "not a date".
  it.each([
    ['2026-11-15 18:00:00Z', '2026-11-15T18:00:00.000Z'],
    ['2026-11-15T18:00:00+0200', '2026-11-15T16:00:00.000Z'],
    ['2026-11-15T18:00:00+02', '2026-11-15T16:00:00.000Z'],
    ['2026-11-15T18:00:00.1234567891Z', '2026-11-15T18:00:00.123Z'],
  ])('reads %s, which the schema accepts, as %s', (value, iso) => {
    expect(passesManifestSchema({ version: 1, accessEntries: [{ principalArn: ROLE, expiresAt: value }] })).toBe(true)
    const end = accessEndsAt(value)
    expect(end.ok && end.value.toISOString()).toBe(iso)
  })

  it.each([
    ['2026-11-14', '2026-11-15T00:00:00.000Z', true],
    ['2026-11-14', '2026-11-14T23:59:59.999Z', false],
    ['2026-11-15T12:00:00Z', '2026-11-15T12:00:00.000Z', true],
    ['2026-11-15T12:00:00Z', '2026-11-15T11:59:59.999Z', false],
    ['garbage', '2030-01-01T00:00:00.000Z', false],
  ])('isExpired(%s, %s) = %s', (value, now, expected) => {
    expect(isExpired(value, new Date(now))).toBe(expected)
  })
})

describe('expiry rule', () => {
  it.each([undefined, '2026-11-22', '2026-11-23', '2099-03-31', '2026-11-22T12:00:00.001Z'])('accepts %s', (expiresAt) => {
    const m = manifest({ entries: [{ principalArn: ROLE, ...(expiresAt !== undefined && { expiresAt }) }] })
    expect(checkExpiry(m, context())).toEqual([])
  })

  it.each([
    ['2026-11-14', 'error', 'expiry:expired', ['"2026-11-14" has passed', 'ended 2026-11-15T00:00:00Z', 'next apply removes']],
    ['2026-11-15T11:59:59Z', 'error', 'expiry:expired', ['has passed']],
    ['2026-11-15', 'warning', 'expiry:soon', ['ends 2026-11-16T00:00:00Z, in 1 day;']],
    ['2026-11-21', 'warning', 'expiry:soon', ['ends 2026-11-22T00:00:00Z, in 7 days']],
    ['2026-11-22T12:00:00Z', 'warning', 'expiry:soon', ['in 7 days']],
    ['2026-02-30', 'error', 'expiry:invalid', ['not a calendar date', 'e.g. 2027-03-31']],
    ['2026-11-20T10:00', 'error', 'expiry:invalid', ['no time zone']],
  ] as const)('%s → %s %s at expiresAt', (expiresAt, severity, code, says) => {
    const e = entry({ principalArn: ROLE, expiresAt })
    expect(checkExpiry(manifest({ entries: [e] }), context())).toEqual([problem({ loc: e.locs.expiresAt!, severity, code, says })])
  })

  it('gives no expiry:soon warning with expiryWarningDays 0', () => {
    const m = manifest({ entries: [{ principalArn: ROLE, expiresAt: '2026-11-15' }] })
    expect(checkExpiry(m, context({ expiryWarningDays: 0 }))).toEqual([])
  })

  it('still reports an expired entry with a negative expiryWarningDays', () => {
    const m = manifest({ entries: [{ principalArn: ROLE, expiresAt: '2026-11-15T11:00:00Z' }] })
    expect(checkExpiry(m, context({ expiryWarningDays: -1 })).map((p) => p.code)).toEqual(['expiry:expired'])
  })

  it('follows the injected clock', () => {
    const m = manifest({ entries: [{ principalArn: ROLE, expiresAt: '2099-03-31' }] })
    expect(checkExpiry(m, context({ now: new Date('2099-04-01T00:00:00Z') })).map((p) => p.code)).toEqual(['expiry:expired'])
  })
})

describe('eks:authentication-mode', () => {
  it.each<AuthenticationMode | undefined>([undefined, 'API', 'API_AND_CONFIG_MAP'])('accepts %s', (authenticationMode) => {
    const m = manifest({ clusters: [{ key: 'prod-eu', ...(authenticationMode && { authenticationMode }) }] })
    expect(checkAuthenticationModes(m)).toEqual([])
  })

  it('rejects CONFIG_MAP at the authenticationMode value', () => {
    const c = cluster({ key: 'prod-eu', authenticationMode: 'CONFIG_MAP' })
    expect(checkAuthenticationModes(manifest({ clusters: [c] }))).toEqual([
      problem({
        loc: c.locs.authenticationMode!,
        severity: 'error',
        code: 'eks:authentication-mode',
        says: ['cluster "prod-eu"', 'never returns to CONFIG_MAP', 'API_AND_CONFIG_MAP'],
      }),
    ])
  })
})
