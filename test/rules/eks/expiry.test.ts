import { describe, expect, it } from 'vitest'
import { checkAuthenticationModes } from '../../../src/rules/eks/authentication-mode.js'
import { EXPIRES_AT_PATTERN, accessEndsAt, expiryStatus, isExpired } from '../../../src/expiry.js'
import { checkExpiry, forPlan } from '../../../src/rules/eks/expiry.js'
import { manifestSchema, passesManifestSchema } from '../../../src/manifest/schema.js'
import type { AuthenticationMode } from '../../../src/types.js'
import { cluster, entry, manifest } from '../build.js'
import { context, NOW, problem, ROLE, USER } from './support.js'

// NOW is 2026-11-15T12:00:00Z, expiryWarningDays 7.
describe('accessEndsAt', () => {
  it.each([
    ['2026-11-15', '2026-11-16T00:00:00.000Z'], // a date covers its whole UTC day
    ['2024-02-29', '2024-03-01T00:00:00.000Z'],
    ['2026-12-31', '2027-01-01T00:00:00.000Z'],
    ['2026-11-15T18:00:00Z', '2026-11-15T18:00:00.000Z'],
    ['2026-11-15t18:00:00z', '2026-11-15T18:00:00.000Z'],
    ['2026-11-15 18:00:00Z', '2026-11-15T18:00:00.000Z'],
    ['2026-11-15T18:00:00', '2026-11-15T18:00:00.000Z'], // no offset: UTC
    ['2026-11-15T18:00:00.5', '2026-11-15T18:00:00.500Z'],
    ['2026-11-15T18:00:00+02:00', '2026-11-15T16:00:00.000Z'],
    ['2026-11-15T18:00:00-05:30', '2026-11-15T23:30:00.000Z'],
    ['2026-11-15T23:30:00-01:00', '2026-11-16T00:30:00.000Z'], // an offset can move the instant to the next UTC day
    ['2026-11-15T00:30:00+14:00', '2026-11-14T10:30:00.000Z'],
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
    ['2026-11-15T18:00', 'not a date'], // seconds are required (RFC 3339)
    ['2026-11-15T18:00:00+0200', 'not a date'], // RFC 3339 offsets carry a colon
    ['2026-11-15T18:00:00+02', 'not a date'],
    ['2026-11-15T25:00:00Z', 'not a valid date-time'],
    ['2026-11-15T18:00:00+24:00', 'not a valid date-time'],
  ])('rejects %s', (value, reason) => {
    const end = accessEndsAt(value)
    expect(end.ok).toBe(false)
    if (!end.ok) expect(end.error).toContain(reason)
  })

  // The schema and the rule read the same grammar: what one accepts, the other reads the same way.
  it("the schema carries the parser's pattern", () => {
    const defs = manifestSchema.$defs as unknown as Record<string, { pattern?: string }>
    expect(defs.expiresAt?.pattern).toBe(EXPIRES_AT_PATTERN)
  })

  it.each([
    ['2026-11-15', true],
    ['2026-11-15T18:00:00', true],
    ['2026-11-15 18:00:00Z', true],
    ['2026-11-15T18:00:00.5-05:30', true],
    ['2026-11-15T18:00', false],
    ['2026-11-15T18:00:00+0200', false],
    ['2026-02-30', false],
    ['tomorrow', false],
  ])('schema on entry and on an access policy: %s → %s', (value, accepted) => {
    expect(passesManifestSchema({ version: 1, accessEntries: [{ principalArn: ROLE, expiresAt: value }] })).toBe(accepted)
    const policy = { policyArn: 'AmazonEKSViewPolicy', accessScope: { type: 'cluster' }, expiresAt: value }
    expect(passesManifestSchema({ version: 1, accessEntries: [{ principalArn: ROLE, accessPolicies: [policy] }] })).toBe(accepted)
    expect(accessEndsAt(value).ok).toBe(accepted)
  })

  it.each([
    ['2026-11-14', '2026-11-15T00:00:00.000Z', true],
    ['2026-11-14', '2026-11-14T23:59:59.999Z', false],
    ['2026-11-15T12:00:00Z', '2026-11-15T12:00:00.000Z', true],
    ['2026-11-15T12:00:00Z', '2026-11-15T11:59:59.999Z', false],
    ['2026-11-15T14:00:00+02:00', '2026-11-15T12:00:00.000Z', true],
    ['2026-11-15T14:00:00+02:00', '2026-11-15T11:59:59.999Z', false],
    ['garbage', '2030-01-01T00:00:00.000Z', false],
  ])('isExpired(%s, %s) = %s', (value, now, expected) => {
    expect(isExpired(value, new Date(now))).toBe(expected)
  })
})

describe('expiryStatus: the warning window edges', () => {
  // NOW 2026-11-15T12:00:00Z, window 7 days: ends in (0, 7d] → expiring
  it.each([
    ['2026-11-15T12:00:00Z', 'expired'], // ends exactly now
    ['2026-11-15T12:00:00.001Z', 'expiring'],
    ['2026-11-22T12:00:00Z', 'expiring'], // exactly 7 days
    ['2026-11-22T12:00:00.001Z', 'active'],
    ['2026-11-21', 'expiring'], // ends 2026-11-22T00:00Z
    ['2026-11-22', 'active'], // ends 2026-11-23T00:00Z, 7.5 days
    ['2026-11-22T14:00:00+02:00', 'expiring'], // = 12:00Z
  ])('%s → %s', (value, kind) => {
    expect(expiryStatus(value, NOW, 7).kind).toBe(kind)
  })
})

describe('expiry rule', () => {
  it.each([undefined, '2026-11-22', '2026-11-23', '2099-03-31', '2026-11-22T12:00:00.001Z'])('accepts %s', (expiresAt) => {
    const m = manifest({ entries: [{ principalArn: ROLE, ...(expiresAt !== undefined && { expiresAt }) }] })
    expect(checkExpiry(m, context())).toEqual([])
  })

  it.each([
    [
      '2026-11-14',
      'error',
      'expiry:expired',
      ['"2026-11-14" has passed', 'ended 2026-11-15T00:00:00Z', 'next apply removes', 'delete the entry'],
    ],
    ['2026-11-15T11:59:59Z', 'error', 'expiry:expired', ['has passed']],
    ['2026-11-15T11:59:59', 'error', 'expiry:expired', ['has passed', 'ended 2026-11-15T11:59:59Z']],
    ['2026-11-15T13:59:59+02:00', 'error', 'expiry:expired', ['ended 2026-11-15T11:59:59Z']],
    ['2026-11-15', 'warning', 'expiry:soon', ['ends 2026-11-16T00:00:00Z, in 1 day;']],
    ['2026-11-21', 'warning', 'expiry:soon', ['ends 2026-11-22T00:00:00Z, in 7 days']],
    ['2026-11-22T12:00:00Z', 'warning', 'expiry:soon', ['in 7 days']],
    ['2026-02-30', 'error', 'expiry:invalid', ['not a calendar date', 'e.g. "2027-03-31"']],
    ['2026-11-20T10:00', 'error', 'expiry:invalid', ['not a date']],
  ] as const)('%s → %s %s at expiresAt', (expiresAt, severity, code, says) => {
    const e = entry({ principalArn: ROLE, expiresAt })
    expect(checkExpiry(manifest({ entries: [e] }), context())).toEqual([problem({ loc: e.locs.expiresAt!, severity, code, says })])
  })

  it.each([
    ['2026-11-14', 'error', 'expiry:expired', ['AmazonEKSViewPolicy of "' + ROLE + '"', 'delete the access policy']],
    ['2026-11-16', 'warning', 'expiry:soon', ['AmazonEKSViewPolicy of', 'in 2 days']],
  ] as const)('an access policy expiring %s → %s %s at its expiresAt', (expiresAt, severity, code, says) => {
    const e = entry({ principalArn: ROLE, accessPolicies: [{ policyArn: 'AmazonEKSViewPolicy', expiresAt }] })
    const loc = e.accessPolicies[0]!.locs.expiresAt!
    expect(checkExpiry(manifest({ entries: [e] }), context())).toEqual([problem({ loc, severity, code, says })])
  })

  it('reports an expired entry once, not again for its expired policies', () => {
    const e = entry({
      principalArn: ROLE,
      expiresAt: '2026-11-01',
      accessPolicies: [{ policyArn: 'AmazonEKSViewPolicy', expiresAt: '2026-11-02' }],
    })
    expect(checkExpiry(manifest({ entries: [e] }), context()).map((p) => [p.code, p.line])).toEqual([
      ['expiry:expired', e.locs.expiresAt!.line],
    ])
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

describe('forPlan: plan, apply and drift do not fail on expiry', () => {
  it('turns expiry:expired errors into the plan warning and keeps every other problem', () => {
    const e = entry({ principalArn: ROLE, expiresAt: '2026-11-14', accessPolicies: [] })
    const p = entry({ principalArn: USER, accessPolicies: [{ policyArn: 'AmazonEKSViewPolicy', expiresAt: '2026-11-10T08:00:00+01:00' }] })
    const m = manifest({ entries: [e, p] })
    const other = problem({ loc: e.locs.principalArn, severity: 'error', code: 'eks:principal-arn' })
    const validated = [...checkExpiry(m, context()), { ...other, message: 'x' }]
    expect(
      validated
        .filter((x) => x.severity === 'error')
        .map((x) => x.code)
        .sort(),
    ).toEqual(['eks:principal-arn', 'expiry:expired', 'expiry:expired'])
    const planned = forPlan(validated, m, context())
    expect(planned).toEqual([
      { ...other, message: 'x' },
      problem({
        loc: e.locs.expiresAt!,
        severity: 'warning',
        code: 'expiry:expired',
        says: [
          `access for "${ROLE}" expired on 2026-11-15T00:00:00Z`,
          'access removed by the next apply; delete the entry from the manifest',
        ],
      }),
      problem({
        loc: p.accessPolicies[0]!.locs.expiresAt!,
        severity: 'warning',
        code: 'expiry:expired',
        says: ['expired on 2026-11-10T07:00:00Z', 'delete the access policy from the entry'],
      }),
    ])
  })

  it('with only expiry problems, nothing is an error any more', () => {
    const m = manifest({ entries: [{ principalArn: ROLE, expiresAt: '2020-01-01' }] })
    expect(forPlan(checkExpiry(m, context()), m, context()).some((p) => p.severity === 'error')).toBe(false)
  })

  it('leaves problems without expiry:expired as they are', () => {
    const m = manifest({ entries: [{ principalArn: ROLE, expiresAt: '2026-11-16' }] })
    const validated = checkExpiry(m, context())
    expect(forPlan(validated, m, context())).toEqual(validated)
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
