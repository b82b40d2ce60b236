import { randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { identifyCaller, type Caller } from './auth.js'
import { FakeAwsError } from './errors.js'

/**
 * The fake IAM: the real query protocol (`POST /`, `Content-Type: application/x-www-form-urlencoded`,
 * `Action=GetRole&RoleName=…&Version=2010-05-08`, same for GetUser/UserName), XML responses with
 * `Arn`, `RoleId`/`UserId`, `CreateDate`, `Path`, and IAM's error shape:
 *   404 `<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type>
 *   <Code>NoSuchEntity</Code><Message>The role with name X cannot be found.</Message></Error>
 *   <RequestId>…</RequestId></ErrorResponse>`.
 * IAM reads the caller's own account (auth.ts: the account of the signing key). Principals are
 * seeded by ARN; `deletePrincipal` and `recreatePrincipal` model the dead-access cases.
 *
 * Use `handleIam` from the shared fake server (route `POST /` with `Version=2010-05-08` here), or
 * `startFakeIam` for a standalone server (`AWS_ENDPOINT_URL_IAM` / the client's `endpoint`).
 */

export const IAM_VERSION = '2010-05-08'
const XMLNS = `https://iam.amazonaws.com/doc/${IAM_VERSION}/`
const PRINCIPAL = /^arn:(aws|aws-cn|aws-us-gov):iam::(\d{12}):(role|user)(\/(?:.*\/)?)?([^/]+)$/

export interface SeedPrincipal {
  /** `arn:aws:iam::ACCT:role/path/name` or `…:user/…`. */
  readonly arn: string
  /** ISO 8601. */
  readonly createDate: string
}

interface Principal {
  readonly arn: string
  readonly account: string
  readonly kind: 'role' | 'user'
  readonly path: string
  readonly name: string
  readonly id: string
  readonly createDate: string
}

export class FakeIamState {
  private readonly principals = new Map<string, Principal>()
  /** Every IAM request, in order (operation, account, name, status). */
  readonly calls: { operation: string; account: string; name: string; status: number }[] = []

  seed(p: SeedPrincipal): void {
    const m = PRINCIPAL.exec(p.arn)
    if (!m) throw new Error(`fake IAM: not a role or user ARN: ${p.arn}`)
    const [, , account, kind, path, name] = m as unknown as [string, string, string, 'role' | 'user', string | undefined, string]
    const prefix = kind === 'role' ? 'AROA' : 'AIDA'
    this.principals.set(key(account, kind, name), {
      arn: p.arn,
      account,
      kind,
      path: path ?? '/',
      name,
      id: prefix + randomId(17),
      createDate: p.createDate,
    })
  }

  delete(arn: string): void {
    const m = PRINCIPAL.exec(arn)
    if (m) this.principals.delete(key(m[2] as string, m[3] as 'role' | 'user', m[5] as string))
  }

  /** Deleted and created again under the same name: a new unique id and CreateDate. */
  recreate(arn: string, createDate: string): void {
    this.delete(arn)
    this.seed({ arn, createDate })
  }

  find(account: string, kind: 'role' | 'user', name: string): Principal | undefined {
    return this.principals.get(key(account, kind, name))
  }
}

const key = (account: string, kind: string, name: string): string => `${account}|${kind}|${name.toLowerCase()}` // IAM names are case-insensitive

/** Answers one IAM query request for `caller`'s account. */
export function handleIam(form: URLSearchParams, caller: Caller, state: FakeIamState): { status: number; body: string } {
  const action = form.get('Action') ?? ''
  const name = form.get(action === 'GetUser' ? 'UserName' : 'RoleName') ?? ''
  const record = (status: number): void => void state.calls.push({ operation: action, account: caller.accountId, name, status })
  try {
    if (!caller.signed) throw new FakeAwsError(403, 'MissingAuthenticationToken', 'Request is missing Authentication Token')
    if (form.get('Version') !== IAM_VERSION)
      throw new FakeAwsError(
        400,
        'InvalidAction',
        `Could not find operation ${action} for version ${form.get('Version') ?? 'NO_VERSION_SPECIFIED'}`,
      )
    let body: string
    if (action === 'GetRole') body = getRole(state, caller.accountId, name)
    else if (action === 'GetUser') body = getUser(state, caller.accountId, name)
    else throw new FakeAwsError(400, 'InvalidAction', `Could not find operation ${action} for version ${IAM_VERSION}`)
    record(200)
    return { status: 200, body }
  } catch (e) {
    if (!(e instanceof FakeAwsError)) throw e
    record(e.status)
    return { status: e.status, body: iamErrorXml(e) }
  }
}

function validateName(name: string, member: string): void {
  if (!/^[\w+=,.@-]{1,64}$/.test(name)) {
    throw new FakeAwsError(
      400,
      'ValidationError',
      `1 validation error detected: Value '${name}' at '${member}' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+`,
    )
  }
}

function getRole(state: FakeIamState, account: string, name: string): string {
  validateName(name, 'roleName')
  const r = state.find(account, 'role', name)
  if (!r) throw new FakeAwsError(404, 'NoSuchEntity', `The role with name ${name} cannot be found.`)
  const trust = encodeURIComponent('{"Version":"2012-10-17","Statement":[]}')
  return (
    `<GetRoleResponse xmlns="${XMLNS}"><GetRoleResult><Role>` +
    `<Path>${xml(r.path)}</Path><Arn>${xml(r.arn)}</Arn><RoleName>${xml(r.name)}</RoleName>` +
    `<AssumeRolePolicyDocument>${trust}</AssumeRolePolicyDocument><CreateDate>${r.createDate}</CreateDate>` +
    `<RoleId>${r.id}</RoleId><MaxSessionDuration>3600</MaxSessionDuration>` +
    `</Role></GetRoleResult>${metadata()}</GetRoleResponse>`
  )
}

function getUser(state: FakeIamState, account: string, name: string): string {
  validateName(name, 'userName')
  const u = state.find(account, 'user', name)
  if (!u) throw new FakeAwsError(404, 'NoSuchEntity', `The user with name ${name} cannot be found.`)
  return (
    `<GetUserResponse xmlns="${XMLNS}"><GetUserResult><User>` +
    `<Path>${xml(u.path)}</Path><UserName>${xml(u.name)}</UserName><UserId>${u.id}</UserId>` +
    `<Arn>${xml(u.arn)}</Arn><CreateDate>${u.createDate}</CreateDate>` +
    `</User></GetUserResult>${metadata()}</GetUserResponse>`
  )
}

export function iamErrorXml(e: FakeAwsError): string {
  const type = e.status >= 500 ? 'Receiver' : 'Sender'
  return (
    `<ErrorResponse xmlns="${XMLNS}"><Error><Type>${type}</Type><Code>${xml(e.code)}</Code>` +
    `<Message>${xml(e.message)}</Message></Error><RequestId>${requestId()}</RequestId></ErrorResponse>`
  )
}

export interface FakeIam {
  readonly url: string
  readonly state: FakeIamState
  close(): Promise<void>
}

/** A standalone fake IAM on 127.0.0.1 (a random port unless given). */
export async function startFakeIam(
  options: { port?: number; defaultAccountId?: string; principals?: readonly SeedPrincipal[] } = {},
): Promise<FakeIam> {
  const state = new FakeIamState()
  for (const p of options.principals ?? []) state.seed(p)
  const defaults = { accountId: options.defaultAccountId ?? '111122223333', region: 'us-east-1' }
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const caller = identifyCaller(req.headers.authorization, new Map(), defaults)
      const out =
        req.method === 'POST' && new URL(req.url ?? '/', 'http://fake').pathname === '/'
          ? handleIam(new URLSearchParams(Buffer.concat(chunks).toString('utf8')), caller, state)
          : { status: 404, body: iamErrorXml(new FakeAwsError(404, 'NotFound', 'not found')) }
      res.writeHead(out.status, { 'content-type': 'text/xml', 'x-amzn-requestid': requestId() })
      res.end(out.body)
    })
  })
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    state,
    close: () => new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  }
}

const metadata = (): string => `<ResponseMetadata><RequestId>${requestId()}</RequestId></ResponseMetadata>`
const requestId = (): string => randomBytes(16).toString('hex')
const randomId = (n: number): string => {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
  return [...randomBytes(n)].map((b) => alphabet[b % alphabet.length]).join('')
}

function xml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;')
}
