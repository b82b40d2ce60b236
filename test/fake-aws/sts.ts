import { randomBytes } from 'node:crypto'
import type { Caller } from './auth.js'
import { FakeAwsError } from './errors.js'

/**
 * The fake STS: `POST /` query protocol, AssumeRole and AssumeRoleWithWebIdentity, XML
 * responses and errors as in EKS-API.md §8. Issued access keys are `ASIA` + the role's account
 * + 4 random characters, so the fake EKS knows which account a session belongs to.
 */

export interface StsTrustRequest {
  readonly action: 'AssumeRole' | 'AssumeRoleWithWebIdentity'
  readonly roleArn: string
  readonly roleSessionName: string
  /** AssumeRole: the calling account. */
  readonly callerAccountId?: string
  /** AssumeRoleWithWebIdentity: the (unverified) JWT claims. */
  readonly claims?: Readonly<Record<string, unknown>>
}

export interface StsOptions {
  readonly now: () => number
  /** Expected `aud` of web identity tokens (default `sts.amazonaws.com`). */
  readonly audience?: string
  /** When set, AssumeRoleWithWebIdentity needs a token whose `sub` matches (glob `*` or RegExp). */
  readonly webIdentitySubPattern?: string | RegExp
  /** Trust hook: return false to answer AccessDenied. */
  readonly trust?: (req: StsTrustRequest) => boolean
}

export interface IssuedSession {
  readonly accountId: string
  readonly roleArn: string
  readonly expiresAt: number
}

const XMLNS = 'https://sts.amazonaws.com/doc/2011-06-15/'
const ROLE_ARN = /^arn:(aws|aws-cn|aws-us-gov):iam::(\d{12}):role\/(.+)$/
const SESSION_NAME = /^[\w+=,.@-]*$/

export function handleSts(
  form: URLSearchParams,
  caller: Caller,
  issued: Map<string, IssuedSession>,
  options: StsOptions,
): { status: number; body: string } {
  const action = form.get('Action')
  try {
    if (action === 'AssumeRole') return { status: 200, body: assumeRole(form, caller, issued, options) }
    if (action === 'AssumeRoleWithWebIdentity') return { status: 200, body: assumeRoleWithWebIdentity(form, issued, options) }
    throw new FakeAwsError(400, 'InvalidAction', `Could not find operation ${action ?? ''} for version ${form.get('Version') ?? ''}`)
  } catch (e) {
    if (!(e instanceof FakeAwsError)) throw e
    return { status: e.status, body: stsErrorXml(e) }
  }
}

export function stsErrorXml(e: FakeAwsError): string {
  const type = e.status >= 500 ? 'Receiver' : 'Sender'
  return (
    `<ErrorResponse xmlns="${XMLNS}"><Error><Type>${type}</Type><Code>${xml(e.code)}</Code>` +
    `<Message>${xml(e.message)}</Message></Error><RequestId>${requestId()}</RequestId></ErrorResponse>`
  )
}

function assumeRole(form: URLSearchParams, caller: Caller, issued: Map<string, IssuedSession>, options: StsOptions): string {
  if (!caller.signed) throw new FakeAwsError(403, 'MissingAuthenticationToken', 'Request is missing Authentication Token')
  const { roleArn, sessionName, duration, account, roleName } = validateCommon(form)
  const trusted =
    options.trust?.({ action: 'AssumeRole', roleArn, roleSessionName: sessionName, callerAccountId: caller.accountId }) ?? true
  if (!trusted)
    throw new FakeAwsError(
      403,
      'AccessDenied',
      `User: arn:aws:iam::${caller.accountId}:user/fake is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
    )
  const body = credentialsXml(issue(issued, account, roleArn, duration, options), account, roleName, sessionName)
  return `<AssumeRoleResponse xmlns="${XMLNS}"><AssumeRoleResult>${body}</AssumeRoleResult>${metadata()}</AssumeRoleResponse>`
}

function assumeRoleWithWebIdentity(form: URLSearchParams, issued: Map<string, IssuedSession>, options: StsOptions): string {
  const { roleArn, sessionName, duration, account, roleName } = validateCommon(form)
  const token = form.get('WebIdentityToken') ?? ''
  if (token.length < 4 || token.length > 20000)
    throw validation(`Value at 'webIdentityToken' failed to satisfy constraint: Member must have length between 4 and 20000`)
  const claims = decodeJwtClaims(token)
  if (!claims) throw new FakeAwsError(400, 'InvalidIdentityToken', "Couldn't parse the web identity token")
  const audience = options.audience ?? 'sts.amazonaws.com'
  const aud = claims['aud']
  if (!(aud === audience || (Array.isArray(aud) && aud.includes(audience))))
    throw new FakeAwsError(400, 'InvalidIdentityToken', 'Incorrect token audience')
  const exp = claims['exp']
  if (typeof exp === 'number' && exp * 1000 <= options.now())
    throw new FakeAwsError(400, 'ExpiredTokenException', 'Token expired: current date/time must be before the expiration date/time.')
  const sub = typeof claims['sub'] === 'string' ? claims['sub'] : ''
  const subOk = options.webIdentitySubPattern === undefined || matchPattern(options.webIdentitySubPattern, sub)
  const trusted = subOk && (options.trust?.({ action: 'AssumeRoleWithWebIdentity', roleArn, roleSessionName: sessionName, claims }) ?? true)
  if (!trusted) throw new FakeAwsError(403, 'AccessDenied', 'Not authorized to perform sts:AssumeRoleWithWebIdentity')
  const extra =
    `<SubjectFromWebIdentityToken>${xml(sub)}</SubjectFromWebIdentityToken>` +
    `<Audience>${xml(audience)}</Audience><Provider>${xml(typeof claims['iss'] === 'string' ? claims['iss'] : '')}</Provider>`
  const body = credentialsXml(issue(issued, account, roleArn, duration, options), account, roleName, sessionName) + extra
  return (
    `<AssumeRoleWithWebIdentityResponse xmlns="${XMLNS}"><AssumeRoleWithWebIdentityResult>${body}` +
    `</AssumeRoleWithWebIdentityResult>${metadata()}</AssumeRoleWithWebIdentityResponse>`
  )
}

function validateCommon(form: URLSearchParams): {
  roleArn: string
  sessionName: string
  duration: number
  account: string
  roleName: string
} {
  const roleArn = form.get('RoleArn') ?? ''
  const sessionName = form.get('RoleSessionName') ?? ''
  const rawDuration = form.get('DurationSeconds')
  if (roleArn.length < 20 || roleArn.length > 2048)
    throw validation(`Value '${roleArn}' at 'roleArn' failed to satisfy constraint: Member must have length between 20 and 2048`)
  if (sessionName.length < 2 || sessionName.length > 64)
    throw validation(`Value '${sessionName}' at 'roleSessionName' failed to satisfy constraint: Member must have length between 2 and 64`)
  if (!SESSION_NAME.test(sessionName))
    throw validation(
      `Value '${sessionName}' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*`,
    )
  const duration = rawDuration === null ? 3600 : Number(rawDuration)
  if (!Number.isInteger(duration) || duration < 900 || duration > 43200)
    throw validation(`Value '${rawDuration ?? ''}' at 'durationSeconds' failed to satisfy constraint: Member must be between 900 and 43200`)
  const m = ROLE_ARN.exec(roleArn)
  if (!m) throw validation(`${roleArn} is invalid`)
  return { roleArn, sessionName, duration, account: m[2] as string, roleName: (m[3] as string).split('/').pop() as string }
}

function issue(issued: Map<string, IssuedSession>, account: string, roleArn: string, duration: number, options: StsOptions) {
  const accessKeyId = `ASIA${account}${randomChars(4)}`
  const expiresAt = options.now() + duration * 1000
  issued.set(accessKeyId, { accountId: account, roleArn, expiresAt })
  return { accessKeyId, secretAccessKey: randomBytes(30).toString('base64'), sessionToken: randomBytes(60).toString('base64'), expiresAt }
}

function credentialsXml(
  c: { accessKeyId: string; secretAccessKey: string; sessionToken: string; expiresAt: number },
  account: string,
  roleName: string,
  sessionName: string,
): string {
  return (
    `<Credentials><AccessKeyId>${c.accessKeyId}</AccessKeyId><SecretAccessKey>${xml(c.secretAccessKey)}</SecretAccessKey>` +
    `<SessionToken>${xml(c.sessionToken)}</SessionToken><Expiration>${new Date(c.expiresAt).toISOString()}</Expiration></Credentials>` +
    `<AssumedRoleUser><Arn>arn:aws:sts::${account}:assumed-role/${xml(roleName)}/${xml(sessionName)}</Arn>` +
    `<AssumedRoleId>AROA${randomChars(17)}:${xml(sessionName)}</AssumedRoleId></AssumedRoleUser><PackedPolicySize>0</PackedPolicySize>`
  )
}

/** Reads a JWT's payload without verifying it (tests may use unsigned tokens). */
export function decodeJwtClaims(token: string): Record<string, unknown> | undefined {
  const payload = token.split('.')[1]
  if (payload === undefined) return undefined
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'))
    return typeof claims === 'object' && claims !== null ? (claims as Record<string, unknown>) : undefined
  } catch {
    return undefined
  }
}

function matchPattern(pattern: string | RegExp, value: string): boolean {
  if (pattern instanceof RegExp) return pattern.test(value)
  const re = new RegExp(
    `^${pattern
      .split('*')
      .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  )
  return re.test(value)
}

const validation = (message: string): FakeAwsError => new FakeAwsError(400, 'ValidationError', message)
const metadata = (): string => `<ResponseMetadata><RequestId>${requestId()}</RequestId></ResponseMetadata>`
const requestId = (): string => randomBytes(16).toString('hex')
const randomChars = (n: number): string => {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
  return [...randomBytes(n)].map((b) => alphabet[b % alphabet.length]).join('')
}

function xml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;')
}
