import {
  AssumeRoleCommand,
  AssumeRoleWithWebIdentityCommand,
  STSClient,
  type Credentials as StsCredentials,
  type STSClientConfig,
} from '@aws-sdk/client-sts'
import { awsClientConfig } from './client-config.js'
import { AwsCallError } from './port.js'

/**
 * STS at the edge, through `@aws-sdk/client-sts` commands (so aws-sdk-client-mock can intercept
 * them; `fromWebToken` cannot be). The STS client honours `AWS_ENDPOINT_URL_STS` itself.
 * Failures become `AwsCallError` with context; no token, key or session token ever appears in
 * a message.
 */

/** SDK credential identity (structurally `AwsCredentialIdentity`). */
export interface AwsCredentials {
  readonly accessKeyId: string
  readonly secretAccessKey: string
  readonly sessionToken?: string
  readonly expiration?: Date
}

export type SourceCredentials = STSClientConfig['credentials']

export interface AssumeRoleOptions {
  readonly region: string
  readonly sessionName: string
  /** Credentials to call STS with; undefined = the SDK's default chain. */
  readonly sourceCredentials?: SourceCredentials
  readonly durationSeconds?: number
  readonly endpoint?: string
}

export interface AssumeRoleWithWebIdentityOptions {
  readonly region: string
  /** The OIDC token (never logged). */
  readonly token: string
  readonly sessionName: string
  readonly durationSeconds?: number
  readonly endpoint?: string
}

/** STS AssumeRole (CLI `--assume-roles`), from the given or default credentials. */
export async function assumeRole(roleArn: string, opts: AssumeRoleOptions): Promise<AwsCredentials> {
  const client = new STSClient({
    region: opts.region,
    ...awsClientConfig(),
    ...(opts.sourceCredentials === undefined ? {} : { credentials: opts.sourceCredentials }),
    ...(opts.endpoint === undefined ? {} : { endpoint: opts.endpoint }),
  })
  try {
    const out = await client.send(
      new AssumeRoleCommand({
        RoleArn: roleArn,
        RoleSessionName: opts.sessionName,
        ...(opts.durationSeconds === undefined ? {} : { DurationSeconds: opts.durationSeconds }),
      }),
    )
    return toCredentials(out.Credentials, 'AssumeRole', roleArn)
  } catch (e) {
    throw contextError('AssumeRole', `Could not assume role ${roleArn}`, e, [])
  } finally {
    client.destroy()
  }
}

/** STS AssumeRoleWithWebIdentity (the action's OIDC path). The call is unsigned. */
export async function assumeRoleWithWebIdentity(roleArn: string, opts: AssumeRoleWithWebIdentityOptions): Promise<AwsCredentials> {
  const client = new STSClient({
    region: opts.region,
    ...awsClientConfig(),
    ...(opts.endpoint === undefined ? {} : { endpoint: opts.endpoint }),
  })
  try {
    const out = await client.send(
      new AssumeRoleWithWebIdentityCommand({
        RoleArn: roleArn,
        RoleSessionName: opts.sessionName,
        WebIdentityToken: opts.token,
        ...(opts.durationSeconds === undefined ? {} : { DurationSeconds: opts.durationSeconds }),
      }),
    )
    return toCredentials(out.Credentials, 'AssumeRoleWithWebIdentity', roleArn)
  } catch (e) {
    throw contextError('AssumeRoleWithWebIdentity', `Could not assume role ${roleArn} with OIDC`, e, [opts.token])
  } finally {
    client.destroy()
  }
}

/**
 * A credentials provider that fetches once and again only when the credentials are within
 * `refreshMarginMs` (default 5 minutes) of expiry. A failed fetch is not cached.
 */
export function memoizeCredentials(
  fetch: () => Promise<AwsCredentials>,
  opts: { readonly now?: () => number; readonly refreshMarginMs?: number } = {},
): () => Promise<AwsCredentials> {
  const now = opts.now ?? Date.now
  const margin = opts.refreshMarginMs ?? 5 * 60_000
  let cached: Promise<AwsCredentials> | undefined
  let expiresAt = Number.POSITIVE_INFINITY
  return async () => {
    if (cached && now() < expiresAt - margin) return cached
    const pending = fetch()
    cached = pending
    expiresAt = Number.POSITIVE_INFINITY
    try {
      const c = await pending
      expiresAt = c.expiration?.getTime() ?? Number.POSITIVE_INFINITY
      return c
    } catch (e) {
      if (cached === pending) cached = undefined
      throw e
    }
  }
}

/** A RoleSessionName STS accepts (2–64 of `[\w+=,.@-]`), built from any text. */
export function toSessionName(text: string): string {
  const cleaned = text.replace(/[^\w+=,.@-]/g, '-').slice(0, 64)
  return cleaned.length >= 2 ? cleaned : `${cleaned}--`.slice(0, 2)
}

function toCredentials(c: StsCredentials | undefined, operation: string, roleArn: string): AwsCredentials {
  if (!c?.AccessKeyId || !c.SecretAccessKey)
    throw new AwsCallError(operation, 'MissingCredentials', `Could not assume role ${roleArn}: STS returned no credentials`)
  return {
    accessKeyId: c.AccessKeyId,
    secretAccessKey: c.SecretAccessKey,
    ...(c.SessionToken === undefined ? {} : { sessionToken: c.SessionToken }),
    ...(c.Expiration === undefined ? {} : { expiration: c.Expiration }),
  }
}

function contextError(operation: string, context: string, e: unknown, secrets: readonly string[]): AwsCallError {
  if (e instanceof AwsCallError && e.operation === operation) return e
  const code = e instanceof Error && e.name && e.name !== 'Error' ? e.name : 'Error'
  const raw = e instanceof Error ? e.message : String(e)
  const status = (e as { $metadata?: { httpStatusCode?: unknown } } | null)?.$metadata?.httpStatusCode
  return new AwsCallError(operation, code, `${context}: ${code}: ${redact(raw, secrets)}`, typeof status === 'number' ? status : undefined)
}

/** Removes secrets that an error message might echo (tokens, keys). */
function redact(message: string, secrets: readonly string[]): string {
  let out = message
  for (const s of secrets) if (s.length >= 4) out = out.split(s).join('***')
  // Anything that looks like a JWT or a session token is dropped too.
  return out.replace(/eyJ[\w-]+\.[\w-]+\.[\w-]*/g, '***')
}

// ───────────────────────────── one port: credentialsFor(roleArn) ─────────────────────────────

/** A provider the SDK calls for credentials; undefined = the SDK's default chain (ambient). */
export type CredentialsProvider = () => Promise<AwsCredentials>

/**
 * The one credentials port a command's edge receives: credentials for a cluster's role, or
 * undefined for ambient credentials. `region` is the cluster's: STS is called at that region's
 * endpoint and partition.
 */
export type CredentialsFor = (roleArn: string | undefined, region: string) => CredentialsProvider | undefined

export type CredentialsStrategy =
  /** The SDK's default chain for everything, roles ignored. */
  | { readonly kind: 'ambient' }
  /** CLI `--assume-roles`: AssumeRole from the ambient credentials. */
  | { readonly kind: 'assume-role' }
  /** The action: a GitHub OIDC token for `audience`, exchanged with AssumeRoleWithWebIdentity. */
  | { readonly kind: 'web-identity'; readonly getIdToken: (audience: string) => Promise<string>; readonly audience: string }

export interface CredentialsOptions {
  /** Environment the STS endpoint and the session name come from (AWS_ENDPOINT_URL_STS, GITHUB_REPOSITORY, GITHUB_RUN_ID). */
  readonly env: Readonly<Record<string, string | undefined>>
  /** Every secret seen (token, keys) is handed here first (the action masks it with core.setSecret). */
  readonly onSecret?: (secret: string) => void
  /** `plan` or `apply`: part of the session name, so CloudTrail tells them apart. */
  readonly purpose: string
  readonly now?: () => number
}

/**
 * Builds `credentialsFor` for a strategy. Each distinct role is assumed once: the provider is
 * memoised per role, and concurrent callers share the pending promise (memoizeCredentials).
 */
export function createCredentialsFor(strategy: CredentialsStrategy, opts: CredentialsOptions): CredentialsFor {
  if (strategy.kind === 'ambient') return () => undefined
  const providers = new Map<string, CredentialsProvider>()
  const sessionName = sessionNameFor(opts.purpose, opts.env)
  return (roleArn, region) => {
    if (roleArn === undefined) return undefined
    let provider = providers.get(roleArn)
    if (!provider) {
      const endpoint = stsEndpoint(region, opts.env)
      const fetch =
        strategy.kind === 'assume-role'
          ? () => assumeRole(roleArn, { region, sessionName, ...optionalEndpoint(endpoint) })
          : () => assumeWithOidc(roleArn, region, sessionName, endpoint, strategy, opts)
      const reveal = async (): Promise<AwsCredentials> => {
        const c = await fetch()
        for (const secret of [c.secretAccessKey, c.sessionToken]) if (secret) opts.onSecret?.(secret)
        return c
      }
      provider = memoizeCredentials(reveal, opts.now ? { now: opts.now } : {})
      providers.set(roleArn, provider)
    }
    return provider
  }
}

async function assumeWithOidc(
  roleArn: string,
  region: string,
  sessionName: string,
  endpoint: string | undefined,
  strategy: Extract<CredentialsStrategy, { kind: 'web-identity' }>,
  opts: CredentialsOptions,
): Promise<AwsCredentials> {
  const token = await strategy.getIdToken(strategy.audience)
  opts.onSecret?.(token)
  try {
    return await assumeRoleWithWebIdentity(roleArn, { region, token, sessionName, ...optionalEndpoint(endpoint) })
  } catch (e) {
    const claims = jwtClaims(token)
    const sub = typeof claims['sub'] === 'string' ? claims['sub'] : '(none)'
    const aud = Array.isArray(claims['aud'])
      ? claims['aud'].join(',')
      : typeof claims['aud'] === 'string'
        ? claims['aud']
        : strategy.audience
    const base =
      e instanceof AwsCallError ? e : contextError('AssumeRoleWithWebIdentity', `Could not assume role ${roleArn} with OIDC`, e, [token])
    throw new AwsCallError(
      base.operation,
      base.code,
      `${base.message}. The token's sub is "${sub}" and aud is "${aud}": the trust policy of ${roleArn} must allow ` +
        `sts:AssumeRoleWithWebIdentity for the token.actions.githubusercontent.com provider with ` +
        `token.actions.githubusercontent.com:aud = "${aud}" and token.actions.githubusercontent.com:sub matching "${sub}"`,
      base.status,
    )
  }
}

/** The payload of a JWT, decoded without verifying (only to explain a refusal; never trusted). */
export function jwtClaims(token: string): Record<string, unknown> {
  const payload = token.split('.')[1]
  if (payload === undefined) return {}
  try {
    const parsed: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'))
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {}
  } catch {
    return {}
  }
}

/**
 * STS at the cluster's regional endpoint, in the region's partition (cn-* → amazonaws.com.cn);
 * undefined when AWS_ENDPOINT_URL_STS (or AWS_ENDPOINT_URL) is set, so the SDK honours it.
 */
export function stsEndpoint(region: string, env: Readonly<Record<string, string | undefined>>): string | undefined {
  if (env['AWS_ENDPOINT_URL_STS'] || env['AWS_ENDPOINT_URL']) return undefined
  const suffix = region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com'
  return `https://sts.${region}.${suffix}`
}

/** `eks-access-gate-plan-owner-repo-123456`, cut to STS's 64 characters of [\w+=,.@-]. */
export function sessionNameFor(purpose: string, env: Readonly<Record<string, string | undefined>>): string {
  // The run id identifies the run in CloudTrail: a long repository name is cut, never the run id.
  const run = env['GITHUB_RUN_ID'] ? `-${env['GITHUB_RUN_ID'].slice(0, 20)}` : ''
  const head = ['eks-access-gate', purpose, env['GITHUB_REPOSITORY']].filter((p): p is string => !!p).join('-')
  return toSessionName(`${head.slice(0, 64 - run.length)}${run}`)
}

function optionalEndpoint(endpoint: string | undefined): { endpoint?: string } {
  return endpoint === undefined ? {} : { endpoint }
}
