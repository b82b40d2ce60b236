import { describe, expect, it } from 'vitest'
import type { RateLimiter } from '@smithy/core/retry'
import { adaptiveRetryStrategy, OneCutPerEpisodeRateLimiter } from '../../src/aws/rate-limiter.js'

function recordingLimiter(): RateLimiter & { updates: unknown[]; tokens: number } {
  return {
    updates: [],
    tokens: 0,
    async getSendToken() {
      this.tokens++
    },
    updateClientSendingRate(response: unknown) {
      this.updates.push(response)
    },
  }
}

const THROTTLED = { errorType: 'THROTTLING' }
const TRANSIENT = { errorType: 'TRANSIENT' }
const SUCCESS = {}

describe('OneCutPerEpisodeRateLimiter', () => {
  it.each([
    // [time of each update (ms), response, passed on?]
    { name: 'one throttle cuts', events: [[0, THROTTLED, true]] },
    { name: 'near-simultaneous throttles cut once', events: [[0, THROTTLED, true], [3, THROTTLED, false], [999, THROTTLED, false]] },
    { name: 'a throttle after the window cuts again', events: [[0, THROTTLED, true], [1000, THROTTLED, true]] },
    { name: 'successes always pass (they grow the rate)', events: [[0, THROTTLED, true], [1, SUCCESS, true], [2, SUCCESS, true]] },
    { name: 'other errors always pass', events: [[0, THROTTLED, true], [1, TRANSIENT, true]] },
  ] as { name: string; events: [number, object, boolean][] }[])('$name', ({ events }) => {
    let now = 0
    const inner = recordingLimiter()
    const limiter = new OneCutPerEpisodeRateLimiter(inner, 1000, () => now)
    const expected: unknown[] = []
    for (const [t, response, passed] of events) {
      now = t
      limiter.updateClientSendingRate(response)
      if (passed) expected.push(response)
    }
    expect(inner.updates).toEqual(expected)
  })

  it('asks the inner limiter for every send token', async () => {
    const inner = recordingLimiter()
    const limiter = new OneCutPerEpisodeRateLimiter(inner)
    await limiter.getSendToken()
    await limiter.getSendToken()
    expect(inner.tokens).toBe(2)
  })

  it('cuts gentler and recovers faster than the SDK default (beta 0.9, scale 4 instead of 0.7, 0.4)', () => {
    // Private fields of DefaultRateLimiter: read them only to pin the constants the bench justified.
    const inner = (new OneCutPerEpisodeRateLimiter() as unknown as { inner: { beta: number; scaleConstant: number } }).inner
    expect([inner.beta, inner.scaleConstant]).toEqual([0.9, 4])
  })

  it('each strategy has its own limiter, so clients learn their own rate', () => {
    const a = adaptiveRetryStrategy(5) as unknown as { rateLimiter: unknown }
    const b = adaptiveRetryStrategy(5) as unknown as { rateLimiter: unknown }
    expect(a.rateLimiter).toBeInstanceOf(OneCutPerEpisodeRateLimiter)
    expect(a.rateLimiter).not.toBe(b.rateLimiter)
  })
})
