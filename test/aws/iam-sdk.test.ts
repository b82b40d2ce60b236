import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createIamApi, createIamApiFactory } from '../../src/aws/iam-sdk.js'
import { AwsCallError } from '../../src/aws/port.js'
import { startFakeIam, type FakeIam } from '../fake-aws/iam.js'

/**
 * The IAM adapter through the real @aws-sdk/client-iam against the local fake IAM (query
 * protocol, XML, NoSuchEntity 404), via the client's `endpoint` and via AWS_ENDPOINT_URL_IAM.
 */
const ACCOUNT = '111122223333'
const OTHER = '444455556666'
// The fake reads the account from characters 5–16 of the access key (test/fake-aws/auth.ts).
const credentials = (account: string) => ({ accessKeyId: `AKIA${account}TEST`, secretAccessKey: 'secret' })

let iam: FakeIam
beforeAll(async () => {
  iam = await startFakeIam({
    principals: [
      { arn: `arn:aws:iam::${ACCOUNT}:role/teams/dev`, createDate: '2025-01-02T03:04:05Z' },
      { arn: `arn:aws:iam::${ACCOUNT}:user/alice`, createDate: '2024-06-01T00:00:00Z' },
      { arn: `arn:aws:iam::${OTHER}:role/dev`, createDate: '2020-01-01T00:00:00Z' },
    ],
  })
})
afterAll(() => iam.close())
beforeEach(() => void (iam.state.calls.length = 0))

const api = (account = ACCOUNT) => createIamApi({ endpoint: iam.url, credentials: credentials(account) })

describe('iam-sdk against the fake IAM', () => {
  it('GetRole by the last path segment: exists, with CreateDate and ARN', async () => {
    await expect(api().getPrincipal(`arn:aws:iam::${ACCOUNT}:role/teams/dev`)).resolves.toEqual({
      exists: true,
      createDate: new Date('2025-01-02T03:04:05Z'),
      arn: `arn:aws:iam::${ACCOUNT}:role/teams/dev`,
    })
    expect(iam.state.calls).toEqual([{ operation: 'GetRole', account: ACCOUNT, name: 'dev', status: 200 }])
  })

  it('GetUser for a user ARN', async () => {
    await expect(api().getPrincipal(`arn:aws:iam::${ACCOUNT}:user/alice`)).resolves.toMatchObject({
      exists: true,
      createDate: new Date('2024-06-01T00:00:00Z'),
    })
    expect(iam.state.calls.map((c) => c.operation)).toEqual(['GetUser'])
  })

  it('NoSuchEntity (404) is exists: false, for roles and users', async () => {
    await expect(api().getPrincipal(`arn:aws:iam::${ACCOUNT}:role/gone`)).resolves.toEqual({ exists: false })
    await expect(api().getPrincipal(`arn:aws:iam::${ACCOUNT}:user/bob`)).resolves.toEqual({ exists: false })
    expect(iam.state.calls.map((c) => c.status)).toEqual([404, 404])
  })

  it('reads the signing account only', async () => {
    await expect(api(OTHER).getPrincipal(`arn:aws:iam::${OTHER}:role/dev`)).resolves.toMatchObject({ exists: true })
    await expect(api(OTHER).getPrincipal(`arn:aws:iam::${OTHER}:role/teams/dev`)).resolves.toMatchObject({
      exists: true,
      arn: `arn:aws:iam::${OTHER}:role/dev`,
    })
  })

  it('a recreated principal has a new CreateDate', async () => {
    iam.state.recreate(`arn:aws:iam::${ACCOUNT}:user/alice`, '2026-11-01T00:00:00Z')
    await expect(api().getPrincipal(`arn:aws:iam::${ACCOUNT}:user/alice`)).resolves.toMatchObject({
      createDate: new Date('2026-11-01T00:00:00Z'),
    })
  })

  it('other errors throw AwsCallError with the code; non-IAM ARNs are refused without a call', async () => {
    const unsigned = createIamApi({ endpoint: iam.url, credentials: { accessKeyId: '', secretAccessKey: '' } })
    await expect(unsigned.getPrincipal(`arn:aws:iam::${ACCOUNT}:role/x`)).rejects.toBeInstanceOf(AwsCallError)
    iam.state.calls.length = 0
    await expect(api().getPrincipal(`arn:aws:sts::${ACCOUNT}:assumed-role/x/y`)).rejects.toMatchObject({ code: 'UnsupportedPrincipal' })
    expect(iam.state.calls).toEqual([])
  })

  it('honours AWS_ENDPOINT_URL_IAM', async () => {
    const before = process.env.AWS_ENDPOINT_URL_IAM
    process.env.AWS_ENDPOINT_URL_IAM = iam.url
    try {
      const factory = createIamApiFactory({ credentialsFor: () => credentials(ACCOUNT) })
      await expect(factory({ accountId: ACCOUNT, partition: 'aws' }).getPrincipal(`arn:aws:iam::${ACCOUNT}:role/gone`)).resolves.toEqual({
        exists: false,
      })
      expect(iam.state.calls).toHaveLength(1)
    } finally {
      if (before === undefined) delete process.env.AWS_ENDPOINT_URL_IAM
      else process.env.AWS_ENDPOINT_URL_IAM = before
    }
  })
})
