import { describe, expect, it } from 'vitest'
import { authenticationModeGuidance } from '../../src/onboarding/auth-mode.js'
import type { AuthenticationMode } from '../../src/types.js'

describe('authenticationModeGuidance', () => {
  it.each<[AuthenticationMode, AuthenticationMode | undefined, 'info' | 'error' | undefined, string]>([
    ['CONFIG_MAP', undefined, 'error', 'import-aws-auth'],
    ['CONFIG_MAP', 'CONFIG_MAP', 'error', 'API_AND_CONFIG_MAP (one-way)'],
    ['CONFIG_MAP', 'API_AND_CONFIG_MAP', 'info', 'CONFIG_MAP → API_AND_CONFIG_MAP (irreversible)'],
    ['CONFIG_MAP', 'API', 'error', 'authenticationMode: API is refused until the cluster is on API_AND_CONFIG_MAP'],
    ['API_AND_CONFIG_MAP', undefined, 'info', 'empty aws-auth, then set authenticationMode: API'],
    ['API_AND_CONFIG_MAP', 'API_AND_CONFIG_MAP', 'info', 'empty aws-auth'],
    ['API_AND_CONFIG_MAP', 'API', 'info', 'aws-auth is ignored from then on'],
    ['API_AND_CONFIG_MAP', 'CONFIG_MAP', 'error', 'never goes back'],
    ['API', 'API_AND_CONFIG_MAP', 'error', 'never goes back'],
    ['API', 'CONFIG_MAP', 'error', 'never goes back'],
    ['API', undefined, undefined, ''],
    ['API', 'API', undefined, ''],
  ])('live %s, desired %s → %s', (live, desired, severity, text) => {
    const g = authenticationModeGuidance('prod', live, desired)
    expect(g?.severity).toBe(severity)
    if (g !== undefined) {
      expect(g.note).toContain(text)
      expect(g.note).toContain('prod')
      expect(g.code).toBe(severity === 'error' ? 'authentication-mode-refused' : 'authentication-mode-guidance')
    }
  })
})
