import { randomBytes, randomUUID } from 'node:crypto'

/**
 * The runner's OIDC id token, shaped like GitHub's: a three-part JWT (base64url header, payload,
 * signature) with GitHub's claims. The signature is random bytes and CANNOT be verified: the fake
 * STS (test/fake-aws/sts.ts, `decodeJwtClaims`) reads the claims without verifying, as its README
 * says. `aud` is a string, `exp` is in seconds, as STS expects.
 */
export interface IdTokenClaims {
  readonly iss: string
  readonly aud: string
  readonly sub: string
  readonly iat: number
  readonly nbf: number
  readonly exp: number
  readonly jti: string
  readonly repository: string
  readonly repository_owner: string
  readonly ref: string
  readonly event_name: string
  readonly run_id: string
  readonly [claim: string]: unknown
}

export const ISSUER = 'https://token.actions.githubusercontent.com'

export function fakeIdToken(input: { repository: string; audience: string; now: number; overrides: Partial<IdTokenClaims> }): {
  jwt: string
  claims: IdTokenClaims
} {
  const iat = Math.floor(input.now / 1000)
  const claims: IdTokenClaims = {
    jti: randomUUID(),
    sub: `repo:${input.repository}:pull_request`,
    repository: input.repository,
    repository_owner: input.repository.split('/')[0] ?? '',
    ref: 'refs/pull/1/merge',
    event_name: 'pull_request',
    run_id: '1',
    iss: ISSUER,
    nbf: iat - 5,
    iat,
    // Real tokens live about 5 minutes; an hour keeps slow CI machines away from expiry.
    exp: iat + 3600,
    // Tests may override any claim (an expired `exp`, another `iss`) except `aud`, which is requested.
    ...input.overrides,
    aud: input.audience,
  }
  const part = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url')
  const jwt = `${part({ typ: 'JWT', alg: 'RS256', x5t: 'fake', kid: 'fake' })}.${part(claims)}.${randomBytes(64).toString('base64url')}`
  return { jwt, claims }
}
