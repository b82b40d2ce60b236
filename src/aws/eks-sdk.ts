import {
  AssociateAccessPolicyCommand,
  CreateAccessEntryCommand,
  DeleteAccessEntryCommand,
  DescribeAccessEntryCommand,
  DescribeClusterCommand,
  DescribeUpdateCommand,
  DisassociateAccessPolicyCommand,
  EKSClient,
  ListAccessEntriesCommand,
  ListAccessPoliciesCommand,
  ListAssociatedAccessPoliciesCommand,
  TagResourceCommand,
  UpdateAccessEntryCommand,
  UpdateClusterConfigCommand,
  type AssociatedAccessPolicy,
  type EKSClientConfig,
} from '@aws-sdk/client-eks'
import type { AccessPolicyInfo, AccessScope, AssociatedPolicy, AuthenticationMode, ObservedEntry } from '../types.js'
import { awsClientConfig, type ClientTimeouts } from './client-config.js'
import { createPacer, type LimiterRegistry, type Pacer } from './pacer.js'
import {
  AwsCallError,
  type CallContext,
  type ClusterInfo,
  type ClusterTarget,
  type EksAccessApi,
  type EksApiFactory,
  type NewAccessEntry,
  type UpdateInfo,
  type WriteOptions,
} from './port.js'
import { classify, DEFAULT_CLUSTER_TIMEOUT_MS, realSleep, withRetry, type Sleep } from './retry.js'

/**
 * The EKS adapter: the only module that imports `@aws-sdk/client-eks`. The SDK client makes one
 * attempt per request, with connection and request timeouts (client-config.ts); every request
 * waits for its account's pacer (pacer.ts), and our loop (retry.ts) retries throttling and 5xx
 * until the call's deadline, timeouts and network errors a few times, and nothing else. Every
 * page of every list is read (a repeated token stops with an error), and every SDK error becomes
 * an `AwsCallError`. The endpoint follows the SDK's own settings (`AWS_ENDPOINT_URL_EKS`,
 * `AWS_ENDPOINT_URL`) unless `endpoint` is given.
 */

export type EksCredentials = EKSClientConfig['credentials']

/** HTTP requests made (every attempt), retries among them, and throttled answers. */
export interface EksMetrics {
  calls: number
  retries: number
  throttled?: number
}

export interface EksApiOptions extends ClientTimeouts {
  readonly region: string
  /** Credentials or a provider; undefined = the SDK's default chain. */
  readonly credentials?: EksCredentials
  /** Explicit endpoint; otherwise the SDK's endpoint settings apply. */
  readonly endpoint?: string
  readonly metrics?: EksMetrics
  /** The account's pacer (default: a pacer of its own). */
  readonly pacer?: Pacer
  /** Injected clock and sleep (retry backoff, deadlines). */
  readonly now?: () => number
  readonly sleep?: Sleep
  /** Waits for a deadline while a request runs (default a real timer, cleared when the request settles). */
  readonly deadlineSleep?: Sleep
  /** Deadline of a call made without a CallContext (default 300 s from its start). */
  readonly callTimeoutMs?: number
  /** Backoff base (ms, default 100); tests make it small. */
  readonly baseDelayMs?: number
  /** Attempts for timeouts and network errors (default 3). */
  readonly networkAttempts?: number
  /** Pages per list before giving up (default 10,000). */
  readonly maxPages?: number
}

export function createEksMetrics(): EksMetrics {
  return { calls: 0, retries: 0, throttled: 0 }
}

export function createEksClient(
  opts: Pick<EksApiOptions, 'region' | 'credentials' | 'endpoint' | 'connectionTimeoutMs' | 'requestTimeoutMs'>,
): EKSClient {
  return new EKSClient({
    region: opts.region,
    ...awsClientConfig(opts),
    ...(opts.credentials === undefined ? {} : { credentials: opts.credentials }),
    ...(opts.endpoint === undefined ? {} : { endpoint: opts.endpoint }),
  })
}

export function createEksApi(opts: EksApiOptions, context?: CallContext): EksAccessApi {
  return eksApiFromClient(createEksClient(opts), opts, context)
}

export interface EksApiFactoryOptions extends Omit<EksApiOptions, 'region' | 'credentials' | 'pacer'> {
  /** Credentials for a target (e.g. an assumed `roleArn`); undefined = the default chain. */
  readonly credentialsFor?: (target: ClusterTarget) => EksCredentials | undefined
  /** One pacer per account and region, shared with every other client of the process. */
  readonly limiters?: LimiterRegistry
}

/**
 * A factory that shares one SDK client per (region, account, role) and paces every request
 * through `limiters.limiterFor(account, region)`. Each call of the factory returns a port bound
 * to its CallContext (the cluster's deadline).
 */
export function createEksApiFactory(opts: EksApiFactoryOptions = {}): EksApiFactory {
  const clients = new Map<string, EKSClient>()
  const { credentialsFor, limiters, ...rest } = opts
  const fallback = new Map<string, Pacer>()
  return (target, context) => {
    const key = `${target.region}|${target.accountId}|${target.roleArn ?? ''}`
    let client = clients.get(key)
    if (!client) {
      const credentials = credentialsFor?.(target)
      client = createEksClient({
        ...rest,
        region: target.region,
        ...(credentials === undefined ? {} : { credentials }),
      })
      clients.set(key, client)
    }
    let pacer = limiters?.limiterFor(target.accountId, target.region)
    if (!pacer) {
      const k = `${target.accountId}|${target.region}`
      pacer = fallback.get(k) ?? createPacer()
      fallback.set(k, pacer)
    }
    return eksApiFromClient(client, { ...rest, pacer }, context)
  }
}

export type AdapterOptions = Pick<
  EksApiOptions,
  'metrics' | 'pacer' | 'now' | 'sleep' | 'deadlineSleep' | 'callTimeoutMs' | 'baseDelayMs' | 'networkAttempts' | 'maxPages'
>

const DEFAULT_MAX_PAGES = 10_000

/** The port over an existing client (tests pass a client mocked with aws-sdk-client-mock). */
export function eksApiFromClient(client: EKSClient, opts: AdapterOptions = {}, context?: CallContext): EksAccessApi {
  const { metrics } = opts
  const pacer = opts.pacer ?? createPacer()
  const now = opts.now ?? Date.now
  const sleep = opts.sleep ?? realSleep
  const maxPages = opts.maxPages ?? DEFAULT_MAX_PAGES
  const call = <T>(operation: string, send: (abortSignal: AbortSignal) => Promise<T>): Promise<T> =>
    withRetry(
      operation,
      async (signal) => {
        const ticket = await pacer.acquire()
        if (metrics) metrics.calls++
        try {
          const out = await send(signal)
          pacer.onAccepted()
          return out
        } catch (e) {
          const error = toAwsCallError(operation, e)
          if (classify(error) === 'throttle') {
            pacer.onThrottled(ticket)
            if (metrics) metrics.throttled = (metrics.throttled ?? 0) + 1
          } else pacer.onAccepted()
          throw error
        }
      },
      {
        deadlineAt: context?.deadlineAt ?? now() + (opts.callTimeoutMs ?? DEFAULT_CLUSTER_TIMEOUT_MS),
        now,
        sleep,
        ...(opts.deadlineSleep === undefined ? {} : { deadlineSleep: opts.deadlineSleep }),
        ...(opts.baseDelayMs === undefined ? {} : { baseDelayMs: opts.baseDelayMs }),
        ...(opts.networkAttempts === undefined ? {} : { networkAttempts: opts.networkAttempts }),
        onRetry: () => {
          if (metrics) metrics.retries++
        },
      },
    )
  /** Every page, one request each; a token seen twice or too many pages is an error, not a loop. */
  const pages = async <P>(
    operation: string,
    page: (token: string | undefined, signal: AbortSignal) => Promise<P & { nextToken?: string | undefined }>,
    take: (p: P) => void,
  ): Promise<void> => {
    const seen = new Set<string>()
    let token: string | undefined
    for (let n = 1; ; n++) {
      const t = token
      const out = await call(operation, (signal) => page(t, signal))
      take(out)
      token = out.nextToken || undefined
      if (token === undefined) return
      if (seen.has(token))
        throw new AwsCallError(
          operation,
          'RepeatedNextToken',
          `EKS returned the same nextToken twice after ${n} page(s); the list cannot be read completely`,
        )
      if (n >= maxPages)
        throw new AwsCallError(operation, 'TooManyPages', `more than ${maxPages} pages; the list cannot be read completely`)
      seen.add(token)
    }
  }

  return {
    async describeCluster(name): Promise<ClusterInfo> {
      const out = await call('DescribeCluster', (abortSignal) => client.send(new DescribeClusterCommand({ name }), { abortSignal }))
      const c = out.cluster
      const mode: unknown = c?.accessConfig?.authenticationMode
      // A mode this release does not know must not pass for CONFIG_MAP (or anything else): the
      // cluster read fails with a message that names it.
      if (mode !== undefined && !isAuthenticationMode(mode)) {
        throw new AwsCallError(
          'DescribeCluster',
          'UnknownAuthenticationMode',
          `cluster ${name} reports authentication mode ${JSON.stringify(mode)}, which this version of eks-access-gate does not know (API, API_AND_CONFIG_MAP, CONFIG_MAP)`,
        )
      }
      return {
        name: c?.name ?? name,
        // An old cluster that reports no access config only knows the ConfigMap.
        authenticationMode: mode ?? 'CONFIG_MAP',
        ...(c?.arn === undefined ? {} : { arn: c.arn }),
        ...(c?.status === undefined ? {} : { status: c.status }),
      }
    },

    async listAccessEntries(name) {
      const principals: string[] = []
      await pages(
        'ListAccessEntries',
        (token, abortSignal) =>
          client.send(
            new ListAccessEntriesCommand({
              clusterName: name,
              ...(token === undefined ? {} : { nextToken: token }),
            }),
            { abortSignal },
          ),
        (out) => principals.push(...(out.accessEntries ?? [])),
      )
      return principals
    },

    async describeAccessEntry(name, principalArn): Promise<Omit<ObservedEntry, 'accessPolicies'>> {
      const out = await call('DescribeAccessEntry', (abortSignal) =>
        client.send(new DescribeAccessEntryCommand({ clusterName: name, principalArn }), { abortSignal }),
      )
      const e = out.accessEntry
      return {
        principalArn: e?.principalArn ?? principalArn,
        type: e?.type ?? 'STANDARD',
        kubernetesGroups: e?.kubernetesGroups ?? [],
        tags: e?.tags ?? {},
        ...(e?.username === undefined ? {} : { username: e.username }),
        ...(e?.accessEntryArn === undefined ? {} : { accessEntryArn: e.accessEntryArn }),
        ...(e?.createdAt ? { createdAt: e.createdAt.toISOString() } : {}),
      }
    },

    async listAssociatedAccessPolicies(name, principalArn) {
      const policies: AssociatedPolicy[] = []
      await pages(
        'ListAssociatedAccessPolicies',
        (token, abortSignal) =>
          client.send(
            new ListAssociatedAccessPoliciesCommand({
              clusterName: name,
              principalArn,
              ...(token === undefined ? {} : { nextToken: token }),
            }),
            { abortSignal },
          ),
        (out) => {
          for (const p of out.associatedAccessPolicies ?? []) {
            const policy = toAssociatedPolicy(p)
            if (policy) policies.push(policy)
          }
        },
      )
      return policies
    },

    async listAccessPolicies() {
      const policies: AccessPolicyInfo[] = []
      await pages(
        'ListAccessPolicies',
        (token, abortSignal) =>
          client.send(new ListAccessPoliciesCommand(token === undefined ? {} : { nextToken: token }), { abortSignal }),
        (out) => {
          for (const p of out.accessPolicies ?? [])
            if (p.name !== undefined && p.arn !== undefined) policies.push({ name: p.name, arn: p.arn })
        },
      )
      return policies
    },

    async createAccessEntry(name, entry: NewAccessEntry, opts?: WriteOptions) {
      // Empty groups and tags are left out: non-STANDARD types take no groups.
      await call('CreateAccessEntry', (abortSignal) =>
        client.send(
          new CreateAccessEntryCommand({
            clusterName: name,
            principalArn: entry.principalArn,
            type: entry.type,
            ...(entry.username === undefined ? {} : { username: entry.username }),
            ...(entry.kubernetesGroups.length === 0 ? {} : { kubernetesGroups: [...entry.kubernetesGroups] }),
            ...(Object.keys(entry.tags).length === 0 ? {} : { tags: { ...entry.tags } }),
            ...tokenOf(opts),
          }),
          { abortSignal },
        ),
      )
    },

    async updateAccessEntry(name, principalArn, fields, opts?: WriteOptions) {
      // kubernetesGroups is declarative (the list replaces the old one), so it is always sent.
      await call('UpdateAccessEntry', (abortSignal) =>
        client.send(
          new UpdateAccessEntryCommand({
            clusterName: name,
            principalArn,
            kubernetesGroups: [...fields.kubernetesGroups],
            ...(fields.username === undefined ? {} : { username: fields.username }),
            ...tokenOf(opts),
          }),
          { abortSignal },
        ),
      )
    },

    async deleteAccessEntry(name, principalArn) {
      await call('DeleteAccessEntry', (abortSignal) =>
        client.send(new DeleteAccessEntryCommand({ clusterName: name, principalArn }), { abortSignal }),
      )
    },

    async associateAccessPolicy(name, principalArn, policyArn, accessScope: AccessScope) {
      await call('AssociateAccessPolicy', (abortSignal) =>
        client.send(
          new AssociateAccessPolicyCommand({
            clusterName: name,
            principalArn,
            policyArn,
            accessScope:
              accessScope.type === 'namespace' ? { type: 'namespace', namespaces: [...accessScope.namespaces] } : { type: 'cluster' },
          }),
          { abortSignal },
        ),
      )
    },

    async disassociateAccessPolicy(name, principalArn, policyArn) {
      await call('DisassociateAccessPolicy', (abortSignal) =>
        client.send(
          new DisassociateAccessPolicyCommand({
            clusterName: name,
            principalArn,
            policyArn,
          }),
          { abortSignal },
        ),
      )
    },

    async tagResource(resourceArn, tags) {
      await call('TagResource', (abortSignal) => client.send(new TagResourceCommand({ resourceArn, tags: { ...tags } }), { abortSignal }))
    },

    async updateAuthenticationMode(name, mode: AuthenticationMode, opts?: WriteOptions) {
      const out = await call('UpdateClusterConfig', (abortSignal) =>
        client.send(
          new UpdateClusterConfigCommand({
            name,
            accessConfig: { authenticationMode: mode },
            ...tokenOf(opts),
          }),
          { abortSignal },
        ),
      )
      return { updateId: out.update?.id ?? '' }
    },

    async describeUpdate(name, updateId): Promise<UpdateInfo> {
      const out = await call('DescribeUpdate', (abortSignal) => client.send(new DescribeUpdateCommand({ name, updateId }), { abortSignal }))
      const u = out.update
      return {
        id: u?.id ?? updateId,
        status: u?.status ?? 'InProgress',
        errors: (u?.errors ?? []).map((e) => ({
          ...(e.errorCode === undefined ? {} : { errorCode: e.errorCode }),
          ...(e.errorMessage === undefined ? {} : { errorMessage: e.errorMessage }),
        })),
      }
    },
  }
}

/** EKS's idempotency token, when the caller gave one (retries of the call resend the same token). */
function tokenOf(opts: WriteOptions | undefined): { clientRequestToken?: string } {
  return opts?.clientRequestToken === undefined ? {} : { clientRequestToken: opts.clientRequestToken }
}

function isAuthenticationMode(v: unknown): v is AuthenticationMode {
  return v === 'API' || v === 'API_AND_CONFIG_MAP' || v === 'CONFIG_MAP'
}

function toAssociatedPolicy(p: AssociatedAccessPolicy): AssociatedPolicy | undefined {
  if (p.policyArn === undefined) return undefined
  const type = p.accessScope?.type === 'namespace' ? 'namespace' : 'cluster'
  const namespaces = type === 'namespace' ? [...new Set(p.accessScope?.namespaces ?? [])].sort() : []
  return { policyArn: p.policyArn, accessScope: { type, namespaces } }
}

/**
 * Maps any failure of an SDK call to `AwsCallError(operation, code, message, status)`:
 * the service's error code is the SDK error's `name` (`ResourceNotFoundException`, …);
 * non-service failures (credentials, network) keep their own name.
 */
export function toAwsCallError(operation: string, e: unknown): AwsCallError {
  if (e instanceof AwsCallError) return e
  if (e instanceof Error) {
    const status = (e as { $metadata?: { httpStatusCode?: unknown } }).$metadata?.httpStatusCode
    const code = e.name && e.name !== 'Error' ? e.name : (((e as { code?: unknown }).code as string | undefined) ?? 'Error')
    return new AwsCallError(operation, String(code), e.message || code, typeof status === 'number' ? status : undefined)
  }
  return new AwsCallError(operation, 'Error', String(e))
}
