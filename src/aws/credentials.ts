import {
  AssumeRoleCommand,
  AssumeRoleWithWebIdentityCommand,
  STSClient,
  type Credentials as StsCredentials,
  type STSClientConfig,
} from '@aws-sdk/client-sts'
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
  const client = new STSClient({ region: opts.region, ...(opts.endpoint === undefined ? {} : { endpoint: opts.endpoint }) })
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
