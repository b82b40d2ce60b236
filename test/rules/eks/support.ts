import { expect } from 'vitest'
import { builtInCatalogue } from '../../../src/policies.js'
import type { EksRuleContext } from '../../../src/rules/eks/index.js'
import type { Loc, Problem, Severity } from '../../../src/types.js'

export const NOW = new Date('2026-11-15T12:00:00Z')

export function context(overrides: Partial<EksRuleContext> = {}): EksRuleContext {
  return { now: NOW, expiryWarningDays: 7, catalogue: builtInCatalogue(), ...overrides }
}

export interface Expected {
  readonly loc: Loc
  readonly severity: Severity
  readonly code: string
  /** Substrings the message must contain. */
  readonly says?: readonly string[]
}

/** The problem shape a rule must produce: exact Loc, severity and code, message by substrings. */
export function problem(expected: Expected): Problem {
  const message = expect.stringMatching(
    new RegExp((expected.says ?? []).map((s) => `(?=[\\s\\S]*${s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')})`).join('')),
  ) as unknown as string
  return {
    severity: expected.severity,
    code: expected.code,
    message,
    file: expected.loc.file,
    line: expected.loc.line,
    column: expected.loc.column,
  }
}

export const ROLE = 'arn:aws:iam::111122223333:role/platform-admins'
export const USER = 'arn:aws:iam::111122223333:user/alice'
