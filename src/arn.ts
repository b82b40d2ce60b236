/**
 * Pure parsing of IAM principal ARNs as access entries name them (EKS-API.md §4).
 *
 * `parsePrincipalArn` accepts every *well-formed* IAM role/user ARN and the two STS session forms,
 * and tells them apart by `kind`; whether a kind is acceptable is the caller's decision (the EKS rules
 * reject `assumed-role`, `federated-user` and `service-linked-role`; the diff uses `name` to build the
 * username EKS generates, which drops the role path). Anything that is not such an ARN comes back as
 * an `InvalidPrincipalArn` whose `reason` names the first field that is wrong.
 */
import { err, ok, type Partition, type Result } from './types.js'

export type PrincipalKind = 'role' | 'user' | 'service-linked-role' | 'assumed-role' | 'federated-user'

export interface PrincipalArn {
  /** The ARN as given. */
  readonly arn: string
  readonly partition: Partition
  /** 12 digits. */
  readonly accountId: string
  readonly kind: PrincipalKind
  /** IAM path, `/` when there is none, else `/a/b/` (leading and trailing slash). `/` for STS sessions. */
  readonly path: string
  /** Role or user name (for `assumed-role` the role name, for `federated-user` the user name). */
  readonly name: string
  /** Session name of an `assumed-role` ARN. */
  readonly sessionName?: string
}

/** Which part of the ARN is wrong, first one found (left to right). */
export type ArnDefect = 'not-an-arn' | 'partition' | 'service' | 'region' | 'account' | 'resource-type' | 'empty-name' | 'name' | 'path'

export interface InvalidPrincipalArn {
  readonly defect: ArnDefect
  /** Human-readable, quotes the offending part, no trailing period: "account "1234" is not 12 digits". */
  readonly reason: string
}

export const PARTITIONS: readonly Partition[] = ['aws', 'aws-cn', 'aws-us-gov']

/** IAM role, user and STS session names: `[\w+=,.@-]`, 1–64 (session names 2–64). */
const IAM_NAME = /^[\w+=,.@-]{1,64}$/
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/
const ACCOUNT_ID = /^\d{12}$/
/** Path segment characters IAM allows (ASCII `!` through `~`, minus the separator). */
const PATH_SEGMENT = /^[\u0021-\u002E\u0030-\u007E]+$/
const MAX_PATH = 512
/** Service-linked roles all live under this path (EKS-API.md §4: not supported in access entries). */
const SERVICE_LINKED_PATH = '/aws-service-role/'

/** Parses an IAM role/user ARN or an STS session ARN; see the module comment. */
export function parsePrincipalArn(arn: string): Result<PrincipalArn, InvalidPrincipalArn> {
  if (!arn.startsWith('arn:')) return invalid('not-an-arn', describeNonArn(arn))
  const fields = arn.split(':')
  if (fields.length < 6) {
    return invalid('not-an-arn', `it has ${fields.length} of the 6 colon-separated fields arn:partition:service:region:account:resource`)
  }
  // Paths may contain ':' (IAM allows any printable ASCII), so the resource is everything after the 5th colon.
  const [, partition = '', service = '', region = '', accountId = ''] = fields
  const resource = fields.slice(5).join(':')
  if (!isPartition(partition)) return invalid('partition', `partition "${partition}" is not one of ${PARTITIONS.join(', ')}`)
  if (service !== 'iam' && service !== 'sts') return invalid('service', `service "${service}" is not iam`)
  if (region !== '') return invalid('region', `IAM ARNs have no region, found "${region}" (write ${service}::, two colons)`)
  if (!ACCOUNT_ID.test(accountId)) return invalid('account', `account "${accountId}" is not 12 digits`)
  const head = { arn, partition, accountId }
  return service === 'iam' ? parseIamResource(head, resource) : parseStsResource(head, resource)
}

interface ArnHead {
  readonly arn: string
  readonly partition: Partition
  readonly accountId: string
}

function parseIamResource(head: ArnHead, resource: string): Result<PrincipalArn, InvalidPrincipalArn> {
  const slash = resource.indexOf('/')
  const type = slash < 0 ? resource : resource.slice(0, slash)
  if (type !== 'role' && type !== 'user') {
    const what = type === 'root' ? ' (the account root)' : ''
    return invalid('resource-type', `resource type "${type}"${what} is not role or user`)
  }
  const segments = slash < 0 ? [] : resource.slice(slash + 1).split('/')
  const name = segments.pop() ?? ''
  if (name === '') return invalid('empty-name', `the ${type} name after "${type}/${segments.map((s) => `${s}/`).join('')}" is empty`)
  if (!IAM_NAME.test(name)) {
    return invalid('name', `${type} name "${visible(name)}" is not 1–64 of letters, digits and +=,.@_-`)
  }
  const pathProblem = checkPath(segments)
  if (pathProblem !== undefined) return invalid('path', pathProblem)
  const path = segments.length === 0 ? '/' : `/${segments.join('/')}/`
  const kind: PrincipalKind = type === 'role' && path.startsWith(SERVICE_LINKED_PATH) ? 'service-linked-role' : type
  return ok({ ...head, kind, path, name })
}

function checkPath(segments: readonly string[]): string | undefined {
  const bad = segments.find((s) => !PATH_SEGMENT.test(s))
  if (bad === '') return 'the path has an empty segment ("//")'
  if (bad !== undefined) return `path segment "${visible(bad)}" has characters IAM does not allow`
  // "." and ".." are legal characters but read as relative references: reject them as ambiguous.
  const relative = segments.find((s) => s === '.' || s === '..')
  if (relative !== undefined) return `path segment "${relative}" is a relative reference, not a directory name`
  if (segments.join('/').length + 2 > MAX_PATH) return `the path is longer than ${MAX_PATH} characters`
  return undefined
}

function parseStsResource(head: ArnHead, resource: string): Result<PrincipalArn, InvalidPrincipalArn> {
  const [type = '', ...rest] = resource.split('/')
  if (type === 'assumed-role') {
    // STS drops the role path: arn:aws:sts::ACCT:assumed-role/ROLE/SESSION
    const [name = '', sessionName = '', ...extra] = rest
    if (name === '') return invalid('empty-name', 'the role name after "assumed-role/" is empty')
    if (!IAM_NAME.test(name)) return invalid('name', `role name "${name}" is not 1–64 of letters, digits and +=,.@_-`)
    if (extra.length > 0 || !SESSION_NAME.test(sessionName)) {
      return invalid('name', `session name "${rest.slice(1).join('/')}" is not 2–64 of letters, digits and +=,.@_-`)
    }
    return ok({ ...head, kind: 'assumed-role', path: '/', name, sessionName })
  }
  if (type === 'federated-user') {
    const name = rest.join('/')
    if (name === '') return invalid('empty-name', 'the user name after "federated-user/" is empty')
    if (!SESSION_NAME.test(name)) return invalid('name', `federated user name "${name}" is not 2–64 of letters, digits and +=,.@_-`)
    return ok({ ...head, kind: 'federated-user', path: '/', name })
  }
  return invalid('resource-type', `resource type "${type}" is not role or user (and service "sts" names sessions, not principals)`)
}

function describeNonArn(value: string): string {
  if (value.trim() !== value) return 'it has leading or trailing whitespace'
  if (ACCOUNT_ID.test(value)) return 'it is an account ID, not an ARN'
  if (value === '') return 'it is empty'
  return 'it does not start with "arn:"'
}

/** Invisible and non-ASCII characters as \uXXXX, so a message shows a zero-width space; cut to 80 characters. */
function visible(s: string): string {
  const shown = s.replace(/[^\u0020-\u007E]/gu, (c) => `\\u{${(c.codePointAt(0) ?? 0).toString(16).toUpperCase()}}`)
  return shown.length <= 80 ? shown : `${shown.slice(0, 79)}…`
}

function isPartition(value: string): value is Partition {
  return (PARTITIONS as readonly string[]).includes(value)
}

function invalid(defect: ArnDefect, reason: string): { ok: false; error: InvalidPrincipalArn } {
  return err({ defect, reason })
}

/**
 * The IAM ARN of a role or user (`arn:P:iam::ACCT:role/path/name`). For an `assumed-role` session it is
 * the role's ARN *without* its path, which STS does not reveal — say so when you show it to a user.
 */
export function iamArnOf(principal: PrincipalArn, options: { readonly dropPath?: boolean } = {}): string {
  const type = principal.kind === 'user' || principal.kind === 'federated-user' ? 'user' : 'role'
  const path = options.dropPath === true || principal.kind === 'assumed-role' ? '/' : principal.path
  return `arn:${principal.partition}:iam::${principal.accountId}:${type}${path}${principal.name}`
}

/**
 * The username EKS sets on a STANDARD entry that names none (EKS-API.md §4, Types table):
 * a user gets its ARN, a role `arn:P:sts::ACCT:assumed-role/NAME/{{SessionName}}` — the role path dropped.
 * Undefined for kinds EKS does not accept.
 */
export function eksDefaultUsername(principal: PrincipalArn): string | undefined {
  switch (principal.kind) {
    case 'user':
      return principal.arn
    case 'role':
      return `arn:${principal.partition}:sts::${principal.accountId}:assumed-role/${principal.name}/{{SessionName}}`
    default:
      return undefined
  }
}

/** The account of an EKS cluster ARN (`arn:aws:eks:REGION:ACCOUNT:cluster/NAME`), if it is one. */
export function accountOfClusterArn(arn: string | undefined): string | undefined {
  const m = arn === undefined ? null : /^arn:[a-z-]+:eks:[a-z0-9-]+:([0-9]{12}):cluster\//.exec(arn)
  return m ? (m[1] as string) : undefined
}

/** The account of any ARN (5th field), or undefined. */
export function accountOfArn(arn: string): string | undefined {
  const account = arn.split(':')[4]
  return account !== undefined && /^\d{12}$/.test(account) ? account : undefined
}
