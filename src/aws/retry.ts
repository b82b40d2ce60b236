import { AwsCallError } from './port.js'

/**
 * Our own retry loop (SDK clients make a single attempt, `maxAttempts: 1`): no retry quota that
 * runs dry while the service keeps answering.
 * - throttling (429, ThrottlingException, TooManyRequestsException, …) and 5xx: retried with
 *   jittered exponential backoff until the deadline (the pacer slows the account down meanwhile);
 * - timeouts and network errors: `networkAttempts` attempts in all;
 * - everything else (AccessDenied, validation, not found, …): never retried.
 * Clock and sleep are injected, so tests run on a virtual clock.
 */

export type RetryClass = 'throttle' | 'server' | 'network' | 'fatal'

export interface RetryPolicy {
  /** Absolute time (ms on `now`'s clock) after which no attempt starts and a waiting one is abandoned. */
  readonly deadlineAt: number
  readonly now: () => number
  /** Backoff between attempts. */
  readonly sleep: Sleep
  /**
   * Waits for the deadline while an attempt runs; resolves early when `signal` aborts (default a
   * real timer, cleared when the attempt settles). Separate from `sleep` so tests can make backoff
   * instant without making every deadline pass at once.
   */
  readonly deadlineSleep?: Sleep
  /** Attempts in all for timeouts and network errors (default 3). */
  readonly networkAttempts?: number
  /** Backoff base and cap in ms (default 100, 5000). */
  readonly baseDelayMs?: number
  readonly maxDelayMs?: number
  /** 0..1; injected in tests for exact delays (default Math.random). */
  readonly random?: () => number
  /** Called before each retry (metrics). */
  readonly onRetry?: (kind: RetryClass, error: AwsCallError) => void
}

/** Resolves after `ms`, or early (without error) when `signal` aborts. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>

export const DEFAULT_CLUSTER_TIMEOUT_MS = 300_000

/** setTimeout-based sleep that clears its timer when `signal` aborts (so no timer keeps the process alive). */
export const realSleep: Sleep = (ms, signal) =>
  new Promise((resolve) => {
    if (signal?.aborted) return resolve()
    const timer = setTimeout(done, ms)
    function done(): void {
      clearTimeout(timer)
      signal?.removeEventListener('abort', done)
      resolve()
    }
    signal?.addEventListener('abort', done, { once: true })
  })

const THROTTLE_CODES =
  /^(Throttling|ThrottlingException|ThrottledException|TooManyRequestsException|RequestLimitExceeded|RequestThrottled(Exception)?|SlowDown|PriorThrottledRequestException|ProvisionedThroughputExceededException)$/
const NETWORK_CODES =
  /^(TimeoutError|RequestTimeout|RequestTimeoutException|ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|ECONNABORTED|NetworkingError|socket hang up)$/

export function classify(e: AwsCallError): RetryClass {
  if (e.status === 429 || THROTTLE_CODES.test(e.code)) return 'throttle'
  if (e.status !== undefined && e.status >= 500) return 'server'
  if (e.status === undefined && (NETWORK_CODES.test(e.code) || /timed? ?out|socket hang up|ECONN/i.test(e.message))) return 'network'
  return 'fatal'
}

/** Thrown when the deadline passes while a call keeps being throttled or failing with 5xx. */
export class DeadlineError extends AwsCallError {
  constructor(
    operation: string,
    readonly last: AwsCallError | undefined,
    readonly waitedMs: number,
    readonly attempts: number,
  ) {
    super(
      operation,
      'ClusterTimeout',
      last
        ? `still ${last.code} after ${attempts} attempt(s) over ${Math.round(waitedMs / 1000)} s (last: ${last.message})`
        : `no answer within the cluster deadline (${Math.round(waitedMs / 1000)} s)`,
      last?.status,
    )
  }
}

/** `attempt` gets a signal that aborts when the deadline passes while it runs. */
export async function withRetry<T>(operation: string, attempt: (signal: AbortSignal) => Promise<T>, policy: RetryPolicy): Promise<T> {
  const started = policy.now()
  const random = policy.random ?? Math.random
  const base = policy.baseDelayMs ?? 100
  const cap = policy.maxDelayMs ?? 5000
  const networkAttempts = policy.networkAttempts ?? 3
  let attempts = 0
  let networkFailures = 0
  let last: AwsCallError | undefined
  for (;;) {
    if (policy.now() >= policy.deadlineAt) throw new DeadlineError(operation, last, policy.now() - started, attempts)
    attempts++
    try {
      return await raceDeadline(operation, attempt, policy, started, attempts)
    } catch (e) {
      if (e instanceof DeadlineError) throw e
      const error = e instanceof AwsCallError ? e : new AwsCallError(operation, e instanceof Error ? e.name : 'Error', String(e))
      const kind = classify(error)
      if (kind === 'fatal') throw error
      if (kind === 'network' && ++networkFailures >= networkAttempts) throw error
      last = error
      // Full jitter: spreads the retries of a throttled burst instead of sending them together.
      const delay = Math.min(cap, base * 2 ** Math.min(attempts - 1, 16)) * (0.5 + random() / 2)
      const left = policy.deadlineAt - policy.now()
      if (left <= 0) throw new DeadlineError(operation, last, policy.now() - started, attempts)
      policy.onRetry?.(kind, error)
      await policy.sleep(Math.min(delay, left))
    }
  }
}

/** The attempt, abandoned (its result ignored) when the deadline passes first. */
function raceDeadline<T>(
  operation: string,
  attempt: (signal: AbortSignal) => Promise<T>,
  policy: RetryPolicy,
  started: number,
  attempts: number,
): Promise<T> {
  const request = new AbortController()
  const left = policy.deadlineAt - policy.now()
  if (!Number.isFinite(left)) return attempt(request.signal)
  const timer = new AbortController()
  return Promise.race([
    attempt(request.signal).finally(() => timer.abort()),
    (policy.deadlineSleep ?? realSleep)(Math.max(0, left), timer.signal).then(() => {
      if (timer.signal.aborted) return new Promise<never>(() => undefined)
      request.abort()
      throw new DeadlineError(operation, undefined, policy.now() - started, attempts)
    }),
  ])
}
