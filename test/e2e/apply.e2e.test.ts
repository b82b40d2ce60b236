import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createEksApiFactory } from '../../src/aws/eks-sdk.js'
import { planAccess } from '../../src/commands/plan-access.js'
import { formatMarker, formatReviewedDigests, markerDataFor } from '../../src/plan/marker.js'
import { startFakeAws, type FakeAws, type SeedCluster } from '../fake-aws/index.js'
import { startFakeGitHub, type FakeGitHub } from '../fake-github/index.js'
import { prepareRunner, pullRequestEvent, pushEvent, runBundledAction, type ActionRun } from '../fake-github/runner.js'
import { useBundle } from './bundle.js'

/**
 * The bundled action applying on `push` against the local fake STS + EKS and fake GitHub. A small
 * recording proxy sits in front of the fake AWS: it notes which access key signed each EKS request
 * and which role each key STS issued belongs to, so "signed with the right account's apply role"
 * is checked on the wire.
 */

const TOKEN = 'ghs_applyE2eTokenThatMustNeverBePrinted'
const A = '111122223333'
const B = '444455556666'
const MERGE = 'c0ffee0000000000000000000000000000000001'
const HEAD = 'feed000000000000000000000000000000000002'
const BASE = 'ba5e000000000000000000000000000000000003'
const SUB = 'repo:acme/infra:ref:refs/heads/main'
const applyRole = (acct: string): string => `arn:aws:iam::${acct}:role/eks-access-apply`
const role = (acct: string, name: string): string => `arn:aws:iam::${acct}:role/${name}`
const ADMIN = 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy'
const OWNED = { 'managed-by': 'eks-access-gate' }

const MANIFEST = `version: 1
clusters:
  prod-eu:
    name: prod
    region: eu-west-1
    accountId: "${A}"
    roleArn: ${applyRole(A)}
  staging-us:
    name: staging
    region: us-east-1
    accountId: "${B}"
    roleArn: ${applyRole(B)}
accessEntries:
  - principalArn: ${role(A, 'platform-admins')}
    accessPolicies:
      - policyArn: AmazonEKSClusterAdminPolicy
        accessScope: { type: cluster }
  - principalArn: ${role(A, 'team-a')}
    clusters: [staging-us]
    kubernetesGroups: [team-a-readers]
    accessPolicies:
      - policyArn: AmazonEKSEditPolicy
        accessScope: { type: namespace, namespaces: [team-a] }
      - policyArn: AmazonEKSViewPolicy
        accessScope: { type: cluster }
  - principalArn: ${role(A, 'ci-deployer')}
    tags: { owner: ci }
    accessPolicies:
      - policyArn: AmazonEKSViewPolicy
        accessScope: { type: cluster }
`

/** Each cluster: EKS's own creator entry (unowned admin), and an owned entry the manifest no longer names. */
function seed(): SeedCluster[] {
  return [
    { name: 'prod', region: 'eu-west-1', accountId: A, authenticationMode: 'API' as const },
    { name: 'staging', region: 'us-east-1', accountId: B, authenticationMode: 'API' as const },
  ].map((c) => ({
    ...c,
    entries: [
      {
        principalArn: role(c.accountId, 'cluster-creator'),
        accessPolicies: [{ policyArn: ADMIN, accessScope: { type: 'cluster' } }],
      },
      { principalArn: role(A, 'old-team'), tags: OWNED },
    ],
  }))
}

// ───────────────────────────── the recording proxy ─────────────────────────────

interface Recorded {
  readonly method: string
  readonly path: string
  readonly accessKeyId?: string
  readonly status: number
}

interface Proxy {
  readonly url: string
  readonly eks: Recorded[]
  /** Access key → role, for every AssumeRoleWithWebIdentity STS answered. */
  readonly keys: Map<string, string>
  readonly assumed: string[]
  close(): Promise<void>
}

function readAll(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', reject)
  })
}

async function startProxy(target: string): Promise<Proxy> {
  const eks: Recorded[] = []
  const keys = new Map<string, string>()
  const assumed: string[] = []
  const to = new URL(target)
  const server: Server = createServer((req, res) => {
    void (async () => {
      const body = await readAll(req)
      const upstream = httpRequest(
        { host: to.hostname, port: to.port, method: req.method, path: req.url, headers: { ...req.headers, host: to.host } },
        (answer) => {
          void readAll(answer).then((out) => {
            const status = answer.statusCode ?? 0
            if (req.method === 'POST' && req.url === '/') {
              const form = new URLSearchParams(body.toString('utf8'))
              const key = /<AccessKeyId>([^<]+)<\/AccessKeyId>/.exec(out.toString('utf8'))?.[1]
              if (form.get('Action') === 'AssumeRoleWithWebIdentity') {
                assumed.push(form.get('RoleArn') ?? '')
                if (key !== undefined) keys.set(key, form.get('RoleArn') ?? '')
              }
            } else {
              const key = /Credential=([^/\s,]+)\//.exec(String(req.headers.authorization ?? ''))?.[1]
              eks.push({ method: req.method ?? '', path: decodeURIComponent(req.url ?? ''), status, ...(key ? { accessKeyId: key } : {}) })
            }
            res.writeHead(status, answer.headers)
            res.end(out)
          })
        },
      )
      upstream.on('error', (e) => {
        res.writeHead(502)
        res.end(String(e))
      })
      upstream.end(body)
    })()
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const port = (server.address() as AddressInfo).port
  return {
    url: `http://127.0.0.1:${port}`,
    eks,
    keys,
    assumed,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections()
        server.close(() => r())
      }),
  }
}

// ───────────────────────────── harness ─────────────────────────────

let bundleDir = ''
let cleanupBundle = (): void => {}
const cleanups: (() => Promise<void> | void)[] = []

beforeAll(() => {
  ;({ dir: bundleDir, cleanup: cleanupBundle } = useBundle())
})
afterAll(() => cleanupBundle())
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

interface World {
  readonly aws: FakeAws
  readonly gh: FakeGitHub
  readonly proxy: Proxy
  readonly workspace: string
}

async function world(opts: { clusters?: SeedCluster[]; manifest?: string; aws?: Parameters<typeof startFakeAws>[0] } = {}): Promise<World> {
  const aws = await startFakeAws({
    clusters: opts.clusters ?? seed(),
    sts: { audience: 'sts.amazonaws.com', webIdentitySubPattern: SUB },
    ...opts.aws,
  })
  const gh = await startFakeGitHub({ tokens: { [TOKEN]: { access: 'read-write' } }, idTokenClaims: { sub: SUB } })
  const proxy = await startProxy(aws.url)
  // The pushed commit exists (GitHub answers 422 for an unknown one); no pull request by default.
  gh.associateCommit(MERGE, [])
  const workspace = mkdtempSync(join(tmpdir(), 'eag-apply-ws-'))
  writeFileSync(join(workspace, 'eks-access.yaml'), opts.manifest ?? MANIFEST)
  cleanups.push(
    () => aws.close(),
    () => gh.close(),
    () => proxy.close(),
    () => rmSync(workspace, { recursive: true, force: true }),
  )
  return { aws, gh, proxy, workspace }
}

const INPUTS = {
  command: 'auto',
  manifest: 'eks-access.yaml',
  rules: '.github/eks-access-rules.yaml',
  'github-token': TOKEN,
  comment: 'true',
  clusters: '',
  audience: 'sts.amazonaws.com',
  state: '',
  'expiry-warning-days': '7',
  'fail-on-drift': 'false',
}

async function act(
  w: World,
  over: { eventName?: string; event?: Record<string, unknown>; inputs?: Record<string, string> } = {},
): Promise<ActionRun> {
  const runner = prepareRunner({
    eventName: over.eventName ?? 'push',
    event: over.event ?? pushEvent({ after: MERGE }),
    workspace: w.workspace,
    inputs: { ...INPUTS, ...over.inputs },
    env: {
      ...w.gh.actionEnv(),
      AWS_ENDPOINT_URL_STS: w.proxy.url,
      AWS_ENDPOINT_URL_EKS: w.proxy.url,
      // Ambient keys of a third account: any call made with them would show up as such.
      AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'ambient-secret',
      AWS_REGION: 'eu-west-1',
    },
  })
  cleanups.push(() => runner.cleanup())
  const run = await runBundledAction(join(bundleDir, 'index.js'), runner)
  expect(run.stdout + run.stderr + run.summary + JSON.stringify(run.outputs)).not.toContain(TOKEN)
  return run
}

const MUTATING = new Set([
  'CreateAccessEntry',
  'UpdateAccessEntry',
  'DeleteAccessEntry',
  'AssociateAccessPolicy',
  'DisassociateAccessPolicy',
  'TagResource',
  'UntagResource',
  'UpdateClusterConfig',
])
const mutations = (aws: FakeAws): string[] =>
  aws.calls
    .filter((c) => c.service === 'eks' && c.status < 300 && MUTATING.has(c.operation))
    .map((c) => `${c.cluster ?? '?'} ${c.operation}`)

/** The live entries as the manifest speaks of them: principal → groups, policies, ownership. */
function live(aws: FakeAws, name: string, region: string, acct: string): Record<string, string> {
  const c = aws.cluster(name, region, acct)
  const out: Record<string, string> = {}
  for (const e of c?.entries ?? []) {
    const policies = (e.accessPolicies ?? [])
      .map(
        (p) =>
          `${p.policyArn.split('/').pop() ?? ''}@${p.accessScope.type === 'cluster' ? 'cluster' : (p.accessScope.namespaces ?? []).join(',')}`,
      )
      .sort()
    const owned = e.tags?.['managed-by'] === 'eks-access-gate' ? ' owned' : ''
    out[e.principalArn.split('/').pop() ?? ''] = `[${(e.kubernetesGroups ?? []).join(',')}] ${policies.join(' ')}${owned}`.trim()
  }
  return out
}

const PROD_WANT = {
  'cluster-creator': '[] AmazonEKSClusterAdminPolicy@cluster',
  'platform-admins': '[] AmazonEKSClusterAdminPolicy@cluster owned',
  'ci-deployer': '[] AmazonEKSViewPolicy@cluster owned',
}
const STAGING_WANT = {
  ...PROD_WANT,
  'team-a': '[team-a-readers] AmazonEKSEditPolicy@team-a AmazonEKSViewPolicy@cluster owned',
}

/** Which account a recorded EKS path belongs to (cluster name, or the account inside a TagResource ARN). */
function accountOfPath(path: string): string | undefined {
  if (/\/clusters\/prod(\/|$)/.test(path) || /:cluster\/prod|access-entry\/prod\//.test(path)) return A
  if (/\/clusters\/staging(\/|$)/.test(path) || /access-entry\/staging\//.test(path)) return B
  return undefined
}

// ───────────────────────────── tests ─────────────────────────────

describe('bundled action: apply on push', () => {
  it('applies two clusters in two accounts with their OIDC apply roles; the re-run makes no mutating call', async () => {
    const w = await world()
    const first = await act(w)
    expect(first.status, first.stdout + first.stderr).toBe(0)
    expect(live(w.aws, 'prod', 'eu-west-1', A)).toEqual(PROD_WANT)
    expect(live(w.aws, 'staging', 'us-east-1', B)).toEqual(STAGING_WANT)

    // Two roles, each assumed once, with the workflow's OIDC token.
    expect([...w.proxy.assumed].sort()).toEqual([applyRole(A), applyRole(B)])
    expect(w.gh.idTokens.map((t) => t.sub)).toEqual(expect.arrayContaining([SUB]))
    // Every EKS request, mutating or not, was signed by its own account's apply role.
    const writes = w.proxy.eks.filter((r) => r.method !== 'GET')
    expect(writes.length).toBeGreaterThan(0)
    for (const r of w.proxy.eks) {
      const acct = accountOfPath(r.path)
      if (acct === undefined) continue
      expect({ path: r.path, role: w.proxy.keys.get(r.accessKeyId ?? '') }).toEqual({ path: r.path, role: applyRole(acct) })
    }
    expect(w.proxy.eks.filter((r) => r.accessKeyId === 'AKIAIOSFODNN7EXAMPLE')).toEqual([])

    expect(first.outputs['has-changes']).toBe('true')
    expect(first.summary).toContain('## eks-access-gate apply')
    expect(first.summary).toContain('No reviewed plan was found')
    expect(first.stdout).toContain('Apply: ')
    expect(first.stdout).not.toContain('ambient-secret')

    const before = mutations(w.aws).length
    const second = await act(w)
    expect(second.status, second.stdout + second.stderr).toBe(0)
    expect(second.outputs['has-changes']).toBe('false')
    expect(mutations(w.aws).length).toBe(before)
  })

  it('converges under injected throttling and 5xx', async () => {
    const w = await world({ aws: { ratePerSecondPerAccount: 40, burst: 3, fail5xxEvery: 5 } })
    const runs: (number | null)[] = []
    for (let i = 0; i < 3 && runs.at(-1) !== 0; i++) runs.push((await act(w)).status)
    const stats = w.aws.stats()
    expect(stats.throttled + stats.injected5xx).toBeGreaterThan(0)
    expect(stats.injected5xx).toBeGreaterThan(0)
    expect(runs.at(-1)).toBe(0)
    expect(live(w.aws, 'prod', 'eu-west-1', A)).toEqual(PROD_WANT)
    expect(live(w.aws, 'staging', 'us-east-1', B)).toEqual(STAGING_WANT)
    const before = mutations(w.aws).length
    expect((await act(w)).outputs['has-changes']).toBe('false')
    expect(mutations(w.aws).length).toBe(before)
  })

  it('reports a permanent failure mid-apply exactly, goes on with the other cluster, and the re-run converges', async () => {
    const w = await world()
    w.aws.forceError({
      cluster: 'staging',
      operation: 'AssociateAccessPolicy',
      status: 400,
      code: 'InvalidParameterException',
      message: 'The policy is not valid here.',
      times: 1,
    })
    const first = await act(w)
    expect(first.status).toBe(1)
    expect(live(w.aws, 'prod', 'eu-west-1', A)).toEqual(PROD_WANT)
    expect(first.stdout).toMatch(/staging-us \(EKS staging, us-east-1, account 444455556666\): failed/)
    expect(first.stdout).toMatch(/failed\s+associate .*InvalidParameterException: The policy is not valid here\. \(AssociateAccessPolicy\)/)
    expect(first.stdout).toMatch(/not attempted\s+/)
    expect(first.summary).toContain('❌ failed')
    expect(first.summary).toContain('not attempted')
    expect(first.commands.join('\n')).toMatch(/::error::apply failed in 1 of 2 clusters: \d+ applied, 1 failed, \d+ not attempted/)

    const second = await act(w)
    expect(second.status, second.stdout).toBe(0)
    expect(live(w.aws, 'staging', 'us-east-1', B)).toEqual(STAGING_WANT)
    const before = mutations(w.aws).length
    expect((await act(w)).status).toBe(0)
    expect(mutations(w.aws).length).toBe(before)
  })

  it('a pull_request event with command: apply makes no AWS call and no GitHub write', async () => {
    const w = await world()
    w.gh.seedPullRequest({ number: 7, headSha: HEAD, baseSha: BASE })
    const run = await act(w, {
      eventName: 'pull_request',
      event: pullRequestEvent({ number: 7, headSha: HEAD, baseSha: BASE }),
      inputs: { command: 'apply' },
    })
    expect(run.status).toBe(1)
    expect(run.commands.join('\n')).toContain('apply refused on a pull_request event')
    expect(w.aws.calls).toEqual([])
    expect(w.proxy.eks).toEqual([])
    expect(w.proxy.assumed).toEqual([])
    expect(w.gh.idTokens).toEqual([])
    expect(w.gh.writes()).toEqual([])
  })

  it('refuses a cluster whose apply would remove its last cluster admin, with no mutating call on it', async () => {
    const clusters = seed().map((c) =>
      c.name === 'staging'
        ? {
            ...c,
            // The only admin is an owned entry the manifest no longer names.
            entries: [
              { principalArn: role(A, 'old-admin'), tags: OWNED, accessPolicies: [{ policyArn: ADMIN, accessScope: { type: 'cluster' } }] },
            ],
          }
        : c,
    )
    const manifest = MANIFEST.replace(
      / {2}- principalArn: arn:aws:iam::111122223333:role\/platform-admins\n/,
      '  - principalArn: arn:aws:iam::111122223333:role/platform-admins\n    clusters: [prod-eu]\n',
    )
    const w = await world({ clusters, manifest })
    const run = await act(w)
    expect(run.status).toBe(1)
    expect(mutations(w.aws).filter((m) => m.startsWith('staging '))).toEqual([])
    expect(mutations(w.aws).filter((m) => m.startsWith('prod ')).length).toBeGreaterThan(0)
    expect(run.stdout).toMatch(/staging-us .*: refused \(nothing changed\)/)
    expect(run.stdout).toMatch(/lockout|cluster admin/i)
  })

  it('skips and reports a change that was not in the reviewed plan, and adds the Applied section to the PR comment', async () => {
    const w = await world()
    // The reviewed plan: made for a manifest without ci-deployer, over the same live state.
    const reviewedManifest = MANIFEST.replace(/ {2}- principalArn: arn:aws:iam::111122223333:role\/ci-deployer[\s\S]*$/, '')
    const reviewDir = mkdtempSync(join(tmpdir(), 'eag-apply-review-'))
    cleanups.push(() => rmSync(reviewDir, { recursive: true, force: true }))
    writeFileSync(join(reviewDir, 'eks-access.yaml'), reviewedManifest)
    const factory = createEksApiFactory({
      endpoint: w.aws.url,
      credentialsFor: (t) => ({ accessKeyId: `AKIA${t.accountId}TEST`, secretAccessKey: 'x' }),
    })
    const reviewed = await planAccess(
      { manifest: 'eks-access.yaml', cwd: reviewDir, now: new Date(), expiryWarningDays: 7 },
      { apiFor: factory },
    )
    if (reviewed.kind !== 'planned') throw new Error(`review plan failed: ${reviewed.kind}`)
    w.aws.calls.length = 0
    const body = `${formatMarker(markerDataFor(reviewed.plan, HEAD))}\n## eks-access-gate plan\n\n(the reviewed plan)\n\n${formatReviewedDigests(reviewed.plan, HEAD)}\n`
    w.gh.seedPullRequest({ number: 7, headSha: HEAD, baseSha: BASE, state: 'closed', merged: true })
    const sticky = w.gh.seedComment(7, { body, user: { login: 'github-actions[bot]', type: 'Bot' } })
    // A look-alike by someone else must not count.
    w.gh.seedComment(7, {
      body: formatMarker(markerDataFor(reviewed.plan, HEAD)).replace(/"clusters":\{[^}]*\}/, '"clusters":{}'),
      user: { login: 'mallory', type: 'User' },
    })
    w.gh.associateCommit(MERGE, [7])

    const run = await act(w)
    expect(run.status, run.stdout + run.stderr).toBe(0)
    // ci-deployer (a new entry: an escalation) was not reviewed: skipped on both clusters.
    expect(live(w.aws, 'prod', 'eu-west-1', A)['ci-deployer']).toBeUndefined()
    expect(live(w.aws, 'staging', 'us-east-1', B)['ci-deployer']).toBeUndefined()
    expect(live(w.aws, 'staging', 'us-east-1', B)['team-a']).toBe(STAGING_WANT['team-a'])
    expect(run.stdout).toMatch(/not attempted\s+create arn:aws:iam::111122223333:role\/ci-deployer.*not in the reviewed plan/)
    expect(run.summary).toContain('not in the reviewed plan')

    const comment = w.gh.comments(7).find((c) => c.id === sticky.id)
    expect(comment?.body.split('\n')[0]).toBe(body.split('\n')[0])
    expect(comment?.body).toContain('### Applied (eks-access-gate, commit `c0ffee000000`)')
    expect(comment?.body.trimEnd().endsWith(formatReviewedDigests(reviewed.plan, HEAD))).toBe(true)
    // A re-run replaces its section, never duplicates it.
    await act(w)
    const again = w.gh.comments(7).find((c) => c.id === sticky.id)
    expect(again?.body.split('### Applied').length).toBe(2)
    expect(w.gh.comments(7)).toHaveLength(2)
  })

  it('posts a short comment on the merged PR when its sticky comment is gone', async () => {
    const w = await world()
    w.gh.seedPullRequest({ number: 8, headSha: HEAD, baseSha: BASE, state: 'closed', merged: true })
    w.gh.associateCommit(MERGE, [8])
    const run = await act(w)
    expect(run.status, run.stdout).toBe(0)
    const comments = w.gh.comments(8)
    expect(comments).toHaveLength(1)
    expect(comments[0]?.body).toContain('### Applied (eks-access-gate, commit `c0ffee000000`)')
    expect(run.summary).toContain('No reviewed plan was found')
  })

  it('a scheduled apply revokes access whose expiresAt has passed, and nothing else', async () => {
    const clusters = seed().map((c) => ({
      ...c,
      entries: [
        ...(c.entries ?? []),
        {
          principalArn: role(A, 'contractor'),
          tags: OWNED,
          accessPolicies: [{ policyArn: 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy', accessScope: { type: 'cluster' } }],
        },
      ],
    }))
    const manifest = `${MANIFEST}  - principalArn: ${role(A, 'contractor')}
    expiresAt: "2020-01-31"
    accessPolicies:
      - policyArn: AmazonEKSViewPolicy
        accessScope: { type: cluster }
`
    const w = await world({ clusters, manifest })
    const first = await act(w)
    expect(first.status, first.stdout).toBe(0)
    expect(live(w.aws, 'prod', 'eu-west-1', A)['contractor']).toBeUndefined()
    // The rest of the manifest now holds, so the scheduled run below only has expiry to act on.
    // The contractor's entry is back (someone re-created it by hand); the hourly run revokes it again.
    w.aws.calls.length = 0
    w.gh.requests.length = 0
    w.aws.seedCluster({
      name: 'prod',
      region: 'eu-west-1',
      accountId: A,
      authenticationMode: 'API',
      entries: [
        ...Object.keys(PROD_WANT)
          .map((name) => w.aws.cluster('prod', 'eu-west-1', A)?.entries?.find((e) => e.principalArn.endsWith(`/${name}`)))
          .filter((e) => e !== undefined),
        {
          principalArn: role(A, 'contractor'),
          tags: OWNED,
          accessPolicies: [{ policyArn: 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy', accessScope: { type: 'cluster' } }],
        },
      ],
    })
    const scheduled = await act(w, {
      eventName: 'schedule',
      event: { schedule: '17 * * * *', repository: { full_name: 'acme/infra', default_branch: 'main' } },
      inputs: { command: 'apply' },
    })
    expect(scheduled.status, scheduled.stdout + scheduled.stderr).toBe(0)
    expect(mutations(w.aws)).toEqual(['prod DeleteAccessEntry'])
    expect(live(w.aws, 'prod', 'eu-west-1', A)).toEqual(PROD_WANT)
    expect(scheduled.stdout).toMatch(/applied\s+delete arn:aws:iam::111122223333:role\/contractor \(expired 2020-01-31\)/)
    expect(scheduled.commands.join('\n')).toContain('expired on 2020-02-01')
    // No pull request is looked up on a schedule.
    expect(w.gh.requests.filter((r) => r.route.includes('/pulls'))).toEqual([])
  })
})
