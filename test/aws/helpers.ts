import type { FakeAws } from '../fake-aws/index.js'
import { createEksApi, type EksApiFactoryOptions, type EksApiOptions, type EksMetrics } from '../../src/aws/eks-sdk.js'
import { createLimiterRegistry, createPacer } from '../../src/aws/pacer.js'
import type { EksAccessApi } from '../../src/aws/port.js'

/** A sleep that only yields to the event loop: backoff and pacing cost no wall time in tests. */
export const instantSleep = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

/**
 * Options for adapters under test against the fake: no wall-time waits (backoff and pacing yield
 * instead), no deadline (a throttled read is retried until the fake answers, which it always does),
 * so assertions rest on the fake's counters only.
 */
export function noWaitOptions(): Pick<EksApiFactoryOptions, 'sleep' | 'callTimeoutMs' | 'limiters'> {
  return {
    sleep: instantSleep,
    callTimeoutMs: Number.POSITIVE_INFINITY,
    limiters: createLimiterRegistry({ sleep: instantSleep }),
  }
}

/** Static keys whose characters 5–16 name the account (see test/fake-aws/auth.ts). */
export function keysFor(accountId: string): {
  accessKeyId: string
  secretAccessKey: string
} {
  return {
    accessKeyId: `AKIA${accountId}TEST`,
    secretAccessKey: 'fake-secret',
  }
}

export function apiAgainst(
  fake: FakeAws,
  opts: {
    region?: string
    accountId?: string
    metrics?: EksMetrics
    networkAttempts?: number
  } = {},
): EksAccessApi {
  const options: EksApiOptions = {
    region: opts.region ?? 'eu-west-1',
    endpoint: fake.url,
    credentials: keysFor(opts.accountId ?? '111122223333'),
    sleep: instantSleep,
    callTimeoutMs: Number.POSITIVE_INFINITY,
    pacer: createPacer({ sleep: instantSleep }),
    ...(opts.networkAttempts === undefined ? {} : { networkAttempts: opts.networkAttempts }),
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
