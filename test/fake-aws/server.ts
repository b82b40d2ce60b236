import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { randomUUID } from 'node:crypto'
import { identifyCaller, type Caller } from './auth.js'
import { createTokenBucket, type TokenBucket } from './bucket.js'
import { EKS_MESSAGES, FakeAwsError } from './errors.js'
import { FakeEksState, routeEks, type EksRoute, type SeedCluster } from './eks.js'
import { handleSts, type IssuedSession, type StsOptions } from './sts.js'
import { FakeIamState, IAM_VERSION, handleIam } from './iam.js' // issue 12: IAM hook

/**
 * A local fake of EKS (restJson1) and STS (query) on one HTTP port, for the real SDK through
 * `AWS_ENDPOINT_URL_EKS` / `AWS_ENDPOINT_URL_STS` (or `endpoint`). See README.md beside it.
 */

export interface FakeAwsOptions {
  readonly port?: number
  /** Delay before every response (ms, default 0). */
  readonly latencyMs?: number
  /** EKS requests per second per account (token bucket); over it → 429 ThrottlingException. Default: unlimited. */
  readonly ratePerSecondPerAccount?: number
  /** Bucket size (default: a tenth of a second's worth, at least 1). */
  readonly burst?: number
  /** Answer every Nth EKS request (counting all) with a 5xx. */
  readonly fail5xxEvery?: number
  /** Which 5xx: 500 ServerException (default) or 503 ServiceUnavailableException. */
  readonly fail5xxStatus?: 500 | 503
  /** Account for requests whose access key encodes none (default 111122223333). */
  readonly defaultAccountId?: string
  /** Region for unsigned requests (default us-east-1). */
  readonly defaultRegion?: string
  /** How long UpdateClusterConfig stays InProgress (ms, default 0). */
  readonly updateDurationMs?: number
  /** STS knobs: expected audience, `sub` pattern, trust hook. */
  readonly sts?: Omit<StsOptions, 'now'>
  /** Clock (ms since epoch), injectable for deterministic timestamps and buckets. */
  readonly now?: () => number
  readonly clusters?: readonly SeedCluster[]
}

/** A forced error for matching EKS requests (e.g. AccessDenied on one cluster). */
export interface ForcedError {
  /** Cluster name; undefined matches every request. */
  readonly cluster?: string
  readonly accountId?: string
  /** Operation name (`DescribeCluster`, …); undefined matches every operation. */
  readonly operation?: string
  readonly status: number
  readonly code: string
  readonly message: string
  /** How many requests it hits (default: all). */
  readonly times?: number
}

export interface FakeCall {
  readonly service: 'eks' | 'sts'
  readonly operation: string
  readonly account: string
  readonly region: string
  readonly cluster?: string
  readonly status: number
  readonly code?: string
}

export interface FakeStats {
  readonly requests: number
  readonly byOperation: Readonly<Record<string, number>>
  readonly byAccount: Readonly<Record<string, number>>
  readonly throttled: number
  readonly injected5xx: number
  readonly errors: number
}

export interface FakeAws {
  readonly url: string
  readonly port: number
  seedCluster(cluster: SeedCluster): void
  /** The cluster's current state in seed form (for assertions). */
  cluster(name: string, region: string, accountId?: string): SeedCluster | undefined
  /** issue 12: the fake IAM behind the same port (query protocol, Version=2010-05-08); seed principals here. */
  readonly iam: FakeIamState
  forceError(error: ForcedError): void
  clearForcedErrors(): void
  /** Every request in arrival order (mutable record; `calls.length = 0` resets it). */
  readonly calls: FakeCall[]
  stats(): FakeStats
  close(): Promise<void>
}

const DEFAULT_ACCOUNT = '111122223333'

export async function startFakeAws(options: FakeAwsOptions = {}): Promise<FakeAws> {
  const now = options.now ?? Date.now
  const defaults = { accountId: options.defaultAccountId ?? DEFAULT_ACCOUNT, region: options.defaultRegion ?? 'us-east-1' }
  const eks = new FakeEksState({ defaultAccountId: defaults.accountId, now, ...optional('updateDurationMs', options.updateDurationMs) })
  const issued = new Map<string, IssuedSession>()
  const buckets = new Map<string, TokenBucket>()
  const forced: { error: ForcedError; left: number }[] = []
  const calls: FakeCall[] = []
  const iam = new FakeIamState() // issue 12
  let eksRequests = 0
  for (const c of options.clusters ?? []) eks.seedCluster(c)

  const bucketFor = (account: string): TokenBucket | undefined => {
    const rate = options.ratePerSecondPerAccount
    if (rate === undefined || rate <= 0) return undefined
    let b = buckets.get(account)
    if (!b) {
      b = createTokenBucket(rate, options.burst ?? Math.max(1, Math.ceil(rate / 10)), now)
      buckets.set(account, b)
    }
    return b
  }

  const takeForced = (route: EksRoute, caller: Caller): ForcedError | undefined => {
    const hit = forced.find(
      (f) =>
        f.left > 0 &&
        (f.error.cluster === undefined || f.error.cluster === route.cluster) &&
        (f.error.accountId === undefined || f.error.accountId === caller.accountId) &&
        (f.error.operation === undefined || f.error.operation === route.operation),
    )
    if (hit) hit.left--
    return hit?.error
  }

  /** Answers one EKS request: throttle, injected 5xx, forced errors, then the operation. */
  const answerEks = (route: EksRoute, caller: Caller, query: URLSearchParams, body: Record<string, unknown>): unknown => {
    eksRequests++
    if (!caller.signed) throw new FakeAwsError(403, 'MissingAuthenticationTokenException', 'Missing Authentication Token')
    const bucket = bucketFor(caller.accountId)
    if (bucket && !bucket.take()) throw new FakeAwsError(429, 'ThrottlingException', EKS_MESSAGES.rateExceeded)
    const every = options.fail5xxEvery
    if (every !== undefined && every > 0 && eksRequests % every === 0) {
      throw options.fail5xxStatus === 503
        ? new FakeAwsError(503, 'ServiceUnavailableException', 'Service is unavailable. Please try again.')
        : new FakeAwsError(500, 'ServerException', 'An internal error occurred. Please try again.')
    }
    const f = takeForced(route, caller)
    if (f) throw new FakeAwsError(f.status, f.code, f.message)
    return eks.execute({ route, query, body, caller })
  }

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const raw = await readBody(req)
    const url = new URL(req.url ?? '/', 'http://fake')
    const method = req.method ?? 'GET'
    const caller = identifyCaller(req.headers.authorization, issued, defaults)
    if (method === 'POST' && url.pathname === '/') {
      const form = new URLSearchParams(raw)
      // issue 12: IAM and STS share the query protocol on `POST /`; IAM's API version tells them apart.
      if (form.get('Version') === IAM_VERSION) {
        const out = handleIam(form, caller, iam)
        return respond(res, out.status, { 'content-type': 'text/xml' }, out.body)
      }
      const out = handleSts(form, caller, issued, { ...(options.sts ?? {}), now })
      calls.push({
        service: 'sts',
        operation: form.get('Action') ?? '',
        account: caller.accountId,
        region: caller.region,
        status: out.status,
      })
      return respond(res, out.status, { 'content-type': 'text/xml' }, out.body)
    }
    // Path labels are percent-encoded per segment (`/` and `:` included): split first, then decode.
    const segments = url.pathname.split('/').slice(1).map(decodeSegment)
    const route = segments.every((s) => s !== undefined) ? routeEks(method, segments) : undefined
    const operation = route?.operation ?? 'Unknown'
    try {
      if (!route) throw new FakeAwsError(404, 'UnknownOperationException', `No operation for ${method} ${url.pathname}`)
      const body = parseJsonBody(raw)
      const out = answerEks(route, caller, url.searchParams, body)
      calls.push(callOf(operation, caller, route, 200))
      return respond(res, 200, { 'content-type': 'application/json' }, JSON.stringify(out))
    } catch (e) {
      if (!(e instanceof FakeAwsError)) throw e
      calls.push({ ...callOf(operation, caller, route, e.status), code: e.code })
      return respond(
        res,
        e.status,
        { 'content-type': 'application/json', 'x-amzn-errortype': e.code },
        JSON.stringify({ message: e.message, ...e.extra }),
      )
    }
  }

  const respond = async (res: ServerResponse, status: number, headers: Record<string, string>, body: string): Promise<void> => {
    const latency = options.latencyMs ?? 0
    if (latency > 0) await new Promise((r) => setTimeout(r, latency))
    res.writeHead(status, { ...headers, 'x-amzn-requestid': randomUUID(), 'content-length': Buffer.byteLength(body) })
    res.end(body)
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      // A bug in the fake: answer 500 with a readable message rather than hang the client.
      const body = JSON.stringify({ message: `fake-aws bug: ${e instanceof Error ? e.stack : String(e)}` })
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json', 'x-amzn-errortype': 'ServerException' })
      res.end(body)
    })
  })
  // Keep-alive sockets would hold close() open; the SDK reconnects as needed.
  server.keepAliveTimeout = 1000
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    iam,
    seedCluster: (c) => eks.seedCluster(c),
    cluster: (name, region, accountId) => eks.snapshot(accountId ?? defaults.accountId, region, name),
    forceError: (error) => forced.push({ error, left: error.times ?? Number.POSITIVE_INFINITY }),
    clearForcedErrors: () => void forced.splice(0),
    calls,
    stats: () => statsOf(calls),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections()
        server.close((e) => (e ? reject(e) : resolve()))
      }),
  }
}

function callOf(operation: string, caller: Caller, route: EksRoute | undefined, status: number): FakeCall {
  return {
    service: 'eks',
    operation,
    account: caller.accountId,
    region: caller.region,
    status,
    ...(route?.cluster === undefined ? {} : { cluster: route.cluster }),
  }
}

export function statsOf(calls: readonly FakeCall[]): FakeStats {
  const byOperation: Record<string, number> = {}
  const byAccount: Record<string, number> = {}
  let throttled = 0
  let injected5xx = 0
  let errors = 0
  for (const c of calls) {
    byOperation[c.operation] = (byOperation[c.operation] ?? 0) + 1
    byAccount[c.account] = (byAccount[c.account] ?? 0) + 1
    if (c.status === 429) throttled++
    else if (c.status >= 500) injected5xx++
    else if (c.status >= 400) errors++
  }
  return { requests: calls.length, byOperation, byAccount, throttled, injected5xx, errors }
}

function decodeSegment(s: string): string | undefined {
  try {
    return decodeURIComponent(s)
  } catch {
    return undefined
  }
}

function parseJsonBody(raw: string): Record<string, unknown> {
  if (raw.trim() === '') return {}
  try {
    const v: unknown = JSON.parse(raw)
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as Record<string, unknown>
  } catch {
    // fall through
  }
  throw new FakeAwsError(400, 'SerializationException', 'The request body is not a JSON object.')
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V }
}
