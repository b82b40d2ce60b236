import { afterEach, describe, expect, it } from 'vitest'
import { mockClient } from 'aws-sdk-client-mock'
import { AssumeRoleCommand, AssumeRoleWithWebIdentityCommand, STSClient, STSServiceException } from '@aws-sdk/client-sts'
import { createCredentialsFor, jwtClaims, sessionNameFor, stsEndpoint } from '../../src/aws/credentials.js'

const sts = mockClient(STSClient)
afterEach(() => sts.reset())

const ROLE_A = 'arn:aws:iam::111122223333:role/plan-a'
const ROLE_B = 'arn:aws:iam::111122223333:role/plan-b'
const b64 = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url')
const TOKEN = `${b64({ alg: 'RS256' })}.${b64({ sub: 'repo:acme/infra:pull_request', aud: 'sts.amazonaws.com' })}.c2ln`
const creds = {
  AccessKeyId: 'ASIAEXAMPLE',
  SecretAccessKey: 'secret-key',
  SessionToken: 'session-token',
  Expiration: new Date('2099-01-01T00:00:00Z'),
}
const env = { GITHUB_REPOSITORY: 'acme/infra', GITHUB_RUN_ID: '123456' }

describe('createCredentialsFor', () => {
  it('ambient: always the default chain', () => {
    expect(createCredentialsFor({ kind: 'ambient' }, { purpose: 'plan', env })(ROLE_A, 'eu-west-1')).toBeUndefined()
  })

  it('no role: the default chain, whatever the strategy', () => {
    expect(createCredentialsFor({ kind: 'assume-role' }, { purpose: 'plan', env })(undefined, 'eu-west-1')).toBeUndefined()
  })

  it('assume-role: each role once, concurrent callers share the call', async () => {
    sts.on(AssumeRoleCommand).resolves({ Credentials: creds })
    const credentialsFor = createCredentialsFor({ kind: 'assume-role' }, { purpose: 'plan', env })
    const a1 = credentialsFor(ROLE_A, 'eu-west-1')
    const a2 = credentialsFor(ROLE_A, 'us-east-1')
    const b = credentialsFor(ROLE_B, 'eu-west-1')
    expect(a1).toBe(a2)
    await Promise.all([a1?.(), a1?.(), a2?.(), b?.()])
    expect(sts.commandCalls(AssumeRoleCommand).map((c) => c.args[0].input.RoleArn)).toEqual([ROLE_A, ROLE_B])
    expect(sts.commandCalls(AssumeRoleCommand)[0]?.args[0].input.RoleSessionName).toBe('eks-access-gate-plan-acme-infra-123456')
  })

  it('web identity: asks for the token with the audience, masks token and keys, returns the credentials', async () => {
    sts.on(AssumeRoleWithWebIdentityCommand).resolves({ Credentials: creds })
    const secrets: string[] = []
    const audiences: string[] = []
    const credentialsFor = createCredentialsFor(
      { kind: 'web-identity', audience: 'sts.amazonaws.com', getIdToken: async (aud) => (audiences.push(aud), TOKEN) },
      { purpose: 'apply', env, onSecret: (s) => secrets.push(s) },
    )
    const c = await credentialsFor(ROLE_A, 'eu-west-1')?.()
    expect(c?.accessKeyId).toBe('ASIAEXAMPLE')
    expect(audiences).toEqual(['sts.amazonaws.com'])
    expect(secrets).toEqual([TOKEN, 'secret-key', 'session-token'])
    expect(sts.commandCalls(AssumeRoleWithWebIdentityCommand)[0]?.args[0].input).toMatchObject({
      RoleArn: ROLE_A,
      WebIdentityToken: TOKEN,
      RoleSessionName: 'eks-access-gate-apply-acme-infra-123456',
    })
  })

  it('web identity: a refusal names the role, the token sub and aud, and what the trust policy must allow; never the token', async () => {
    sts.on(AssumeRoleWithWebIdentityCommand).rejects(
      new STSServiceException({
        name: 'AccessDenied',
        $fault: 'client',
        $metadata: {},
        message: 'Not authorized to perform sts:AssumeRoleWithWebIdentity',
      }),
    )
    const credentialsFor = createCredentialsFor(
      { kind: 'web-identity', audience: 'sts.amazonaws.com', getIdToken: async () => TOKEN },
      { purpose: 'plan', env },
    )
    const error = await credentialsFor(ROLE_A, 'eu-west-1')?.().catch((e: unknown) => e)
    const message = error instanceof Error ? error.message : ''
    expect(message).toContain(ROLE_A)
    expect(message).toContain('sub is "repo:acme/infra:pull_request"')
    expect(message).toContain('aud is "sts.amazonaws.com"')
    expect(message).toContain('trust policy')
    expect(message).not.toContain(TOKEN)
  })
})

describe('STS endpoint, session name, JWT claims', () => {
  it.each([
    ['eu-west-1', {}, 'https://sts.eu-west-1.amazonaws.com'],
    ['cn-north-1', {}, 'https://sts.cn-north-1.amazonaws.com.cn'],
    ['us-gov-west-1', {}, 'https://sts.us-gov-west-1.amazonaws.com'],
    ['eu-west-1', { AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:4566' }, undefined],
  ])('%s %j → %s', (region, e, expected) => {
    expect(stsEndpoint(region, e)).toBe(expected)
  })

  it('keeps the session name within 2–64 characters of [\\w+=,.@-]', () => {
    const name = sessionNameFor('plan', { GITHUB_REPOSITORY: `acme/${'x'.repeat(100)}`, GITHUB_RUN_ID: '1' })
    expect(name).toMatch(/^[\w+=,.@-]{2,64}$/)
    expect(name.endsWith('-1')).toBe(true)
    expect(sessionNameFor('plan', {})).toBe('eks-access-gate-plan')
  })

  it('decodes a JWT payload without verifying, and survives garbage', () => {
    expect(jwtClaims(TOKEN)).toEqual({ sub: 'repo:acme/infra:pull_request', aud: 'sts.amazonaws.com' })
    expect(jwtClaims('garbage')).toEqual({})
  })
})
