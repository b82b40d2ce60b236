import { describe, expect, it } from 'vitest'
import { createKeyedLimiter, createLimiter } from '../../src/aws/limit.js'

const tick = () => new Promise<void>((r) => setImmediate(r))

describe('limiter', () => {
  it.each([1, 2, 5])('runs at most %i tasks at once and all of them', async (concurrency) => {
    const limiter = createLimiter({ concurrency })
    let running = 0
    let max = 0
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        limiter.run(async () => {
          running++
          max = Math.max(max, running)
          await tick()
          running--
          return i
        }),
      ),
    )
    expect(max).toBe(concurrency)
    expect(results).toEqual(Array.from({ length: 20 }, (_, i) => i))
    expect(limiter.active).toBe(0)
  })

  it('frees the slot when a task fails', async () => {
    const limiter = createLimiter({ concurrency: 1 })
    await expect(limiter.run(() => Promise.reject(new Error('x')))).rejects.toThrow('x')
    await expect(limiter.run(async () => 'ok')).resolves.toBe('ok')
    expect(limiter.active).toBe(0)
  })

  it('spaces task starts by 1/rate with an injected clock', async () => {
    let now = 0
    const waits: number[] = []
    const limiter = createLimiter({ concurrency: 10, ratePerSecond: 100, now: () => now, sleep: async (ms) => void waits.push(ms) })
    await Promise.all([1, 2, 3].map(() => limiter.run(async () => undefined)))
    expect(waits).toEqual([10, 20])
    now = 1000
    await limiter.run(async () => undefined)
    expect(waits).toEqual([10, 20])
  })

  it('keyed limiters are independent per key and reused per key', () => {
    const limiterFor = createKeyedLimiter({ concurrency: 1 })
    expect(limiterFor('a')).toBe(limiterFor('a'))
    expect(limiterFor('a')).not.toBe(limiterFor('b'))
  })
})
