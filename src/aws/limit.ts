/**
 * A small concurrency (and optional rate) limiter, so reads against one account and region
 * stay under EKS's request rate instead of relying on throttling + retries alone.
 * No dependency: p-limit would do, but this is twenty lines.
 */

export interface Limiter {
  /** Runs `task` when a slot (and, with a rate, a send token) is free. */
  run<T>(task: () => Promise<T>): Promise<T>
  /** Tasks started and not yet settled. */
  readonly active: number
  /** Tasks waiting for a slot. */
  readonly pending: number
}

export interface LimiterOptions {
  /** At most this many tasks in flight (≥ 1). */
  readonly concurrency: number
  /** Optional: at most this many task starts per second (spaced evenly). */
  readonly ratePerSecond?: number
  /** Injected for tests: the clock (ms) and the sleep used for spacing. */
  readonly now?: () => number
  readonly sleep?: (ms: number) => Promise<void>
}

const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

export function createLimiter(options: LimiterOptions): Limiter {
  const concurrency = Math.max(1, Math.floor(options.concurrency))
  const interval = options.ratePerSecond !== undefined && options.ratePerSecond > 0 ? 1000 / options.ratePerSecond : 0
  const now = options.now ?? Date.now
  const sleep = options.sleep ?? realSleep
  const queue: Array<() => void> = []
  let active = 0
  // Earliest time the next task may start when a rate is set (a leaky bucket with no burst).
  let nextStart = 0

  const release = (): void => {
    const next = queue.shift()
    // Hand the slot straight to the next waiter, so `active` stays put.
    if (next) next()
    else active--
  }

  const acquire = (): Promise<void> => {
    if (active < concurrency) {
      active++
      return Promise.resolve()
    }
    return new Promise((resolve) => queue.push(() => resolve()))
  }

  const pace = async (): Promise<void> => {
    if (interval === 0) return
    const t = now()
    const start = Math.max(t, nextStart)
    nextStart = start + interval
    if (start > t) await sleep(start - t)
  }

  return {
    async run<T>(task: () => Promise<T>): Promise<T> {
      await acquire()
      try {
        // Paced inside the slot: pacing first would let slot waits bunch starts into bursts,
        // and a single throttle makes the SDK's adaptive mode slow down for seconds.
        await pace()
        return await task()
      } finally {
        release()
      }
    },
    get active() {
      return active
    },
    get pending() {
      return queue.length
    },
  }
}

/** One limiter per key (e.g. `account|region`), created on first use. */
export function createKeyedLimiter(options: LimiterOptions): (key: string) => Limiter {
  const limiters = new Map<string, Limiter>()
  return (key) => {
    let limiter = limiters.get(key)
    if (!limiter) {
      limiter = createLimiter(options)
      limiters.set(key, limiter)
    }
    return limiter
  }
}
