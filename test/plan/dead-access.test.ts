import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { IamReadApi, IamTarget, PrincipalLookup } from '../../src/aws/iam-port.js'
import { createIamApiFactory } from '../../src/aws/iam-sdk.js'
import { createLimiter } from '../../src/aws/limit.js'
import { AwsCallError } from '../../src/aws/port.js'
import { deadAccessProblems, findDeadAccess, type ObservedForDeadAccess } from '../../src/plan/dead-access.js'
import type { ObservedEntry } from '../../src/types.js'
import { startFakeIam, type FakeIam } from '../fake-aws/iam.js'
import { ACCOUNT, OTHER_ACCOUNT, live, manifest, manifestEntry, observed, role, user, cluster } from './build.js'

const ENTRY_CREATED = '2026-01-10T00:00:00.000Z'
const at = (e: ObservedEntry, createdAt = ENTRY_CREATED): ObservedEntry => ({ ...e, createdAt })

function clusterOf(key: string, entries: readonly ObservedEntry[]): ObservedForDeadAccess {
  return { cluster: key, accountId: ACCOUNT, partition: 'aws', observed: live(entries, { name: key }) }
}

/** An in-memory IAM that counts calls. */
function memoryIam(principals: Record<string, PrincipalLookup>): {
  iamFor: (t: IamTarget) => IamReadApi
  calls: string[]
  targets: IamTarget[]
} {
  const calls: string[] = []
  const targets: IamTarget[] = []
  return {
    calls,
    targets,
    iamFor: (t) => {
      targets.push(t)
      return {
        getPrincipal: async (arn) => {
          calls.push(arn)
          const found = principals[arn]
          if (found === undefined) throw new AwsCallError('GetRole', 'AccessDenied', 'not allowed')
          return found
        },
      }
    },
  }
}

describe('findDeadAccess', () => {
  const alive = { exists: true as const, createDate: new Date('2025-01-01T00:00:00Z') }

  it('orphaned: the principal does not exist; stale: it was created after the entry; alive otherwise', async () => {
    const iam = memoryIam({
      [role('gone')]: { exists: false },
      [role('recreated')]: { exists: true, createDate: new Date('2026-02-01T00:00:00Z') },
      [role('same-second')]: { exists: true, createDate: new Date(ENTRY_CREATED) },
      [user('alice')]: alive,
    })
    const report = await findDeadAccess(
      [
        clusterOf('prod', [
          at(observed(role('gone'))),
          at(observed(role('recreated'))),
          at(observed(role('same-second'))),
          at(observed(user('alice'))),
        ]),
      ],
      iam,
    )
    expect(report.dead).toEqual([
      {
        cluster: 'prod',
        principalArn: role('gone'),
        kind: 'orphaned',
        entryCreatedAt: ENTRY_CREATED,
        fix: expect.stringContaining('does not exist'),
      },
      {
        cluster: 'prod',
        principalArn: role('recreated'),
        kind: 'stale',
        entryCreatedAt: ENTRY_CREATED,
        principalCreatedAt: '2026-02-01T00:00:00Z',
        fix: expect.stringContaining('recreate the entry'),
      },
    ])
    expect(report.notChecked).toEqual([])
  })

  it('a role of that name under another path is another principal: orphaned', async () => {
    const iam = memoryIam({ [role('a/dev')]: { exists: true, createDate: new Date('2020-01-01T00:00:00Z'), arn: role('b/dev') } })
    const report = await findDeadAccess([clusterOf('prod', [at(observed(role('a/dev')))])], iam)
    expect(report.dead.map((d) => d.kind)).toEqual(['orphaned'])
  })

  it('one call per distinct principal, shared across clusters; other accounts and non-IAM ARNs are not checked', async () => {
    const iam = memoryIam({ [role('dev')]: alive })
    const report = await findDeadAccess(
      [
        clusterOf('prod', [at(observed(role('dev'))), at(observed(role('x', OTHER_ACCOUNT)))]),
        clusterOf('staging', [at(observed(role('dev'))), at(observed(`arn:aws:sts::${ACCOUNT}:assumed-role/a/b`))]),
      ],
      iam,
    )
    expect(iam.calls).toEqual([role('dev')])
    expect(report.notChecked.map((n) => [n.cluster, n.reason])).toEqual([
      ['prod', 'other-account'],
      ['staging', 'not-role-or-user'],
    ])
  })

  it('without the entry createdAt a live principal is not checked; a failed lookup says why', async () => {
    const iam = memoryIam({ [role('dev')]: alive })
    const report = await findDeadAccess([clusterOf('prod', [observed(role('dev')), at(observed(role('denied')))])], iam)
    expect(report.dead).toEqual([])
    expect(report.notChecked).toMatchObject([
      { principalArn: role('denied'), reason: 'lookup-failed', detail: 'AccessDenied: not allowed' },
      { principalArn: role('dev'), reason: 'no-entry-created-at' },
    ])
  })

  it('paces the reads through the per-account limiter it is given', async () => {
    const iam = memoryIam(Object.fromEntries(Array.from({ length: 6 }, (_, i) => [role(`r${i}`), alive])))
    const accounts: string[] = []
    const limiter = createLimiter({ concurrency: 2 })
    let peak = 0
    const report = await findDeadAccess(
      [
        clusterOf(
          'prod',
          Array.from({ length: 6 }, (_, i) => at(observed(role(`r${i}`)))),
        ),
      ],
      {
        iamFor: iam.iamFor,
        limiterFor: (account) => {
          accounts.push(account)
          return { run: (task) => limiter.run(async () => ((peak = Math.max(peak, limiter.active)), task())) }
        },
      },
    )
    expect(report.dead).toEqual([])
    expect(new Set(accounts)).toEqual(new Set([ACCOUNT]))
    expect(peak).toBe(2)
    expect(iam.calls).toHaveLength(6)
  })

  it('warnings at the manifest entry, or at no position for a live-only entry', () => {
    const m = manifest([cluster()], [manifestEntry(role('gone'))])
    const problems = deadAccessProblems(
      {
        dead: [
          { cluster: 'prod', principalArn: role('gone'), kind: 'orphaned', fix: 'fix it' },
          { cluster: 'prod', principalArn: role('live-only'), kind: 'stale', fix: 'recreate' },
        ],
        notChecked: [],
      },
      m,
    )
    expect(problems).toEqual([
      {
        severity: 'warning',
        code: 'dead-access:orphaned',
        message: `orphaned access entry for "${role('gone')}" on cluster prod: fix it`,
        file: 'eks-access.yaml',
        line: 1,
        column: 1,
      },
      {
        severity: 'warning',
        code: 'dead-access:stale',
        message: `stale access entry for "${role('live-only')}" on cluster prod: recreate`,
        file: '',
        line: 0,
        column: 0,
      },
    ])
  })
})

describe('findDeadAccess against the fake IAM (real client-iam)', () => {
  let fake: FakeIam
  beforeAll(async () => {
    fake = await startFakeIam({
      principals: [
        { arn: role('alive'), createDate: '2025-01-01T00:00:00Z' },
        { arn: role('recreated'), createDate: '2025-01-01T00:00:00Z' },
        { arn: user('bob'), createDate: '2025-01-01T00:00:00Z' },
      ],
    })
    fake.state.recreate(role('recreated'), '2026-03-01T12:00:00Z')
  })
  afterAll(() => fake.close())

  it('reports orphaned and stale principals', async () => {
    const iamFor = createIamApiFactory({
      endpoint: fake.url,
      credentialsFor: (t) => ({ accessKeyId: `AKIA${t.accountId}TEST`, secretAccessKey: 's' }),
    })
    const report = await findDeadAccess(
      [
        clusterOf('prod', [
          at(observed(role('alive'))),
          at(observed(role('recreated'))),
          at(observed(role('deleted'))),
          at(observed(user('bob'))),
          at(observed(user('gone'))),
        ]),
      ],
      { iamFor },
    )
    expect(report.dead.map((d) => [d.principalArn, d.kind])).toEqual([
      [role('deleted'), 'orphaned'],
      [role('recreated'), 'stale'],
      [user('gone'), 'orphaned'],
    ])
    expect(fake.state.calls.map((c) => c.operation).sort()).toEqual(['GetRole', 'GetRole', 'GetRole', 'GetUser', 'GetUser'])
  })
})
