import { describe, expect, it } from 'vitest'
import { createLimiterRegistry, createPacer, type Pacer } from '../../src/aws/pacer.js'
import { virtualClock, type VirtualClock } from './virtual-clock.js'

/** `senders` loops that each acquire again as soon as they got a slot, until `until` on the clock. */
function busyUntil(clock: VirtualClock, pacer: Pacer, until: number, senders: number): Promise<void>[] {
  return Array.from({ length: senders }, async () => {
    while (clock.now() < until) await pacer.acquire()
  })
}

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
    // One second of accepted sends at the service's limit: 200/s, while three senders always
    // wait for a slot (the pacer's rate is what holds them back, so it grows).
    await clock.run(
      Promise.all([
        (async () => {
          for (let i = 0; i < 200; i++) {
            await clock.sleep(5)
            pacer.onAccepted()
          }
        })(),
        ...busyUntil(clock, pacer, 1000, 3),
      ]),
    )
    await clock.run(pacer.acquire())
    expect(pacer.rate).toBeGreaterThan(1000) // slow start: about 2^(1000/250) × 100
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
    expect(pacer.rate).toBeCloseTo(known * 0.97, 5) // idle: no probe (a rate nobody needed stays untried)
    await clock.run(Promise.all(busyUntil(clock, pacer, clock.now() + 1000, 3)))
    expect(pacer.rate).toBeCloseTo(known * (0.97 + 0.015), 1) // busy: probes 1.5 % of it per second
  })

  it.each([
    { name: 'idle', demand: async (_: Pacer, clock: VirtualClock) => clock.sleep(2000) },
    {
      name: 'one sender below the rate (50/s against 100/s)',
      demand: async (pacer: Pacer, clock: VirtualClock) => {
        for (let i = 0; i < 100; i++) {
          await pacer.acquire()
          pacer.onAccepted()
          await clock.sleep(20)
        }
      },
    },
  ])('does not grow while the senders, not the pacer, set the pace: $name', async ({ demand }) => {
    const clock = virtualClock()
    const pacer = createPacer({ initialRate: 100, now: clock.now, sleep: clock.sleep })
    await clock.run(demand(pacer, clock))
    await clock.run(pacer.acquire())
    expect(pacer.rate).toBe(100)
    // …and grows as soon as sends wait for it.
    await clock.run(Promise.all(busyUntil(clock, pacer, clock.now() + 250, 3)))
    expect(pacer.rate).toBeGreaterThan(180)
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
