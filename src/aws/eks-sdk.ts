import { adaptiveRetryStrategy } from './rate-limiter.js'
import {
  AssociateAccessPolicyCommand,
  CreateAccessEntryCommand,
  DeleteAccessEntryCommand,
  DescribeAccessEntryCommand,
  DescribeClusterCommand,
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
import { AwsCallError, type ClusterInfo, type ClusterTarget, type EksAccessApi, type EksApiFactory, type NewAccessEntry } from './port.js'

/**
 * The EKS adapter: the only module that imports `@aws-sdk/client-eks`. It implements the port
 * with the SDK's adaptive retry (throttling — `ThrottlingException`, `TooManyRequestsException`,
 * any 429 — and 5xx are retried with backoff; AccessDenied and other client errors are not),
 * reads every page of every list, and turns every SDK error into an `AwsCallError`.
 * The endpoint follows the SDK's own settings (`AWS_ENDPOINT_URL_EKS`, `AWS_ENDPOINT_URL`) unless
 * `endpoint` is given.
 */

export type EksCredentials = EKSClientConfig['credentials']

/** HTTP requests made (attempts, retries included) and retries among them; the adapter adds to it. */
export interface EksMetrics {
  calls: number
  retries: number
}

export interface EksApiOptions {
  readonly region: string
  /** Credentials or a provider; undefined = the SDK's default chain. */
  readonly credentials?: EksCredentials
  /** Attempts per call, retries included (default 5). */
  readonly maxAttempts?: number
  /** Default `adaptive`: client-side rate limiting that backs off after throttling. */
  readonly retryMode?: 'adaptive' | 'standard'
  /** A custom retry strategy (tests use a fast one); overrides retryMode. */
  readonly retryStrategy?: EKSClientConfig['retryStrategy']
  /** Explicit endpoint; otherwise the SDK's endpoint settings apply. */
  readonly endpoint?: string
  readonly metrics?: EksMetrics
}

const DEFAULT_MAX_ATTEMPTS = 5

export function createEksMetrics(): EksMetrics {
  return { calls: 0, retries: 0 }
}

export function createEksClient(opts: EksApiOptions): EKSClient {
  return new EKSClient({
    region: opts.region,
    maxAttempts: opts.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    retryMode: opts.retryMode ?? 'adaptive',
    ...(opts.retryStrategy !== undefined
      ? { retryStrategy: opts.retryStrategy }
      : (opts.retryMode ?? 'adaptive') === 'adaptive'
        ? { retryStrategy: adaptiveRetryStrategy(opts.maxAttempts ?? DEFAULT_MAX_ATTEMPTS) }
        : {}),
    ...(opts.credentials === undefined ? {} : { credentials: opts.credentials }),
    ...(opts.endpoint === undefined ? {} : { endpoint: opts.endpoint }),
  })
}

export function createEksApi(opts: EksApiOptions): EksAccessApi {
  return eksApiFromClient(createEksClient(opts), opts.metrics)
}

export interface EksApiFactoryOptions extends Omit<EksApiOptions, 'region' | 'credentials'> {
  /** Credentials for a target (e.g. an assumed `roleArn`); undefined = the default chain. */
  readonly credentialsFor?: (target: ClusterTarget) => EksCredentials | undefined
}

/**
 * A factory that shares one client per (region, account, role), so the adaptive retry's rate
 * limiter sees all traffic of one account and region instead of each cluster backing off alone.
 */
export function createEksApiFactory(opts: EksApiFactoryOptions = {}): EksApiFactory {
  const apis = new Map<string, EksAccessApi>()
  const { credentialsFor, ...rest } = opts
  return (target) => {
    const key = `${target.region}|${target.accountId}|${target.roleArn ?? ''}`
    let api = apis.get(key)
    if (!api) {
      const credentials = credentialsFor?.(target)
      api = createEksApi({ ...rest, region: target.region, ...(credentials === undefined ? {} : { credentials }) })
      apis.set(key, api)
    }
    return api
  }
}

interface WithMetadata {
  readonly $metadata: { readonly attempts?: number | undefined }
}

/** The port over an existing client (tests pass a client mocked with aws-sdk-client-mock). */
export function eksApiFromClient(client: EKSClient, metrics?: EksMetrics): EksAccessApi {
  const count = (attempts: number | undefined): void => {
    if (!metrics) return
    const n = Math.max(1, attempts ?? 1)
    metrics.calls += n
    metrics.retries += n - 1
  }
  const call = async <T extends WithMetadata>(operation: string, send: () => Promise<T>): Promise<T> => {
    try {
      const out = await send()
      count(out.$metadata?.attempts)
      return out
    } catch (e) {
      count(attemptsOf(e))
      throw toAwsCallError(operation, e)
    }
  }

  return {
    async describeCluster(name): Promise<ClusterInfo> {
      const out = await call('DescribeCluster', () => client.send(new DescribeClusterCommand({ name })))
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
      let nextToken: string | undefined
      do {
        const token = nextToken
        const out = await call('ListAccessEntries', () =>
          client.send(new ListAccessEntriesCommand({ clusterName: name, ...(token === undefined ? {} : { nextToken: token }) })),
        )
        principals.push(...(out.accessEntries ?? []))
        nextToken = out.nextToken
      } while (nextToken)
      return principals
    },

    async describeAccessEntry(name, principalArn): Promise<Omit<ObservedEntry, 'accessPolicies'>> {
      const out = await call('DescribeAccessEntry', () => client.send(new DescribeAccessEntryCommand({ clusterName: name, principalArn })))
      const e = out.accessEntry
      return {
        principalArn: e?.principalArn ?? principalArn,
        type: e?.type ?? 'STANDARD',
        kubernetesGroups: e?.kubernetesGroups ?? [],
        tags: e?.tags ?? {},
        ...(e?.username === undefined ? {} : { username: e.username }),
        ...(e?.accessEntryArn === undefined ? {} : { accessEntryArn: e.accessEntryArn }),
      }
    },

    async listAssociatedAccessPolicies(name, principalArn) {
      const policies: AssociatedPolicy[] = []
      let nextToken: string | undefined
      do {
        const token = nextToken
        const out = await call('ListAssociatedAccessPolicies', () =>
          client.send(
            new ListAssociatedAccessPoliciesCommand({ clusterName: name, principalArn, ...(token === undefined ? {} : { nextToken: token }) }),
          ),
        )
        for (const p of out.associatedAccessPolicies ?? []) {
          const policy = toAssociatedPolicy(p)
          if (policy) policies.push(policy)
        }
        nextToken = out.nextToken
      } while (nextToken)
      return policies
    },

    async listAccessPolicies() {
      const policies: AccessPolicyInfo[] = []
      let nextToken: string | undefined
      do {
        const token = nextToken
        const out = await call('ListAccessPolicies', () =>
          client.send(new ListAccessPoliciesCommand(token === undefined ? {} : { nextToken: token })),
        )
        for (const p of out.accessPolicies ?? []) if (p.name !== undefined && p.arn !== undefined) policies.push({ name: p.name, arn: p.arn })
        nextToken = out.nextToken
      } while (nextToken)
      return policies
    },

    async createAccessEntry(name, entry: NewAccessEntry) {
      // Empty groups and tags are left out: non-STANDARD types take no groups.
      await call('CreateAccessEntry', () =>
        client.send(
          new CreateAccessEntryCommand({
            clusterName: name,
            principalArn: entry.principalArn,
            type: entry.type,
            ...(entry.username === undefined ? {} : { username: entry.username }),
            ...(entry.kubernetesGroups.length === 0 ? {} : { kubernetesGroups: [...entry.kubernetesGroups] }),
            ...(Object.keys(entry.tags).length === 0 ? {} : { tags: { ...entry.tags } }),
          }),
        ),
      )
    },

    async updateAccessEntry(name, principalArn, fields) {
      // kubernetesGroups is declarative (the list replaces the old one), so it is always sent.
      await call('UpdateAccessEntry', () =>
        client.send(
          new UpdateAccessEntryCommand({
            clusterName: name,
            principalArn,
            kubernetesGroups: [...fields.kubernetesGroups],
            ...(fields.username === undefined ? {} : { username: fields.username }),
          }),
        ),
      )
    },

    async deleteAccessEntry(name, principalArn) {
      await call('DeleteAccessEntry', () => client.send(new DeleteAccessEntryCommand({ clusterName: name, principalArn })))
    },

    async associateAccessPolicy(name, principalArn, policyArn, accessScope: AccessScope) {
      await call('AssociateAccessPolicy', () =>
        client.send(
          new AssociateAccessPolicyCommand({
            clusterName: name,
            principalArn,
            policyArn,
            accessScope:
              accessScope.type === 'namespace' ? { type: 'namespace', namespaces: [...accessScope.namespaces] } : { type: 'cluster' },
          }),
        ),
      )
    },

    async disassociateAccessPolicy(name, principalArn, policyArn) {
      await call('DisassociateAccessPolicy', () =>
        client.send(new DisassociateAccessPolicyCommand({ clusterName: name, principalArn, policyArn })),
      )
    },

    async tagResource(resourceArn, tags) {
      await call('TagResource', () => client.send(new TagResourceCommand({ resourceArn, tags: { ...tags } })))
    },

    async updateAuthenticationMode(name, mode: AuthenticationMode) {
      const out = await call('UpdateClusterConfig', () =>
        client.send(new UpdateClusterConfigCommand({ name, accessConfig: { authenticationMode: mode } })),
      )
      return { updateId: out.update?.id ?? '' }
    },
  }
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

function attemptsOf(e: unknown): number | undefined {
  const meta = (e as { $metadata?: { attempts?: unknown } } | null)?.$metadata
  return typeof meta?.attempts === 'number' ? meta.attempts : undefined
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
    const code = e.name && e.name !== 'Error' ? e.name : ((e as { code?: unknown }).code as string | undefined) ?? 'Error'
    return new AwsCallError(operation, String(code), e.message || code, typeof status === 'number' ? status : undefined)
  }
  return new AwsCallError(operation, 'Error', String(e))
}
