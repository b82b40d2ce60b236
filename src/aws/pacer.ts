/**
 * Pacing per account and region: EKS throttles per account (and region), so every client of one
 * account and region in this process — every role, reads and writes — sends through one `Pacer`
 * taken from one `LimiterRegistry`.
 *
 * The pacer learns the sustainable rate from the service's answers and holds just under it:
 * - slow start: the rate doubles every `SLOW_START_DOUBLING_MS` until the first throttle;
 * - it grows (slow start, probe) only while it is what holds the sends back (a send is waiting
 *   for its slot, or slots are booked ahead), like TCP's congestion-window validation: an idle
 *   or lightly used pacer keeps its rate, so the burst after a pause (apply's writes after its
 *   reads, an account whose clusters start later) is sent at a rate that was tried, not at one
 *   that doubled for every 250 ms of silence;
 * - on a throttle (once per episode: a 429 for a request sent before the last cut answers the
 *   burst that cut was for), the
 *   rate is cut to `CUT` × the rate the service actually accepted just before (never
 *   more than the current rate), so an overshoot in slow start lands just under the limit in one
 *   step instead of several;
 * - then it climbs back quickly to just under that level (`RECOVER`), holds there for
 *   `PLATEAU_MS` after the cut, and probes above it slowly (`PROBE_PER_SECOND`); the next throttle cuts again. Like CUBIC, it spends most of its time
 *   just under the last level that was throttled.
 * Unlike the SDK's adaptive mode it never multiplies a cut per throttled response, never lets a
 * retry quota run dry, and the rate it holds is shared by every client of the account and region.
 * `maxRate` stays a hard ceiling.
 */

export interface Pacer {
  /** Waits until the next request may be sent; returns a ticket to pass to onThrottled. */
  acquire(): Promise<number>
  /** The request was accepted (any answer that is not a throttle). */
  onAccepted(): void
  /**
   * The request was throttled (429, ThrottlingException, TooManyRequestsException). `ticket` (from
   * acquire) says when it was sent: a request sent before the last cut answers the burst that cut
   * was for and does not cut again. Without a ticket, the throttle counts as new.
   */
  onThrottled(ticket?: number): void
  /** Current send rate (requests/s), for reports and tests. */
  readonly rate: number
}

export interface PacerOptions {
  /** Hard ceiling in requests per second (`--max-rate`); default none. */
  readonly maxRate?: number
  /** First rate before anything is learnt (default 50/s, or maxRate if lower). */
  readonly initialRate?: number
  /** Lowest rate a cut may reach (default 1/s). */
  readonly minRate?: number
  readonly now?: () => number
  readonly sleep?: (ms: number) => Promise<void>
}

const SLOW_START_DOUBLING_MS = 250
/** After a throttle: the rate falls to CUT × what the service accepted. */
const CUT = 0.92
/** …climbs back towards RECOVER × that level with this time constant… */
const RECOVER = 0.97
const RECOVER_MS = 400
/** …holds there until this long after the cut (fewer throttle episodes at low rates)… */
const PLATEAU_MS = 3000
/** …then probes above it by this share of it per second. */
const PROBE_PER_SECOND = 0.015
/** Accepted answers over this window estimate the service's rate at a throttle. */
const WINDOW_MS = 300

const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

export function createPacer(options: PacerOptions = {}): Pacer {
  const now = options.now ?? Date.now
  const sleep = options.sleep ?? realSleep
  const ceiling = options.maxRate !== undefined && options.maxRate > 0 ? options.maxRate : Number.POSITIVE_INFINITY
  const floor = Math.min(options.minRate ?? 1, ceiling)
  let rate = Math.min(options.initialRate ?? 50, ceiling)
  let slowStart = true
  /** The accepted rate measured at the last throttle: the service's limit as far as we know. */
  let known = 0
  let lastUpdate = now()
  let lastCut = Number.NEGATIVE_INFINITY
  let nextSend = 0
  /** Counts cuts, so sends that waited across a cut are rescheduled. */
  let episode = 0
  /** Times of accepted requests within the last WINDOW_MS. */
  const accepted: number[] = []
  /** Sends sleeping until their slot. */
  let waiting = 0

  const grow = (t: number): void => {
    const dt = Math.max(0, t - lastUpdate)
    // The rate binds when a send waits for its slot or slots are booked past now; otherwise the
    // senders, not the pacer, set the pace and a higher rate would be untried (no growth).
    const binding = waiting > 0 || nextSend > t
    lastUpdate = t
    if (dt === 0 || rate >= ceiling) return
    if (!slowStart && rate < RECOVER * known) rate += (RECOVER * known - rate) * Math.min(1, dt / RECOVER_MS)
    else if (!binding) return
    else if (slowStart) rate *= 2 ** (dt / SLOW_START_DOUBLING_MS)
    else rate += known * PROBE_PER_SECOND * (Math.max(0, Math.min(dt, t - lastCut - PLATEAU_MS)) / 1000)
    rate = Math.min(rate, ceiling)
  }
  const prune = (t: number): void => {
    while (accepted.length > 0 && (accepted[0] ?? t) <= t - WINDOW_MS) accepted.shift()
  }

  return {
    async acquire() {
      for (;;) {
        const t = now()
        grow(t)
        const start = Math.max(t, nextSend)
        nextSend = start + 1000 / rate
        if (start <= t) return episode
        const scheduledIn = episode
        waiting++
        try {
          await sleep(start - t)
        } finally {
          waiting--
        }
        // A throttle while this send waited: its slot was spaced at the rate that overshot, so it
        // takes a new slot at the cut rate instead of adding to the burst.
        if (episode === scheduledIn) return episode
      }
    },
    onAccepted() {
      const t = now()
      accepted.push(t)
      prune(t)
    },
    onThrottled(ticket) {
      const t = now()
      if (ticket !== undefined && ticket < episode) return
      lastCut = t
      prune(t)
      grow(t)
      // What the service took over the last second is the best estimate of its rate; a full
      // window is needed for that (early on, the account's burst inflates a short one).
      const span = t - (accepted[0] ?? t)
      const seen = span >= WINDOW_MS / 2 ? (accepted.length * 1000) / span : rate
      known = Math.max(floor, Math.min(rate, seen))
      rate = Math.max(floor, CUT * known)
      slowStart = false
      // Start the new spacing now; sends already waiting reschedule themselves (see acquire).
      episode++
      nextSend = t + 1000 / rate
    },
    get rate() {
      return rate
    },
  }
}

export interface LimiterRegistry {
  /** The one pacer for this account and region (created on first use). */
  limiterFor(accountId: string, region: string): Pacer
}

/** One registry per process (or per test): every EKS/IAM client of an account and region shares its pacer. */
export function createLimiterRegistry(options: PacerOptions = {}): LimiterRegistry {
  const pacers = new Map<string, Pacer>()
  return {
    limiterFor(accountId, region) {
      const key = `${accountId}|${region}`
      let pacer = pacers.get(key)
      if (!pacer) {
        pacer = createPacer(options)
        pacers.set(key, pacer)
      }
      return pacer
    },
  }
}
