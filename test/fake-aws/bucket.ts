/** A token bucket: `rate` tokens per second, holding at most `burst`. The clock is injected (ms). */
export interface TokenBucket {
  take(): boolean
}

export function createTokenBucket(rate: number, burst: number, now: () => number): TokenBucket {
  let tokens = burst
  let last = now()
  return {
    take() {
      const t = now()
      tokens = Math.min(burst, tokens + ((t - last) / 1000) * rate)
      last = t
      if (tokens < 1) return false
      tokens -= 1
      return true
    },
  }
}
