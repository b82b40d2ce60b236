import { describe, expect, it, vi } from 'vitest'
import { createCliLogger, createRunnerLogger } from '../../src/logger.js'

describe('loggers', () => {
  it('CLI logger writes prefixed lines to stderr and debug only when enabled', () => {
    let err = ''
    const quiet = createCliLogger((t) => void (err += t))
    quiet.info('hello')
    quiet.warning('careful')
    quiet.error('broken')
    quiet.debug('hidden')
    expect(err).toBe('hello\neks-access-gate: warning: careful\neks-access-gate: error: broken\n')
    let dbg = ''
    createCliLogger((t) => void (dbg += t), true).debug('shown')
    expect(dbg).toBe('eks-access-gate: debug: shown\n')
  })

  it('runner logger forwards to the runner core', () => {
    const core = { info: vi.fn(), warning: vi.fn(), error: vi.fn(), debug: vi.fn() }
    const log = createRunnerLogger(core)
    log.info('i')
    log.warning('w')
    log.error('e')
    log.debug('d')
    expect([core.info, core.warning, core.error, core.debug].map((f) => f.mock.calls)).toEqual([[['i']], [['w']], [['e']], [['d']]])
  })
})
