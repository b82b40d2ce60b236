import { describe, expect, it } from 'vitest'
import { EXIT, exitCodeOf, failureOf, Outcomes, type OutcomeStatus } from '../../src/outcome.js'

describe('Outcome → exit code and setFailed', () => {
  it.each<[OutcomeStatus, number, boolean]>([
    ['ok', EXIT.ok, false],
    ['invalid', EXIT.failure, true],
    ['failed', EXIT.failure, true],
    ['usage', EXIT.usage, true],
  ])('%s → exit %i, fails the step: %s', (status, code, fails) => {
    expect(exitCodeOf({ status })).toBe(code)
    expect(failureOf({ status, message: 'why' }) !== undefined).toBe(fails)
  })

  it('the step fails with the outcome message', () => {
    expect(failureOf(Outcomes.usage('no file matches'))).toBe('no file matches')
    expect(failureOf(Outcomes.ok({ stdout: 'x' }))).toBeUndefined()
  })

  it('constructors fill every list and freeze the outcome', () => {
    const o = Outcomes.failed('boom', { notes: [{ level: 'info', message: 'n' }] })
    expect(o).toEqual({
      status: 'failed',
      message: 'boom',
      problems: [],
      outputs: {},
      notes: [{ level: 'info', message: 'n' }],
      files: [],
      writes: [],
    })
    expect(Object.isFrozen(o)).toBe(true)
  })
})
