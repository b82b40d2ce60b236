import { afterEach, describe, expect, it } from 'vitest'
import { mockClient } from 'aws-sdk-client-mock'
import { AssumeRoleCommand, AssumeRoleWithWebIdentityCommand, STSClient, STSServiceException } from '@aws-sdk/client-sts'
import { assumeRole, assumeRoleWithWebIdentity, memoizeCredentials, toSessionName } from '../../src/aws/credentials.js'
import { AwsCallError } from '../../src/aws/port.js'

const sts = mockClient(STSClient)
afterEach(() => sts.reset())

const ROLE = 'arn:aws:iam::111122223333:role/eks-access-plan'
const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJyZXBvOmEvYiJ9.c2lnbmF0dXJl'
const expiration = new Date('2026-11-01T12:00:00Z')
const creds = { AccessKeyId: 'ASIAEXAMPLE', SecretAccessKey: 'secret', SessionToken: 'session', Expiration: expiration }

describe('credentials (aws-sdk-client-mock)', () => {
  it('AssumeRole sends the role and session and returns SDK credentials', async () => {
    sts.on(AssumeRoleCommand).resolves({ Credentials: creds })
    const c = await assumeRole(ROLE, {
      region: 'eu-west-1',
      sessionName: 'eks-access-gate',
      durationSeconds: 900,
      sourceCredentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    })
    expect(c).toEqual({ accessKeyId: 'ASIAEXAMPLE', secretAccessKey: 'secret', sessionToken: 'session', expiration })
    expect(sts.commandCalls(AssumeRoleCommand)[0]?.args[0].input).toEqual({
      RoleArn: ROLE,
      RoleSessionName: 'eks-access-gate',
      DurationSeconds: 900,
    })
  })

  it('AssumeRoleWithWebIdentity sends the token', async () => {
    sts.on(AssumeRoleWithWebIdentityCommand).resolves({ Credentials: creds })
    await assumeRoleWithWebIdentity(ROLE, { region: 'eu-west-1', token: TOKEN, sessionName: 'gha' })
    expect(sts.commandCalls(AssumeRoleWithWebIdentityCommand)[0]?.args[0].input).toEqual({
      RoleArn: ROLE,
      RoleSessionName: 'gha',
      WebIdentityToken: TOKEN,
    })
  })

  it('re-throws with context and never includes the token', async () => {
    sts.on(AssumeRoleWithWebIdentityCommand).rejects(
      new STSServiceException({
        name: 'AccessDenied',
        $fault: 'client',
        message: `Not authorized (token ${TOKEN})`,
        $metadata: { httpStatusCode: 403 },
      }),
    )
    const e = await assumeRoleWithWebIdentity(ROLE, { region: 'eu-west-1', token: TOKEN, sessionName: 'gha' }).catch((x: unknown) => x)
    expect(e).toBeInstanceOf(AwsCallError)
    expect(e).toMatchObject({ operation: 'AssumeRoleWithWebIdentity', code: 'AccessDenied', status: 403 })
    expect((e as Error).message).toBe(`Could not assume role ${ROLE} with OIDC: AccessDenied: Not authorized (token ***)`)
  })

  it('AssumeRole failures carry the role', async () => {
    sts.on(AssumeRoleCommand).rejects(new STSServiceException({ name: 'AccessDenied', $fault: 'client', message: 'nope', $metadata: {} }))
    await expect(assumeRole(ROLE, { region: 'eu-west-1', sessionName: 's1' })).rejects.toThrow(
      `Could not assume role ${ROLE}: AccessDenied: nope`,
    )
  })

  it('a response without credentials is an error, not undefined keys', async () => {
    sts.on(AssumeRoleCommand).resolves({})
    await expect(assumeRole(ROLE, { region: 'eu-west-1', sessionName: 's1' })).rejects.toMatchObject({ code: 'MissingCredentials' })
  })

  it('memoizeCredentials fetches once, refreshes near expiry, and does not cache failures', async () => {
    let t = 0
    let n = 0
    let fail = true
    const provider = memoizeCredentials(
      async () => {
        n++
        if (fail) throw new Error('boom')
        return { accessKeyId: `k${n}`, secretAccessKey: 's', expiration: new Date(10 * 60_000) }
      },
      { now: () => t },
    )
    await expect(provider()).rejects.toThrow('boom')
    fail = false
    expect((await provider()).accessKeyId).toBe('k2')
    expect((await provider()).accessKeyId).toBe('k2')
    t = 6 * 60_000 // within 5 minutes of expiry
    expect((await provider()).accessKeyId).toBe('k3')
  })

  it.each([
    ['eks-access-gate', 'eks-access-gate'],
    ['repo:acme/infra run 1', 'repo-acme-infra-run-1'],
    ['x', 'x-'],
    ['a'.repeat(80), 'a'.repeat(64)],
  ])('toSessionName(%s) = %s', (input, expected) => {
    expect(toSessionName(input)).toBe(expected)
  })
})
