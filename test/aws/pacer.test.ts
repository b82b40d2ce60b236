import { describe, expect, it } from 'vitest'
import { createLimiterRegistry, createPacer } from '../../src/aws/pacer.js'
import { virtualClock } from './virtual-clock.js'

describe('pacer (virtual clock)', () => {
  it('spaces sends at its rate and never above maxRate', async () => {
    const clock = virtualClock()
    const pacer = createPacer({ maxRate: 10, now: clock.now, sleep: clock.sleep })
    const starts: number[] = []
    await clock.run(
      (async () => {
        for (let i = 0; i < 5; i++) {
          await pacer.acquire()
          starts.push(clock.now())
          pacer.onAccepted()
        }
      })(),
    )
    expect(starts).toEqual([0, 100, 200, 300, 400])
    expect(pacer.rate).toBe(10)
  })

  it('doubles in slow start, cuts once per episode to just under what the service accepted, recovers, then probes slowly', async () => {
    const clock = virtualClock()
    const pacer = createPacer({ initialRate: 100, now: clock.now, sleep: clock.sleep })
    // One second of accepted sends at the service's limit: 200/s.
    await clock.run(
      (async () => {
        for (let i = 0; i < 200; i++) {
          await clock.sleep(5)
          pacer.onAccepted()
        }
      })(),
    )
    expect(pacer.rate).toBe(100) // rate only moves on acquire or throttle
    await clock.run(pacer.acquire())
    expect(pacer.rate).toBeGreaterThan(1000) // slow start: 2^(1000/250) × 100
    pacer.onThrottled(0)
    const cut = pacer.rate
    expect(cut).toBeGreaterThan(180)
    expect(cut).toBeLessThan(200)
    pacer.onThrottled(0) // sent before the cut: same burst, no second cut
    expect(pacer.rate).toBe(cut)
    const known = cut / 0.92
    await clock.run(clock.sleep(1000))
    await clock.run(pacer.acquire())
    expect(pacer.rate).toBeCloseTo(known * 0.97, 5) // back to just under the throttled level
    await clock.run(clock.sleep(1000))
    await clock.run(pacer.acquire())
    expect(pacer.rate).toBeCloseTo(known * 0.97, 5) // holds until 3 s after the cut
    await clock.run(clock.sleep(2000))
    await clock.run(pacer.acquire())
    expect(pacer.rate).toBeCloseTo(known * (0.97 + 0.015), 5) // then probes 1.5 % of it per second
  })

  it('sends waiting when a throttle arrives take new slots at the cut rate, not the ones that overshot', async () => {
    const clock = virtualClock()
    const pacer = createPacer({ maxRate: 100, initialRate: 100, now: clock.now, sleep: clock.sleep })
    const starts: number[] = []
    const send = async () => {
      await pacer.acquire()
      starts.push(clock.now())
    }
    const all = Promise.all([send(), send(), send(), send(), clock.sleep(5).then(() => pacer.onThrottled())])
    await clock.run(all)
    const gap = 1000 / (100 * 0.92)
    expect(starts[0]).toBe(0)
    // Rescheduled from the cut at t = 5 ms, at the cut rate (recovering towards 97 % meanwhile),
    // not at the 10, 20, 30 ms slots given out before it.
    expect(starts[1]).toBeCloseTo(5 + gap, 2)
    for (let i = 2; i < 4; i++) expect((starts[i] ?? 0) - (starts[i - 1] ?? 0)).toBeGreaterThan(1000 / 97)
  })

  it('the registry hands out one pacer per account and region', () => {
    const r = createLimiterRegistry()
    expect(r.limiterFor('1', 'eu-west-1')).toBe(r.limiterFor('1', 'eu-west-1'))
    expect(r.limiterFor('1', 'eu-west-1')).not.toBe(r.limiterFor('1', 'us-east-1'))
    expect(r.limiterFor('1', 'eu-west-1')).not.toBe(r.limiterFor('2', 'eu-west-1'))
  })
})
