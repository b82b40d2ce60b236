/**
 * A virtual clock for tests without real I/O: `sleep` registers a timer; `run(p)` lets the event
 * loop go idle, then jumps the clock to the earliest timer, until `p` settles. No wall time passes.
 */
export interface VirtualClock {
  now(): number
  sleep(ms: number, signal?: AbortSignal): Promise<void>
  run<T>(p: Promise<T>): Promise<T>
}

export function virtualClock(start = 0): VirtualClock {
  let t = start
  const timers: { at: number; resolve: () => void }[] = []
  const idle = (): Promise<void> => new Promise((r) => setImmediate(r))
  return {
    now: () => t,
    sleep(ms, signal) {
      return new Promise((resolve) => {
        if (signal?.aborted) return resolve()
        const timer = { at: t + Math.max(0, ms), resolve }
        timers.push(timer)
        signal?.addEventListener(
          'abort',
          () => {
            const i = timers.indexOf(timer)
            if (i >= 0) timers.splice(i, 1)
            resolve()
          },
          { once: true },
        )
      })
    },
    async run(p) {
      let done = false
      const out = p.finally(() => {
        done = true
      })
      out.catch(() => undefined)
      for (;;) {
        for (let i = 0; i < 5; i++) await idle()
        if (done) return out
        timers.sort((a, b) => a.at - b.at)
        const next = timers.shift()
        if (!next) throw new Error(`virtual clock: the task waits on something other than a timer (t=${t})`)
        t = Math.max(t, next.at)
        next.resolve()
      }
    },
  }
}
