/**
 * Who is calling: the fake reads the SigV4 `Authorization` header's credential scope
 * (`Credential=AKID/DATE/REGION/SERVICE/aws4_request`). Signatures are not verified.
 *
 * Access key → account:
 *   1. keys the fake STS issued map to the account of the assumed role;
 *   2. otherwise a key whose characters 5–16 are twelve digits (`AKIA111122223333XXXX`) means that account,
 *      so tests can act as several accounts with static keys;
 *   3. otherwise (e.g. `AKIAIOSFODNN7EXAMPLE`) the fake's default account.
 */
export interface Caller {
  readonly accessKeyId?: string
  readonly accountId: string
  readonly region: string
  readonly service?: string
  readonly signed: boolean
}

const CREDENTIAL = /Credential=([^/\s,]+)\/(\d{8})\/([^/\s,]+)\/([^/\s,]+)\/aws4_request/

export function parseCredentialScope(
  authorization: string | undefined,
): { accessKeyId: string; region: string; service: string } | undefined {
  if (!authorization?.startsWith('AWS4-HMAC-SHA256')) return undefined
  const m = CREDENTIAL.exec(authorization)
  if (!m) return undefined
  return { accessKeyId: m[1] as string, region: m[3] as string, service: m[4] as string }
}

export function accountOfAccessKey(
  accessKeyId: string,
  issued: ReadonlyMap<string, { accountId: string }>,
  defaultAccountId: string,
): string {
  const session = issued.get(accessKeyId)
  if (session) return session.accountId
  const embedded = /^[A-Z]{4}(\d{12})/.exec(accessKeyId)
  return embedded ? (embedded[1] as string) : defaultAccountId
}

export function identifyCaller(
  authorization: string | undefined,
  issued: ReadonlyMap<string, { accountId: string }>,
  defaults: { accountId: string; region: string },
): Caller {
  const scope = parseCredentialScope(authorization)
  if (!scope) return { accountId: defaults.accountId, region: defaults.region, signed: false }
  return {
    accessKeyId: scope.accessKeyId,
    accountId: accountOfAccessKey(scope.accessKeyId, issued, defaults.accountId),
    region: scope.region,
    service: scope.service,
    signed: true,
  }
}
