/**
 * The configuration every AWS client shares (EKS, STS, and IAM later): bounded time and a single
 * attempt per request. Our own loop (retry.ts) retries, paced per account and region (pacer.ts),
 * so the SDK must not retry behind its back nor keep a retry quota.
 */

export interface ClientTimeouts {
  /** Connection phase (ms, default 5 s). */
  readonly connectionTimeoutMs?: number
  /** Whole request and response (ms, default 20 s). */
  readonly requestTimeoutMs?: number
}

export const DEFAULT_CONNECTION_TIMEOUT_MS = 5_000
export const DEFAULT_REQUEST_TIMEOUT_MS = 20_000

export interface SharedClientConfig {
  readonly maxAttempts: 1
  readonly requestHandler: {
    readonly connectionTimeout: number
    readonly requestTimeout: number
    /** Without it the SDK only logs a warning when requestTimeout passes, and keeps waiting. */
    readonly throwOnRequestTimeout: true
  }
}

export function awsClientConfig(t: ClientTimeouts = {}): SharedClientConfig {
  return {
    maxAttempts: 1,
    requestHandler: {
      connectionTimeout: t.connectionTimeoutMs ?? DEFAULT_CONNECTION_TIMEOUT_MS,
      requestTimeout: t.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
      throwOnRequestTimeout: true,
    },
  }
}
