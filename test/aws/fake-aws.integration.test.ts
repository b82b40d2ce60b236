import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { startFakeAws, EKS_MESSAGES, type FakeAws, type SeedEntry } from '../fake-aws/index.js'
import { createEksApi, createEksApiFactory, createEksClient, createEksMetrics } from '../../src/aws/eks-sdk.js'
import { assumeRole, assumeRoleWithWebIdentity } from '../../src/aws/credentials.js'
import { readLiveState } from '../../src/aws/read-state.js'
import { AwsCallError, type ClusterTarget } from '../../src/aws/port.js'
import { DescribeClusterCommand } from '@aws-sdk/client-eks'
import { apiAgainst, keysFor, noWaitOptions, roleArn, unsignedJwt } from './helpers.js'

const A = '111122223333'
const B = '444455556666'
const VIEW = 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy'
const EDIT = 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy'
const ADMIN = 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy'

function manyEntries(n: number, account = A): SeedEntry[] {
  return Array.from({ length: n }, (_, i) => ({
    principalArn: roleArn(account, `r${String(i).padStart(4, '0')}`),
    accessPolicies: [{ policyArn: VIEW, accessScope: { type: 'cluster' } }],
  }))
}

let fake: FakeAws | undefined
afterEach(async () => {
  await fake?.close()
  fake = undefined
  vi.unstubAllEnvs()
})

describe('real SDK against the fake: reads', () => {
  it('pages ListAccessEntries over more than 100 entries (100 per page by default)', async () => {
    fake = await startFakeAws({
      clusters: [{ name: 'big', region: 'eu-west-1', entries: manyEntries(250) }],
    })
    const principals = await apiAgainst(fake).listAccessEntries('big')
    expect(principals).toHaveLength(250)
    expect(new Set(principals).size).toBe(250)
    expect(fake.stats().byOperation['ListAccessEntries']).toBe(3)
  })

  it('honours AWS_ENDPOINT_URL_EKS when no endpoint is given', async () => {
    fake = await startFakeAws({
      clusters: [{ name: 'prod', region: 'eu-west-1' }],
    })
    vi.stubEnv('AWS_ENDPOINT_URL_EKS', fake.url)
    const api = createEksApi({ region: 'eu-west-1', credentials: keysFor(A) })
    await expect(api.describeCluster('prod')).resolves.toMatchObject({
      name: 'prod',
      authenticationMode: 'API_AND_CONFIG_MAP',
    })
    expect(fake.calls).toHaveLength(1)
  })

  it('makes a single SDK attempt per request (our loop retries), with connection and request timeouts', async () => {
    const client = createEksClient({
      region: 'eu-west-1',
      credentials: keysFor(A),
    })
    expect(await client.config.maxAttempts()).toBe(1)
    const handler = client.config.requestHandler as {
      configProvider?: Promise<Record<string, unknown>>
    }
    await expect(handler.configProvider).resolves.toMatchObject({
      connectionTimeout: 5000,
      requestTimeout: 20000,
      throwOnRequestTimeout: true,
    })
  })

  it('decodes percent-encoded path labels per segment (role path with / and :)', async () => {
    const principal = roleArn(A, 'teams/platform/admin')
    fake = await startFakeAws({
      clusters: [
        {
          name: 'prod',
          region: 'eu-west-1',
          entries: [{ principalArn: principal }],
        },
      ],
    })
    const entry = await apiAgainst(fake).describeAccessEntry('prod', principal)
    expect(entry.principalArn).toBe(principal)
    expect(entry.accessEntryArn).toMatch(new RegExp(`^arn:aws:eks:eu-west-1:${A}:access-entry/prod/role/${A}/admin/[0-9a-f-]{36}$`))
  })

  it.each([
    ['ThrottlingException', 429],
    ['TooManyRequestsException', 429],
    ['ServerException', 500],
    ['ServiceUnavailableException', 503],
  ])('retries %s (%i) and succeeds; metrics count the retry', async (code, status) => {
    fake = await startFakeAws({
      clusters: [{ name: 'prod', region: 'eu-west-1' }],
    })
    fake.forceError({
      cluster: 'prod',
      operation: 'DescribeCluster',
      status,
      code,
      message: 'try again',
      times: 1,
    })
    const metrics = createEksMetrics()
    await expect(apiAgainst(fake, { metrics }).describeCluster('prod')).resolves.toMatchObject({ name: 'prod' })
    expect(metrics).toMatchObject({ calls: 2, retries: 1 })
  })

  it.each([
    ['AccessDeniedException', 403],
    ['ResourceNotFoundException', 404],
    ['InvalidParameterException', 400],
  ])('does not retry %s (%i)', async (code, status) => {
    fake = await startFakeAws({
      clusters: [{ name: 'prod', region: 'eu-west-1' }],
    })
    fake.forceError({ cluster: 'prod', status, code, message: 'no' })
    const metrics = createEksMetrics()
    const e = await apiAgainst(fake, { metrics })
      .describeCluster('prod')
      .catch((x: unknown) => x)
    expect(e).toBeInstanceOf(AwsCallError)
    expect(e).toMatchObject({
      operation: 'DescribeCluster',
      code,
      status,
      message: 'no',
    })
    expect(metrics).toMatchObject({ calls: 1, retries: 0 })
  })

  it.each([
    {
      what: 'a per-account token bucket',
      fakeOptions: { ratePerSecondPerAccount: 300, burst: 1 },
      forced: 0,
    },
    {
      what: '200 forced 429s (more than any SDK retry quota allows)',
      fakeOptions: {},
      forced: 200,
    },
  ])('recovers from throttling by $what: every read made once, retries equal throttles', async ({ fakeOptions, forced }) => {
    fake = await startFakeAws({
      ...fakeOptions,
      clusters: [{ name: 'prod', region: 'eu-west-1', entries: manyEntries(30) }],
    })
    if (forced > 0)
      fake.forceError({
        status: 429,
        code: 'ThrottlingException',
        message: 'Rate exceeded',
        times: forced,
      })
    const metrics = createEksMetrics()
    const factory = createEksApiFactory({
      endpoint: fake.url,
      credentialsFor: () => keysFor(A),
      ...noWaitOptions(),
      metrics,
    })
    const target: ClusterTarget = {
      key: 'prod',
      name: 'prod',
      region: 'eu-west-1',
      accountId: A,
    }
    const state = await readLiveState([target], factory, {
      concurrency: 10,
      clusterTimeoutMs: Number.POSITIVE_INFINITY,
    })
    const prod = state.clusters.get('prod')
    expect(prod?.ok && prod.value.entries).toHaveLength(30)
    const stats = fake.stats()
    if (forced > 0) expect(stats.throttled).toBe(forced)
    expect(metrics.retries).toBe(stats.throttled)
    expect(metrics.throttled).toBe(stats.throttled)
    expect(metrics.calls).toBe(stats.requests)
    // 1 DescribeCluster + 1 ListAccessEntries + 30 × 2 entry reads + 1 ListAccessPolicies, each once.
    expect(stats.requests - stats.throttled).toBe(63)
  })

  it('throttles per account: a second account is not slowed by the first', async () => {
    // A refill of one token per 1,000 s: the third request is throttled however slow the machine is.
    fake = await startFakeAws({
      ratePerSecondPerAccount: 0.001,
      burst: 2,
      clusters: [
        { name: 'a', region: 'eu-west-1' },
        { name: 'b', region: 'eu-west-1', accountId: B },
      ],
    })
    const a = createEksClient({
      region: 'eu-west-1',
      endpoint: fake.url,
      credentials: keysFor(A),
    })
    const send = (client: typeof a, name: string) => client.send(new DescribeClusterCommand({ name }))
    await send(a, 'a')
    await send(a, 'a')
    await expect(send(a, 'a')).rejects.toMatchObject({
      name: 'ThrottlingException',
      message: EKS_MESSAGES.rateExceeded,
    })
    const b = createEksClient({
      region: 'eu-west-1',
      endpoint: fake.url,
      credentials: keysFor(B),
    })
    await expect(send(b, 'b')).resolves.toMatchObject({
      cluster: { name: 'b' },
    })
  })

  it('keeps clusters per account and region: the same name elsewhere is not found', async () => {
    fake = await startFakeAws({
      clusters: [{ name: 'prod', region: 'eu-west-1', accountId: B }],
    })
    await expect(apiAgainst(fake, { accountId: A }).describeCluster('prod')).rejects.toMatchObject({
      code: 'ResourceNotFoundException',
      message: EKS_MESSAGES.noCluster('prod'),
    })
    await expect(apiAgainst(fake, { accountId: B, region: 'us-east-1' }).describeCluster('prod')).rejects.toMatchObject({ status: 404 })
    await expect(apiAgainst(fake, { accountId: B }).describeCluster('prod')).resolves.toMatchObject({ name: 'prod' })
  })

  it('retries injected 5xx (every 3rd request) and still reads everything', async () => {
    fake = await startFakeAws({
      fail5xxEvery: 3,
      fail5xxStatus: 503,
      clusters: [{ name: 'prod', region: 'eu-west-1', entries: manyEntries(20) }],
    })
    const metrics = createEksMetrics()
    const factory = createEksApiFactory({
      endpoint: fake.url,
      credentialsFor: () => keysFor(A),
      ...noWaitOptions(),
      metrics,
    })
    const state = await readLiveState([{ key: 'prod', name: 'prod', region: 'eu-west-1', accountId: A }], factory, {
      clusterTimeoutMs: Number.POSITIVE_INFINITY,
    })
    const prod = state.clusters.get('prod')
    expect(prod?.ok && prod.value.entries).toHaveLength(20)
    expect(fake.stats().injected5xx).toBeGreaterThan(0)
    expect(metrics.retries).toBe(fake.stats().injected5xx)
  })
})

describe('readLiveState with the real SDK against the fake', () => {
  it('plans clusters in two accounts and regions in one pass; failing clusters are isolated', async () => {
    fake = await startFakeAws({
      clusters: [
        { name: 'prod', region: 'eu-west-1', entries: manyEntries(3) },
        {
          name: 'stage',
          region: 'us-east-1',
          accountId: B,
          entries: manyEntries(2, B),
        },
        {
          name: 'legacy',
          region: 'eu-west-1',
          authenticationMode: 'CONFIG_MAP',
        },
        { name: 'locked', region: 'eu-west-1' },
      ],
    })
    fake.forceError({
      cluster: 'locked',
      status: 403,
      code: 'AccessDeniedException',
      message: `User: arn:aws:sts::${A}:assumed-role/plan/x is not authorized to perform: eks:DescribeCluster`,
    })
    const factory = createEksApiFactory({
      endpoint: fake.url,
      credentialsFor: (t) => keysFor(t.accountId),
      ...noWaitOptions(),
    })
    const t = (key: string, name: string, region: string, accountId: string): ClusterTarget => ({ key, name, region, accountId })
    const state = await readLiveState(
      [
        t('prod-eu', 'prod', 'eu-west-1', A),
        t('stage-us', 'stage', 'us-east-1', B),
        t('legacy', 'legacy', 'eu-west-1', A),
        t('locked', 'locked', 'eu-west-1', A),
        t('ghost', 'ghost', 'eu-west-1', A),
      ],
      factory,
    )
    expect([...state.clusters.keys()]).toEqual(['ghost', 'legacy', 'locked', 'prod-eu', 'stage-us'])
    const prod = state.clusters.get('prod-eu')
    expect(prod).toMatchObject({
      ok: true,
      value: {
        name: 'prod',
        accountId: A,
        authenticationMode: 'API_AND_CONFIG_MAP',
      },
    })
    expect(prod?.ok && prod.value.entries.map((e) => e.accessPolicies)).toEqual(
      [1, 2, 3].map(() => [{ policyArn: VIEW, accessScope: { type: 'cluster', namespaces: [] } }]),
    )
    expect(state.clusters.get('stage-us')).toMatchObject({
      ok: true,
      value: { region: 'us-east-1', accountId: B },
    })
    expect(state.clusters.get('legacy')).toMatchObject({
      ok: false,
      error: { code: 'ConfigMapAuthenticationMode' },
    })
    expect(state.clusters.get('locked')).toMatchObject({
      ok: false,
      error: { code: 'AccessDeniedException' },
    })
    expect(state.clusters.get('ghost')).toMatchObject({
      ok: false,
      error: { code: 'ResourceNotFoundException' },
    })
    expect(state.catalogue?.map((p) => p.arn)).toContain(ADMIN)
    // No read twice, and nothing read from the CONFIG_MAP cluster past DescribeCluster.
    expect(fake.calls.filter((c) => c.cluster === 'legacy').map((c) => c.operation)).toEqual(['DescribeCluster'])
    expect(fake.stats().byOperation['ListAccessPolicies']).toBe(1)
    expect(fake.stats().byOperation['DescribeAccessEntry']).toBe(5)
  })
})

describe('real SDK against the fake: writes and EKS rules', () => {
  const P = roleArn(A, 'team-a')
  beforeEach(async () => {
    fake = await startFakeAws({
      clusters: [
        { name: 'prod', region: 'eu-west-1' },
        {
          name: 'legacy',
          region: 'eu-west-1',
          authenticationMode: 'CONFIG_MAP',
        },
      ],
    })
  })

  it('creates, updates (groups replace), associates (same policy replaces scope), tags, disassociates and deletes', async () => {
    const api = apiAgainst(fake!)
    await api.createAccessEntry('prod', {
      principalArn: P,
      type: 'STANDARD',
      kubernetesGroups: ['a', 'b'],
      tags: { owner: 'x' },
    })
    await api.updateAccessEntry('prod', P, {
      kubernetesGroups: ['c'],
      username: 'team-a:{{SessionName}}',
    })
    await api.associateAccessPolicy('prod', P, EDIT, {
      type: 'namespace',
      namespaces: ['dev'],
    })
    await api.associateAccessPolicy('prod', P, EDIT, {
      type: 'cluster',
      namespaces: [],
    })
    await api.associateAccessPolicy('prod', P, VIEW, {
      type: 'namespace',
      namespaces: ['b-*', 'a'],
    })
    const entry = await api.describeAccessEntry('prod', P)
    expect(entry).toMatchObject({
      kubernetesGroups: ['c'],
      username: 'team-a:{{SessionName}}',
      tags: { owner: 'x' },
    })
    await api.tagResource(entry.accessEntryArn!, {
      'managed-by': 'eks-access-gate',
    })
    expect((await api.describeAccessEntry('prod', P)).tags).toEqual({
      owner: 'x',
      'managed-by': 'eks-access-gate',
    })
    expect(await api.listAssociatedAccessPolicies('prod', P)).toEqual([
      { policyArn: EDIT, accessScope: { type: 'cluster', namespaces: [] } },
      {
        policyArn: VIEW,
        accessScope: { type: 'namespace', namespaces: ['a', 'b-*'] },
      },
    ])
    await api.disassociateAccessPolicy('prod', P, EDIT)
    expect(await api.listAssociatedAccessPolicies('prod', P)).toHaveLength(1)
    await api.deleteAccessEntry('prod', P)
    expect(await api.listAccessEntries('prod')).toEqual([])
    // Deleting the entry took its associations with it.
    await api.createAccessEntry('prod', {
      principalArn: P,
      type: 'STANDARD',
      kubernetesGroups: [],
      tags: {},
    })
    expect(await api.listAssociatedAccessPolicies('prod', P)).toEqual([])
  })

  it('generates the username EKS sets when none is given', async () => {
    const api = apiAgainst(fake!)
    await api.createAccessEntry('prod', {
      principalArn: roleArn(A, 'path/to/dev'),
      type: 'STANDARD',
      kubernetesGroups: [],
      tags: {},
    })
    await api.createAccessEntry('prod', {
      principalArn: `arn:aws:iam::${A}:user/alice`,
      type: 'STANDARD',
      kubernetesGroups: [],
      tags: {},
    })
    await api.createAccessEntry('prod', {
      principalArn: roleArn(A, 'node'),
      type: 'EC2_LINUX',
      kubernetesGroups: [],
      tags: {},
    })
    await api.createAccessEntry('prod', {
      principalArn: roleArn(A, 'pods'),
      type: 'FARGATE_LINUX',
      kubernetesGroups: [],
      tags: {},
    })
    expect((await api.describeAccessEntry('prod', roleArn(A, 'path/to/dev'))).username).toBe(
      `arn:aws:sts::${A}:assumed-role/dev/{{SessionName}}`,
    )
    expect((await api.describeAccessEntry('prod', `arn:aws:iam::${A}:user/alice`)).username).toBe(`arn:aws:iam::${A}:user/alice`)
    expect((await api.describeAccessEntry('prod', roleArn(A, 'node'))).username).toBe('system:node:{{EC2PrivateDNSName}}')
    expect((await api.describeAccessEntry('prod', roleArn(A, 'pods'))).username).toBe('system:node:{{SessionName}}')
  })

  it.each([
    {
      what: 'duplicate create',
      act: async (api: ReturnType<typeof apiAgainst>) => {
        await api.createAccessEntry('prod', {
          principalArn: P,
          type: 'STANDARD',
          kubernetesGroups: [],
          tags: {},
        })
        await api.createAccessEntry('prod', {
          principalArn: P,
          type: 'STANDARD',
          kubernetesGroups: [],
          tags: {},
        })
      },
      code: 'ResourceInUseException',
      status: 409,
      message: EKS_MESSAGES.inUse,
    },
    {
      what: 'access entries on a CONFIG_MAP cluster',
      act: (api: ReturnType<typeof apiAgainst>) =>
        api.createAccessEntry('legacy', {
          principalArn: P,
          type: 'STANDARD',
          kubernetesGroups: [],
          tags: {},
        }),
      code: 'InvalidRequestException',
      status: 400,
      message: EKS_MESSAGES.configMap,
    },
    {
      what: 'associate on a principal with no entry',
      act: (api: ReturnType<typeof apiAgainst>) =>
        api.associateAccessPolicy('prod', P, VIEW, {
          type: 'cluster',
          namespaces: [],
        }),
      code: 'ResourceNotFoundException',
      status: 404,
      message: EKS_MESSAGES.noPrincipal,
    },
    {
      what: 'a system: group',
      act: (api: ReturnType<typeof apiAgainst>) =>
        api.createAccessEntry('prod', {
          principalArn: P,
          type: 'STANDARD',
          kubernetesGroups: ['system:masters'],
          tags: {},
        }),
      code: 'InvalidParameterException',
      status: 400,
      message: 'The kubernetes group name system:masters is invalid, it cannot start with system:',
    },
    {
      what: 'a system: username on update',
      act: async (api: ReturnType<typeof apiAgainst>) => {
        await api.createAccessEntry('prod', {
          principalArn: P,
          type: 'STANDARD',
          kubernetesGroups: [],
          tags: {},
        })
        await api.updateAccessEntry('prod', P, {
          kubernetesGroups: [],
          username: 'system:node:x',
        })
      },
      code: 'InvalidParameterException',
      status: 400,
      message: EKS_MESSAGES.systemUsername,
    },
    {
      what: 'groups on a non-STANDARD entry (update)',
      act: async (api: ReturnType<typeof apiAgainst>) => {
        await api.createAccessEntry('prod', {
          principalArn: roleArn(A, 'node'),
          type: 'EC2_LINUX',
          kubernetesGroups: [],
          tags: {},
        })
        await api.updateAccessEntry('prod', roleArn(A, 'node'), {
          kubernetesGroups: ['ops'],
        })
      },
      code: 'InvalidParameterException',
      status: 400,
      message: EKS_MESSAGES.notStandard,
    },
    {
      what: 'CONFIG_MAP → API in one step',
      act: (api: ReturnType<typeof apiAgainst>) => api.updateAuthenticationMode('legacy', 'API'),
      code: 'InvalidParameterException',
      status: 400,
      message: 'Unsupported authentication mode update from CONFIG_MAP to API',
    },
    {
      what: 'same mode again',
      act: (api: ReturnType<typeof apiAgainst>) => api.updateAuthenticationMode('prod', 'API_AND_CONFIG_MAP'),
      code: 'InvalidParameterException',
      status: 400,
      message: 'Unsupported authentication mode update from API_AND_CONFIG_MAP to API_AND_CONFIG_MAP',
    },
    {
      what: 'unknown cluster',
      act: (api: ReturnType<typeof apiAgainst>) => api.listAccessEntries('ghost'),
      code: 'ResourceNotFoundException',
      status: 404,
      message: 'No cluster found for name: ghost.',
    },
  ])('rejects $what like EKS', async ({ act, code, status, message }) => {
    const e = await act(apiAgainst(fake!)).then(
      () => undefined,
      (x: unknown) => x,
    )
    expect(e).toBeInstanceOf(AwsCallError)
    expect(e).toMatchObject({ code, status, message })
  })

  it('steps the authentication mode one way, one step at a time', async () => {
    const api = apiAgainst(fake!)
    const { updateId } = await api.updateAuthenticationMode('legacy', 'API_AND_CONFIG_MAP')
    expect(updateId).not.toBe('')
    expect((await api.describeCluster('legacy')).authenticationMode).toBe('API_AND_CONFIG_MAP')
    await api.updateAuthenticationMode('legacy', 'API')
    await expect(api.updateAuthenticationMode('legacy', 'API_AND_CONFIG_MAP')).rejects.toMatchObject({ code: 'InvalidParameterException' })
  })
})

describe('real STS client against the fake', () => {
  const ROLE = roleArn(B, 'eks-access-plan')

  it('AssumeRole issues credentials for the role account, which the fake EKS then serves', async () => {
    fake = await startFakeAws({
      clusters: [{ name: 'stage', region: 'eu-west-1', accountId: B }],
    })
    vi.stubEnv('AWS_ENDPOINT_URL_STS', fake.url)
    const creds = await assumeRole(ROLE, {
      region: 'eu-west-1',
      sessionName: 'eks-access-gate',
      sourceCredentials: keysFor(A),
    })
    expect(creds.accessKeyId).toMatch(new RegExp(`^ASIA${B}`))
    expect(creds.sessionToken).toBeTruthy()
    expect(creds.expiration).toBeInstanceOf(Date)
    const api = createEksApi({
      region: 'eu-west-1',
      endpoint: fake.url,
      credentials: creds,
    })
    await expect(api.describeCluster('stage')).resolves.toMatchObject({
      name: 'stage',
    })
    expect(fake.calls.map((c) => [c.service, c.operation, c.account])).toEqual([
      ['sts', 'AssumeRole', A],
      ['eks', 'DescribeCluster', B],
    ])
  })

  it('AssumeRoleWithWebIdentity accepts a token whose sub matches and rejects one that does not', async () => {
    fake = await startFakeAws({
      sts: { webIdentitySubPattern: 'repo:acme/infra:*' },
    })
    const good = unsignedJwt({
      sub: 'repo:acme/infra:pull_request',
      aud: 'sts.amazonaws.com',
      iss: 'https://token.actions.githubusercontent.com',
    })
    const creds = await assumeRoleWithWebIdentity(ROLE, {
      region: 'eu-west-1',
      token: good,
      sessionName: 'gha-run-1',
      endpoint: fake.url,
    })
    expect(creds.accessKeyId).toMatch(new RegExp(`^ASIA${B}`))
    const bad = unsignedJwt({
      sub: 'repo:evil/fork:pull_request',
      aud: 'sts.amazonaws.com',
    })
    const e = await assumeRoleWithWebIdentity(ROLE, {
      region: 'eu-west-1',
      token: bad,
      sessionName: 'gha-run-1',
      endpoint: fake.url,
    }).catch((x: unknown) => x)
    expect(e).toBeInstanceOf(AwsCallError)
    expect((e as Error).message).toBe(
      `Could not assume role ${ROLE} with OIDC: AccessDenied: Not authorized to perform sts:AssumeRoleWithWebIdentity`,
    )
    expect((e as Error).message).not.toContain(bad)
  })

  it.each([
    {
      what: 'wrong audience',
      claims: { sub: 's', aud: 'other' },
      session: 'ok-session',
      code: 'InvalidIdentityTokenException',
    },
    {
      what: 'a one-character session name',
      claims: { sub: 's', aud: 'sts.amazonaws.com' },
      session: 'x',
      code: 'ValidationError',
    },
    {
      what: 'a session name with a space',
      claims: { sub: 's', aud: 'sts.amazonaws.com' },
      session: 'a b',
      code: 'ValidationError',
    },
  ])('rejects $what', async ({ claims, session, code }) => {
    fake = await startFakeAws()
    const e = await assumeRoleWithWebIdentity(ROLE, {
      region: 'eu-west-1',
      token: unsignedJwt(claims),
      sessionName: session,
      endpoint: fake.url,
    }).catch((x: unknown) => x)
    expect(e).toMatchObject({ code, operation: 'AssumeRoleWithWebIdentity' })
    expect((e as Error).message).toMatch(new RegExp(`^Could not assume role ${ROLE} with OIDC: ${code}: `))
  })

  it('rejects a DurationSeconds outside 900–43200', async () => {
    fake = await startFakeAws()
    await expect(
      assumeRole(ROLE, {
        region: 'eu-west-1',
        sessionName: 'ok-session',
        sourceCredentials: keysFor(A),
        durationSeconds: 60,
        endpoint: fake.url,
      }),
    ).rejects.toMatchObject({ code: 'ValidationError', status: 400 })
  })
})
