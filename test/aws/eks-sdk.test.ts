import { afterEach, describe, expect, it } from 'vitest'
import { mockClient } from 'aws-sdk-client-mock'
import {
  AssociateAccessPolicyCommand,
  CreateAccessEntryCommand,
  DescribeAccessEntryCommand,
  DescribeClusterCommand,
  EKSClient,
  EKSServiceException,
  ListAccessEntriesCommand,
  ListAccessPoliciesCommand,
  ListAssociatedAccessPoliciesCommand,
  ResourceNotFoundException,
  UpdateAccessEntryCommand,
  UpdateClusterConfigCommand,
} from '@aws-sdk/client-eks'
import { createEksApi, createEksApiFactory, createEksMetrics, toAwsCallError } from '../../src/aws/eks-sdk.js'
import { AwsCallError } from '../../src/aws/port.js'
import { createLimiterRegistry } from '../../src/aws/pacer.js'
import { instantSleep } from './helpers.js'

const eks = mockClient(EKSClient)
afterEach(() => eks.reset())

const api = () =>
  createEksApi({
    region: 'eu-west-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 's' },
  })
const meta = (attempts = 1) => ({ $metadata: { attempts } })
const P = 'arn:aws:iam::111122223333:role/x'

describe('eks-sdk adapter (aws-sdk-client-mock)', () => {
  it('follows nextToken through every page of ListAccessEntries', async () => {
    eks
      .on(ListAccessEntriesCommand, { clusterName: 'prod' })
      .resolvesOnce({ accessEntries: ['a', 'b'], nextToken: 't1', ...meta() })
      .resolvesOnce({ accessEntries: ['c'], nextToken: 't2', ...meta() })
      .resolvesOnce({ accessEntries: ['d'], ...meta() })
    expect(await api().listAccessEntries('prod')).toEqual(['a', 'b', 'c', 'd'])
    const inputs = eks.commandCalls(ListAccessEntriesCommand).map((c) => c.args[0].input)
    expect(inputs).toEqual([{ clusterName: 'prod' }, { clusterName: 'prod', nextToken: 't1' }, { clusterName: 'prod', nextToken: 't2' }])
  })

  it('pages ListAssociatedAccessPolicies and ListAccessPolicies too; namespaces sorted and de-duplicated', async () => {
    eks
      .on(ListAssociatedAccessPoliciesCommand)
      .resolvesOnce({
        associatedAccessPolicies: [
          {
            policyArn: 'p1',
            accessScope: { type: 'namespace', namespaces: ['b', 'a', 'b'] },
          },
        ],
        nextToken: 'n',
        ...meta(),
      })
      .resolvesOnce({
        associatedAccessPolicies: [{ policyArn: 'p2', accessScope: { type: 'cluster' } }],
        ...meta(),
      })
    eks
      .on(ListAccessPoliciesCommand)
      .resolvesOnce({
        accessPolicies: [{ name: 'A', arn: 'arn:a' }],
        nextToken: 'n',
        ...meta(),
      })
      .resolvesOnce({
        accessPolicies: [{ name: 'B', arn: 'arn:b' }],
        ...meta(),
      })
    expect(await api().listAssociatedAccessPolicies('prod', P)).toEqual([
      {
        policyArn: 'p1',
        accessScope: { type: 'namespace', namespaces: ['a', 'b'] },
      },
      { policyArn: 'p2', accessScope: { type: 'cluster', namespaces: [] } },
    ])
    expect(await api().listAccessPolicies()).toEqual([
      { name: 'A', arn: 'arn:a' },
      { name: 'B', arn: 'arn:b' },
    ])
    expect(eks.commandCalls(ListAssociatedAccessPoliciesCommand)[1]?.args[0].input).toEqual({
      clusterName: 'prod',
      principalArn: P,
      nextToken: 'n',
    })
  })

  it('reads the authentication mode; a cluster without accessConfig is CONFIG_MAP', async () => {
    eks.on(DescribeClusterCommand, { name: 'new' }).resolves({
      cluster: { name: 'new', accessConfig: { authenticationMode: 'API' } },
      ...meta(),
    })
    eks.on(DescribeClusterCommand, { name: 'old' }).resolves({ cluster: { name: 'old' }, ...meta() })
    expect((await api().describeCluster('new')).authenticationMode).toBe('API')
    expect((await api().describeCluster('old')).authenticationMode).toBe('CONFIG_MAP')
  })

  // A mode this release does not know (AWS adds one) must not be reported as CONFIG_MAP: that
  // would tell the user to switch a cluster that already has access entries on.
  it('refuses an authentication mode it does not know, naming it', async () => {
    eks.on(DescribeClusterCommand).resolves({
      cluster: {
        name: 'future',
        accessConfig: { authenticationMode: 'API_V2' as never },
      },
      ...meta(),
    })
    const failed = api().describeCluster('future')
    await expect(failed).rejects.toBeInstanceOf(AwsCallError)
    await expect(failed).rejects.toMatchObject({
      operation: 'DescribeCluster',
      code: 'UnknownAuthenticationMode',
      message: expect.stringContaining('API_V2'),
    })
  })

  it('maps DescribeAccessEntry without inventing absent members', async () => {
    eks.on(DescribeAccessEntryCommand).resolves({
      accessEntry: {
        principalArn: P,
        type: 'EC2_LINUX',
        kubernetesGroups: ['system:nodes'],
      },
      ...meta(),
    })
    expect(await api().describeAccessEntry('prod', P)).toEqual({
      principalArn: P,
      type: 'EC2_LINUX',
      kubernetesGroups: ['system:nodes'],
      tags: {},
    })
  })

  it('sends what each write needs: both fields on update, no empty groups/tags on create, scope by type', async () => {
    eks.on(CreateAccessEntryCommand).resolves(meta())
    eks.on(UpdateAccessEntryCommand).resolves(meta())
    eks.on(AssociateAccessPolicyCommand).resolves(meta())
    eks.on(UpdateClusterConfigCommand).resolves({ update: { id: 'u-1' }, ...meta() })
    const a = api()
    await a.createAccessEntry('prod', {
      principalArn: P,
      type: 'EC2_LINUX',
      kubernetesGroups: [],
      tags: {},
    })
    await a.updateAccessEntry('prod', P, { kubernetesGroups: [] })
    await a.associateAccessPolicy('prod', P, 'pol', {
      type: 'cluster',
      namespaces: [],
    })
    expect(await a.updateAuthenticationMode('prod', 'API')).toEqual({
      updateId: 'u-1',
    })
    expect(eks.commandCalls(CreateAccessEntryCommand)[0]?.args[0].input).toEqual({
      clusterName: 'prod',
      principalArn: P,
      type: 'EC2_LINUX',
    })
    expect(eks.commandCalls(UpdateAccessEntryCommand)[0]?.args[0].input).toEqual({
      clusterName: 'prod',
      principalArn: P,
      kubernetesGroups: [],
    })
    expect(eks.commandCalls(AssociateAccessPolicyCommand)[0]?.args[0].input).toEqual({
      clusterName: 'prod',
      principalArn: P,
      policyArn: 'pol',
      accessScope: { type: 'cluster' },
    })
    expect(eks.commandCalls(UpdateClusterConfigCommand)[0]?.args[0].input).toEqual({
      name: 'prod',
      accessConfig: { authenticationMode: 'API' },
    })
  })

  it.each([
    [
      new ResourceNotFoundException({
        message: 'No cluster found for name: x.',
        $metadata: { httpStatusCode: 404 },
      }),
      'ResourceNotFoundException',
      404,
    ],
    [
      new EKSServiceException({
        name: 'AccessDeniedException',
        $fault: 'client',
        message: 'denied',
        $metadata: { httpStatusCode: 403 },
      }),
      'AccessDeniedException',
      403,
    ],
    [
      Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }),
      'CredentialsProviderError',
      undefined,
    ],
  ])('maps %s to AwsCallError(operation, code = name, message, status)', async (error, code, status) => {
    eks.on(DescribeClusterCommand).rejects(error)
    const e = await api()
      .describeCluster('x')
      .catch((x: unknown) => x)
    expect(e).toBeInstanceOf(AwsCallError)
    expect(e).toMatchObject({
      operation: 'DescribeCluster',
      code,
      message: (error as Error).message,
      status,
    })
  })

  it('counts every attempt, the retries among them and the throttled answers', async () => {
    const metrics = createEksMetrics()
    const throttle = () =>
      new EKSServiceException({
        name: 'ThrottlingException',
        $fault: 'client',
        message: 'Rate exceeded',
        $metadata: { httpStatusCode: 429 },
      })
    eks
      .on(DescribeClusterCommand, { name: 'a' })
      .rejectsOnce(throttle())
      .rejectsOnce(throttle())
      .resolves({ cluster: { name: 'a' }, ...meta() })
    eks.on(DescribeClusterCommand, { name: 'b' }).rejects(
      new ResourceNotFoundException({
        message: 'x',
        $metadata: { attempts: 1 },
      }),
    )
    const a = createEksApi({
      region: 'eu-west-1',
      credentials: { accessKeyId: 'k', secretAccessKey: 's' },
      metrics,
      sleep: instantSleep,
    })
    await a.describeCluster('a')
    await a.describeCluster('b').catch(() => undefined)
    expect(metrics).toEqual({ calls: 4, retries: 2, throttled: 2 })
  })

  it('the factory paces every client of one account and region through the registry (every role)', () => {
    const asked: string[] = []
    const inner = createLimiterRegistry()
    const limiters = {
      limiterFor: (account: string, region: string) => (asked.push(`${account}|${region}`), inner.limiterFor(account, region)),
    }
    const f = createEksApiFactory({
      credentialsFor: () => ({ accessKeyId: 'k', secretAccessKey: 's' }),
      limiters,
    })
    const t = {
      key: 'a',
      name: 'a',
      region: 'eu-west-1',
      accountId: '111122223333',
    }
    f(t)
    f({ ...t, roleArn: 'arn:aws:iam::111122223333:role/plan' })
    f({ ...t, region: 'us-east-1' })
    expect(asked).toEqual(['111122223333|eu-west-1', '111122223333|eu-west-1', '111122223333|us-east-1'])
    expect(inner.limiterFor('111122223333', 'eu-west-1')).toBe(inner.limiterFor('111122223333', 'eu-west-1'))
  })

  it.each([
    {
      what: 'the same token twice',
      pages: ['t1', 't2', 't1'],
      code: 'RepeatedNextToken',
      calls: 3,
    },
    {
      what: 'more pages than the cap',
      pages: ['t1', 't2', 't3', 't4', 't5'],
      code: 'TooManyPages',
      calls: 3,
    },
  ])('a paging loop that sees $what stops with an error', async ({ pages, code, calls }) => {
    let n = 0
    eks.on(ListAccessEntriesCommand).callsFake(() => ({ accessEntries: [P], nextToken: pages[n++] }))
    const a = createEksApi({
      region: 'eu-west-1',
      credentials: { accessKeyId: 'k', secretAccessKey: 's' },
      maxPages: 3,
    })
    await expect(a.listAccessEntries('prod')).rejects.toMatchObject({
      operation: 'ListAccessEntries',
      code,
    })
    expect(eks.commandCalls(ListAccessEntriesCommand)).toHaveLength(calls)
  })

  it('keeps an AwsCallError (e.g. from an AssumeRole credential provider) as it is', () => {
    const original = new AwsCallError('AssumeRole', 'AccessDenied', 'Could not assume role …', 403)
    expect(toAwsCallError('DescribeCluster', original)).toBe(original)
    expect(toAwsCallError('X', 'weird')).toMatchObject({
      code: 'Error',
      message: 'weird',
    })
  })
})
