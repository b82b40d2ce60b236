import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createIamApi } from '../../src/aws/iam-sdk.js'
import { startFakeAws, type FakeAws } from '../fake-aws/index.js'

/** The IAM hook of the shared fake server: IAM (Version=2010-05-08) and STS share `POST /`. */
let fake: FakeAws
beforeAll(async () => {
  fake = await startFakeAws()
  fake.iam.seed({ arn: 'arn:aws:iam::111122223333:role/dev', createDate: '2025-05-05T05:05:05Z' })
})
afterAll(() => fake.close())

describe('fake-aws server: IAM behind the same port', () => {
  it('answers GetRole and NoSuchEntity through the real client-iam', async () => {
    const api = createIamApi({
      endpoint: fake.url,
      credentials: { accessKeyId: 'AKIA111122223333TEST', secretAccessKey: 's' },
    })
    await expect(api.getPrincipal('arn:aws:iam::111122223333:role/dev')).resolves.toMatchObject({
      exists: true,
      createDate: new Date('2025-05-05T05:05:05Z'),
    })
    await expect(api.getPrincipal('arn:aws:iam::111122223333:role/nope')).resolves.toEqual({ exists: false })
    expect(fake.iam.calls.map((c) => [c.operation, c.status])).toEqual([
      ['GetRole', 200],
      ['GetRole', 404],
    ])
  })
})
