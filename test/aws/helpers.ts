import { ConfiguredRetryStrategy } from '@smithy/core/retry'
import type { FakeAws } from '../fake-aws/index.js'
import { createEksApi, type EksApiOptions, type EksMetrics } from '../../src/aws/eks-sdk.js'
import type { EksAccessApi } from '../../src/aws/port.js'

/**
 * The SDK's own retry strategy (same THROTTLING/TRANSIENT classification as adaptive mode) with
 * a 1–3 ms backoff, so retries against the fake take milliseconds instead of the SDK's ~1 s.
 */
export function fastRetry(maxAttempts = 30): ConfiguredRetryStrategy {
  return new ConfiguredRetryStrategy(maxAttempts, (attempt) => Math.min(attempt, 3))
}

/** Static keys whose characters 5–16 name the account (see test/fake-aws/auth.ts). */
export function keysFor(accountId: string): { accessKeyId: string; secretAccessKey: string } {
  return { accessKeyId: `AKIA${accountId}TEST`, secretAccessKey: 'fake-secret' }
}

export function apiAgainst(
  fake: FakeAws,
  opts: { region?: string; accountId?: string; metrics?: EksMetrics; maxAttempts?: number } = {},
): EksAccessApi {
  const options: EksApiOptions = {
    region: opts.region ?? 'eu-west-1',
    endpoint: fake.url,
    credentials: keysFor(opts.accountId ?? '111122223333'),
    retryStrategy: fastRetry(opts.maxAttempts ?? 30),
    ...(opts.metrics === undefined ? {} : { metrics: opts.metrics }),
  }
  return createEksApi(options)
}

export const roleArn = (account: string, name: string): string => `arn:aws:iam::${account}:role/${name}`

/** An unsigned JWT (alg none) with the given claims; the fake STS does not verify signatures. */
export function unsignedJwt(claims: Record<string, unknown>): string {
  const part = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url')
  return `${part({ alg: 'none', typ: 'JWT' })}.${part(claims)}.`
}
