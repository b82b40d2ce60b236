import { GetRoleCommand, GetUserCommand, IAMClient, type IAMClientConfig } from '@aws-sdk/client-iam'
import { parsePrincipalArn } from '../arn.js'
import type { Partition } from '../types.js'
import { AwsCallError } from './port.js'
import { awsClientConfig, type ClientTimeouts } from './client-config.js'
import { DEFAULT_CLUSTER_TIMEOUT_MS, realSleep, withRetry } from './retry.js'
import { toAwsCallError } from './eks-sdk.js'
import type { IamApiFactory, IamReadApi, IamTarget, PrincipalLookup } from './iam-port.js'

/**
 * The IAM adapter: the only module that imports `@aws-sdk/client-iam`. Same client options as the
 * EKS adapter: one SDK attempt with bounded connection and request time (client-config.ts), our own
 * retry loop for throttling and 5xx until a deadline (retry.ts), an explicit `endpoint` or the SDK's
 * own settings — `AWS_ENDPOINT_URL_IAM`, `AWS_ENDPOINT_URL`. IAM is a global service signed in
 * the partition's home region (us-east-1, cn-north-1, us-gov-west-1).
 */

export type IamCredentials = IAMClientConfig['credentials']

export interface IamApiOptions extends ClientTimeouts {
  /** Default: the partition's signing region. */
  readonly region?: string
  readonly partition?: Partition
  readonly credentials?: IamCredentials
  readonly endpoint?: string
  /** How long one lookup may keep retrying throttling and 5xx (ms, default 300 s). */
  readonly callTimeoutMs?: number
}

const HOME_REGION: Readonly<Record<Partition, string>> = { aws: 'us-east-1', 'aws-cn': 'cn-north-1', 'aws-us-gov': 'us-gov-west-1' }

export function createIamClient(opts: IamApiOptions = {}): IAMClient {
  return new IAMClient({
    region: opts.region ?? HOME_REGION[opts.partition ?? 'aws'],
    ...awsClientConfig(opts),
    ...(opts.credentials === undefined ? {} : { credentials: opts.credentials }),
    ...(opts.endpoint === undefined ? {} : { endpoint: opts.endpoint }),
  })
}

export function createIamApi(opts: IamApiOptions = {}): IamReadApi {
  return iamApiFromClient(createIamClient(opts), opts.callTimeoutMs)
}

export interface IamApiFactoryOptions extends Omit<IamApiOptions, 'partition' | 'credentials' | 'region'> {
  readonly credentialsFor?: (target: IamTarget) => IamCredentials | undefined
}

/** One client per (partition, account, role). */
export function createIamApiFactory(opts: IamApiFactoryOptions = {}): IamApiFactory {
  const apis = new Map<string, IamReadApi>()
  const { credentialsFor, ...rest } = opts
  return (target) => {
    const key = `${target.partition}|${target.accountId}|${target.roleArn ?? ''}`
    let api = apis.get(key)
    if (!api) {
      const credentials = credentialsFor?.(target)
      api = createIamApi({ ...rest, partition: target.partition, ...(credentials === undefined ? {} : { credentials }) })
      apis.set(key, api)
    }
    return api
  }
}

/** The port over an existing client (tests may pass one pointed at the local fake). */
export function iamApiFromClient(client: IAMClient, callTimeoutMs = DEFAULT_CLUSTER_TIMEOUT_MS): IamReadApi {
  return {
    async getPrincipal(principalArn: string): Promise<PrincipalLookup> {
      const parsed = parsePrincipalArn(principalArn)
      if (!parsed.ok || (parsed.value.kind !== 'role' && parsed.value.kind !== 'user')) {
        throw new AwsCallError('GetPrincipal', 'UnsupportedPrincipal', `${principalArn} is not an IAM role or user ARN`)
      }
      const { kind, name } = parsed.value
      const operation = kind === 'role' ? 'GetRole' : 'GetUser'
      try {
        const found = await withRetry(
          operation,
          async (abortSignal) => {
            try {
              return kind === 'role'
                ? (await client.send(new GetRoleCommand({ RoleName: name }), { abortSignal })).Role
                : (await client.send(new GetUserCommand({ UserName: name }), { abortSignal })).User
            } catch (e) {
              throw toAwsCallError(operation, e)
            }
          },
          { deadlineAt: Date.now() + callTimeoutMs, now: Date.now, sleep: realSleep },
        )
        if (found?.CreateDate === undefined)
          throw new AwsCallError(operation, 'MissingCreateDate', `${operation} returned no CreateDate for ${principalArn}`)
        return { exists: true, createDate: found.CreateDate, ...(found.Arn === undefined ? {} : { arn: found.Arn }) }
      } catch (e) {
        const error = toAwsCallError(operation, e)
        if (error.code === 'NoSuchEntityException' || error.code === 'NoSuchEntity') return { exists: false }
        throw error
      }
    },
  }
}
