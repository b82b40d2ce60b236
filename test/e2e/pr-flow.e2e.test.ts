import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { parseMarker, parseReviewedDigests } from '../../src/plan/marker.js'
import { startFakeAws, type FakeAws, type FakeAwsOptions } from '../fake-aws/index.js'
import {
  BOT,
  forkPullRequestEvent,
  prepareRunner,
  pullRequestEvent,
  runBundledAction,
  startFakeGitHub,
  type ActionRun,
  type FakeGitHub,
} from '../fake-github/index.js'
import { useBundle } from './bundle.js'

/**
 * The pull-request flow end to end: the bundled action (`node index.js`, as the runner runs it)
 * with the runner's environment (INPUT_*, a real-shaped pull_request payload, GITHUB_OUTPUT,
 * GITHUB_STEP_SUMMARY, ACTIONS_ID_TOKEN_REQUEST_URL/TOKEN) against the fake GitHub (comments,
 * pull requests, the OIDC endpoint) and the fake AWS (STS web identity + EKS), both in this process.
 */

const TOKEN = 'ghs_prFlowReadWriteTokenNeverPrinted0001'
const READ_ONLY = 'ghs_prFlowReadOnlyTokenNeverPrinted00002'
const DECOY_KEY = 'AKIA999988887777DECO'
const DECOY_SECRET = 'decoySecretAccessKeyThatMustNeverBeUsed00'
const HEAD_1 = '1'.repeat(40)
const HEAD_2 = '2'.repeat(40)
const BASE = 'b'.repeat(40)
const PLAN_ROLE_PROD = 'arn:aws:iam::111122223333:role/eks-access-plan'
const PLAN_ROLE_STAGING = 'arn:aws:iam::444455556666:role/eks-access-plan'

const MANIFEST = `version: 1
clusters:
  prod-eu:
    name: prod
    region: eu-west-1
    accountId: "111122223333"
    planRoleArn: ${PLAN_ROLE_PROD}
  staging-eu:
    name: staging
    region: eu-west-1
    accountId: "444455556666"
    planRoleArn: ${PLAN_ROLE_STAGING}
  sandbox:
    region: eu-west-1
    accountId: "999988887777"
accessEntries:
  - principalArn: arn:aws:iam::111122223333:role/platform-admins
    clusters: ["*"]
    accessPolicies:
      - policyArn: AmazonEKSClusterAdminPolicy
        accessScope: { type: cluster }
  - principalArn: arn:aws:iam::444455556666:role/team-a
    clusters: [staging-eu]
    accessPolicies:
      - policyArn: AmazonEKSEditPolicy
        accessScope: { type: namespace, namespaces: [team-a] }
`

const BROKEN_MANIFEST = `version: 1
clusters:
  prod-eu:
    region: eu-west-1
    accountId: "111122223333"
accessEntries:
  - principalArn: arn:aws:iam::111122223333:role/platform-admins
    clusters: ["*"]
    acessPolicies: []
`

const ADMIN = {
  principalArn: 'arn:aws:iam::111122223333:role/platform-admins',
  accessPolicies: [{ policyArn: 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy', accessScope: { type: 'cluster' } }],
}

/** The action.yml defaults, as the runner passes every declared input. */
const DEFAULT_INPUTS = {
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
  'max-rate': '',
  'cluster-timeout': '300',
}

let bundle: { dir: string; cleanup: () => void }
let gh: FakeGitHub
let aws: FakeAws
let workspace: string
const cleanups: (() => void)[] = []
// One fixed clock for both fakes (the id token's exp and STS's check), set near the child's real
// clock so the SDK does not find the issued credentials expired.
const T0 = Date.now()
const now = (): number => T0

beforeAll(() => {
  bundle = useBundle()
})
afterAll(() => bundle.cleanup())

async function startFakes(awsOptions: FakeAwsOptions = {}): Promise<void> {
  gh = await startFakeGitHub({ now, tokens: { [TOKEN]: { access: 'read-write' }, [READ_ONLY]: { access: 'read-only' } } })
  aws = await startFakeAws({
    now,
    clusters: [
      { name: 'prod', region: 'eu-west-1', accountId: '111122223333', entries: [ADMIN] },
      { name: 'staging', region: 'eu-west-1', accountId: '444455556666', entries: [] },
      { name: 'sandbox', region: 'eu-west-1', accountId: '999988887777', entries: [ADMIN] },
    ],
    ...awsOptions,
  })
}

beforeEach(async () => {
  await startFakes()
  workspace = mkdtempSync(join(tmpdir(), 'eag-pr-flow-ws-'))
  writeFileSync(join(workspace, 'eks-access.yaml'), MANIFEST)
  gh.seedPullRequest({ number: 7, headSha: HEAD_1, baseSha: BASE })
})

afterEach(async () => {
  for (const c of cleanups.splice(0)) c()
  rmSync(workspace, { recursive: true, force: true })
  await gh.close()
  await aws.close()
})

interface RunOptions {
  readonly head?: string
  readonly inputs?: Record<string, string>
  readonly fork?: boolean
  readonly idToken?: boolean
  readonly eventName?: string
}

async function runAction(opts: RunOptions = {}): Promise<ActionRun & { runnerTemp: string }> {
  const eventInput = { action: 'synchronize' as const, number: 7, headSha: opts.head ?? HEAD_1, baseSha: BASE }
  const runner = prepareRunner({
    eventName: opts.eventName ?? 'pull_request',
    event: opts.fork ? forkPullRequestEvent(eventInput) : pullRequestEvent(eventInput),
    workspace,
    inputs: { ...DEFAULT_INPUTS, ...opts.inputs },
    env: {
      PATH: process.env['PATH'] ?? '',
      ...gh.actionEnv({ idToken: opts.idToken ?? !opts.fork }),
      AWS_ENDPOINT_URL_EKS: aws.url,
      AWS_ENDPOINT_URL_STS: aws.url,
      // Ambient credentials from an earlier step: only for clusters without a planRoleArn.
      AWS_ACCESS_KEY_ID: DECOY_KEY,
      AWS_SECRET_ACCESS_KEY: DECOY_SECRET,
      AWS_EC2_METADATA_DISABLED: 'true',
    },
  })
  cleanups.push(runner.cleanup)
  const run = await runBundledAction(join(bundle.dir, 'index.js'), runner)
  return { ...run, runnerTemp: runner.runnerTemp }
}

/** Values the run asked the runner to mask (`::add-mask::`): the runner hides them everywhere. */
function maskedValues(run: ActionRun): string[] {
  return (run.stdout + run.stderr)
    .split('\n')
    .filter((l) => l.startsWith('::add-mask::'))
    .map((l) => l.slice('::add-mask::'.length))
}

/** The log as a reader sees it: the runner consumes the add-mask commands themselves. */
function visibleLog(run: ActionRun): string {
  return (run.stdout + run.stderr)
    .split('\n')
    .filter((l) => !l.startsWith('::add-mask::'))
    .join('\n')
}

function expectNoSecrets(run: ActionRun, extra: readonly string[] = []): void {
  const secrets = [TOKEN, READ_ONLY, DECOY_SECRET, ...maskedValues(run), ...extra].filter((s) => s.length >= 8)
  const places = {
    log: visibleLog(run),
    summary: run.summary,
    outputs: JSON.stringify(run.outputs),
    comments: JSON.stringify(gh.comments(7)),
  }
  for (const [where, text] of Object.entries(places))
    for (const s of secrets) expect(text.includes(s), `${where} contains a secret`).toBe(false)
}

/** Markdown as read: backslash escapes removed. */
function unescape(markdown: string): string {
  return markdown.replace(/\\(.)/g, '$1')
}

function eksCalls(cluster: string): FakeAws['calls'] {
  return aws.calls.filter((c) => c.service === 'eks' && c.cluster === cluster)
}

describe('pull_request: the live plan with per-cluster OIDC roles', () => {
  it('creates one sticky comment: marker first (head, shard, hashes), digests last; outputs, summary and plan-file', async () => {
    const run = await runAction()
    expect(run.status, visibleLog(run)).toBe(0)
    expect(visibleLog(run)).toContain('auto: pull_request event → plan')

    const comments = gh.comments(7)
    expect(comments).toHaveLength(1)
    const comment = comments[0]!
    expect(comment.user).toEqual(BOT)
    const [first = ''] = comment.body.split('\n')
    const marker = parseMarker(first)
    expect(marker).toMatchObject({ head: HEAD_1, shard: '*' })
    expect(Object.keys(marker!.clusters).sort()).toEqual(['prod-eu', 'sandbox', 'staging-eu'])
    expect(parseReviewedDigests(comment.body)).toMatchObject({ head: HEAD_1 })
    expect(comment.body.trimEnd().endsWith('-->')).toBe(true)
    expect(comment.body.length).toBeLessThanOrEqual(65_536)
    expect(comment.body).toContain('### eks-access-gate plan · at `111111111111`')
    expect(comment.body).toContain('`role/team-a` **gains access**')

    // The same Markdown is the job summary.
    expect(run.summary).toBe(comment.body)

    // Outputs parse.
    expect(run.outputs['comment-url']).toBe(`https://github.com/acme/infra/pull/7#issuecomment-${comment.id}`)
    expect(run.outputs['has-changes']).toBe('true')
    expect(JSON.parse(run.outputs['clusters'] ?? '')).toEqual(['prod-eu', 'sandbox', 'staging-eu'])
    const summary = JSON.parse(run.outputs['summary'] ?? '') as Record<string, number>
    expect(summary).toMatchObject({ create: 2, associate: 2, delete: 0 })
    const planFile = run.outputs['plan-file'] ?? ''
    expect(planFile.startsWith(run.runnerTemp)).toBe(true)
    expect(existsSync(planFile)).toBe(true)
    const plan = JSON.parse(readFileSync(planFile, 'utf8')) as { clusters: { cluster: string }[] }
    expect(plan.clusters.map((c) => c.cluster)).toEqual(['prod-eu', 'sandbox', 'staging-eu'])
    expectNoSecrets(run)
  })

  it('reads every cluster that names a planRoleArn with that role (each assumed once), never with the ambient decoy key', async () => {
    const run = await runAction()
    expect(run.status, visibleLog(run)).toBe(0)
    const assumes = aws.calls.filter((c) => c.service === 'sts')
    expect(assumes.map((c) => c.operation)).toEqual(['AssumeRoleWithWebIdentity', 'AssumeRoleWithWebIdentity'])
    expect(assumes.every((c) => c.status === 200)).toBe(true)
    // The fake maps a session key to its role's account and the decoy key to 999988887777:
    // a cluster read with the decoy would show that account (and not be found).
    for (const [cluster, account] of [
      ['prod', '111122223333'],
      ['staging', '444455556666'],
    ] as const) {
      const calls = eksCalls(cluster)
      expect(calls.length).toBeGreaterThan(0)
      expect(calls.every((c) => c.account === account && c.status === 200)).toBe(true)
    }
    // The cluster without a role uses the ambient credentials.
    expect(eksCalls('sandbox').every((c) => c.account === '999988887777' && c.status === 200)).toBe(true)
    expect(gh.idTokens.map((t) => t.aud)).toEqual(['sts.amazonaws.com', 'sts.amazonaws.com'])
    // Every session credential (secret key, session token) and the id token were masked.
    expect(maskedValues(run).length).toBeGreaterThanOrEqual(5)
    expectNoSecrets(run)
  })

  it('updates the same comment on the next push (no duplicate), ignoring other authors and quoted markers', async () => {
    const first = await runAction()
    expect(first.status).toBe(0)
    const id = gh.comments(7)[0]!.id
    const quoted = gh.seedComment(7, {
      body: `> ${gh.comments(7)[0]!.body.split('\n')[0]}\nlooks good`,
      user: { login: 'octocat', type: 'User' },
    })
    const spoof = gh.seedComment(7, { body: gh.comments(7)[0]!.body, user: { login: 'mallory', type: 'User' } })

    gh.seedPullRequest({ number: 7, headSha: HEAD_2, baseSha: BASE })
    writeFileSync(join(workspace, 'eks-access.yaml'), MANIFEST.replace('namespaces: [team-a]', 'namespaces: [team-a, team-b]'))
    const second = await runAction({ head: HEAD_2 })
    expect(second.status, visibleLog(second)).toBe(0)

    const ours = gh.comments(7).filter((c) => c.user.login === BOT.login)
    expect(ours.map((c) => c.id)).toEqual([id])
    expect(parseMarker(ours[0]!.body.split('\n')[0]!)?.head).toBe(HEAD_2)
    expect(ours[0]!.body).toContain('team-b')
    expect(gh.comments(7).map((c) => c.id)).toEqual([id, quoted.id, spoof.id])
    expect(gh.writes().map((w) => w.route)).toEqual([
      'POST /repos/{owner}/{repo}/issues/{issue_number}/comments',
      'PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}',
    ])
    expect(second.outputs['comment-url']).toBe(first.outputs['comment-url'])
  })

  it('a run for an older head does not overwrite the comment for the newer head', async () => {
    gh.seedPullRequest({ number: 7, headSha: HEAD_2, baseSha: BASE })
    const newer = await runAction({ head: HEAD_2 })
    expect(newer.status).toBe(0)
    const before = gh.comments(7)[0]!.body

    const older = await runAction({ head: HEAD_1 })
    expect(older.status, visibleLog(older)).toBe(0)
    expect(gh.comments(7)).toHaveLength(1)
    expect(gh.comments(7)[0]!.body).toBe(before)
    expect(gh.writes()).toHaveLength(1)
    expect(visibleLog(older)).toMatch(/not updating the comment on #7 .*current head 222222222222, newer than this run's 111111111111/)
    expect(older.outputs['comment-url']).toBe(newer.outputs['comment-url'])
  })

  it('the clusters input plans a shard: its own comment, marker and clusters output', async () => {
    const whole = await runAction()
    expect(whole.status).toBe(0)
    aws.calls.length = 0
    const shard = await runAction({ inputs: { clusters: 'prod-*' } })
    expect(shard.status, visibleLog(shard)).toBe(0)
    expect(JSON.parse(shard.outputs['clusters'] ?? '')).toEqual(['prod-eu'])
    const comments = gh.comments(7)
    expect(comments).toHaveLength(2)
    const markers = comments.map((c) => parseMarker(c.body.split('\n')[0]!))
    expect(markers.map((m) => m?.shard)).toEqual(['*', 'prod-*'])
    expect(Object.keys(markers[1]!.clusters)).toEqual(['prod-eu'])
    expect(eksCalls('staging')).toEqual([])
    expect(eksCalls('sandbox')).toEqual([])
    expect(eksCalls('prod').length).toBeGreaterThan(0)
  })

  it('a clusters filter that matches nothing is an error, with no comment', async () => {
    const run = await runAction({ inputs: { clusters: 'nope-*' } })
    expect(run.status).toBe(1)
    expect(run.commands).toContainEqual(
      expect.stringMatching(
        /^::error::the clusters input "nope-\*" matches no cluster in the manifest; clusters are: prod-eu, sandbox, staging-eu$/,
      ),
    )
    expect(gh.writes()).toEqual([])
    expect(aws.calls).toEqual([])
  })

  it('an assume the trust policy refuses names the role, the token sub and what to check, as that cluster’s error', async () => {
    await gh.close()
    await aws.close()
    await startFakes({ sts: { trust: (req) => req.roleArn !== PLAN_ROLE_STAGING } })
    gh.seedPullRequest({ number: 7, headSha: HEAD_1, baseSha: BASE })
    const run = await runAction()
    expect(run.status).toBe(1)
    const body = gh.comments(7)[0]?.body ?? ''
    for (const text of [run.summary, body]) {
      // The comment shortens long messages in the middle; role, sub and what to check remain.
      const read = unescape(text)
        .replace(/\u200b/g, '')
        .replace(/&quot;/g, '"')
      expect(read).toContain(`No credentials for EKS cluster "staging" (eu-west-1, account 444455556666, role ${PLAN_ROLE_STAGING})`)
      expect(read).toContain('token.actions.githubusercontent.com:sub matching "repo:acme/infra:pull_request"')
      expect(read).toContain("check that the cluster's `planRoleArn` trusts this repository's OIDC token")
    }
    // The log has the whole message.
    expect(visibleLog(run)).toContain(
      `The token's sub is "repo:acme/infra:pull_request" and aud is "sts.amazonaws.com": the trust policy of ${PLAN_ROLE_STAGING} must allow sts:AssumeRoleWithWebIdentity`,
    )
    expect(visibleLog(run)).toContain(PLAN_ROLE_STAGING)
    expect(eksCalls('staging')).toEqual([])
    expect(eksCalls('prod').length).toBeGreaterThan(0)
    expectNoSecrets(run)
  })
})

describe('pull_request_target', () => {
  it('plans a fork pull request live and comments (the base repository’s token and OIDC)', async () => {
    const run = await runAction({ eventName: 'pull_request_target', fork: true, idToken: true })
    expect(run.status, visibleLog(run)).toBe(0)
    expect(visibleLog(run)).toContain('auto: pull_request_target event → plan')
    expect(gh.comments(7)).toHaveLength(1)
    expect(aws.calls.filter((c) => c.operation === 'AssumeRoleWithWebIdentity')).toHaveLength(2)
  })
})

describe('pull_request: runs that may not or should not write', () => {
  it('a fork run skips the live plan cleanly: validates, says why, no GitHub write, no AWS call, exit 0', async () => {
    const run = await runAction({ fork: true, inputs: { 'github-token': READ_ONLY } })
    expect(run.status, visibleLog(run)).toBe(0)
    expect(gh.writes()).toEqual([])
    // The only GitHub requests are reads of the organisation rules at the base commit.
    expect(gh.requests.filter((r) => !r.path.includes('/contents/') && !r.path.includes('/commits/'))).toEqual([])
    expect(aws.calls).toEqual([])
    const summary = unescape(run.summary)
    expect(summary).toContain('The live plan was skipped: this pull request comes from the fork contributor/infra')
    expect(summary).toContain('This run validated the manifest only; to plan such pull requests offline, set the `state` input')
    expect(summary).toContain('validate: 1 file valid')
    expect(run.outputs['comment-url']).toBeUndefined()
    expectNoSecrets(run)
  })

  it('a fork run with a state snapshot plans offline, still without any GitHub write', async () => {
    const state = {
      version: 1,
      clusters: [
        { name: 'prod', region: 'eu-west-1', accountId: '111122223333', authenticationMode: 'API', entries: [] },
        { name: 'staging', region: 'eu-west-1', accountId: '444455556666', authenticationMode: 'API', entries: [] },
        { name: 'sandbox', region: 'eu-west-1', accountId: '999988887777', authenticationMode: 'API', entries: [] },
      ],
    }
    writeFileSync(join(workspace, 'state.json'), JSON.stringify(state))
    const run = await runAction({ fork: true, inputs: { 'github-token': READ_ONLY, state: 'state.json' } })
    expect(run.status, visibleLog(run)).toBe(0)
    expect(gh.writes()).toEqual([])
    expect(gh.requests.filter((r) => r.method !== 'GET')).toEqual([])
    expect(aws.calls).toEqual([])
    expect(unescape(run.summary)).toContain('This run planned offline against the state snapshot state.json.')
    expect(run.outputs['has-changes']).toBe('true')
    expect(parseMarker(run.summary.split('\n').find((l) => l.startsWith('<!--')) ?? '')).toMatchObject({ head: HEAD_1 })
  })

  it('a read-only token (403) is a warning, not a failure', async () => {
    const run = await runAction({ inputs: { 'github-token': READ_ONLY } })
    expect(run.status, visibleLog(run)).toBe(0)
    expect(run.commands).toContainEqual(
      expect.stringMatching(
        /^::warning::the pull-request comment on #7 was not written: GitHub comment on #7 failed \(403 Resource not accessible by integration\)/,
      ),
    )
    expect(gh.comments(7)).toEqual([])
    expect(run.outputs['comment-url']).toBeUndefined()
    expect(run.outputs['has-changes']).toBe('true')
    expectNoSecrets(run)
  })

  it('a wrong token (401) fails the step with what to check, before any AWS call (the base rules cannot be read)', async () => {
    const run = await runAction({ inputs: { 'github-token': 'ghs_wrongTokenForThisRepository000000000' } })
    expect(run.status).toBe(1)
    expect(run.commands).toContainEqual(
      expect.stringMatching(
        /^::error::cannot read the rules file .* at the base commit .*\(401 Bad credentials\).*check the `github-token` input/,
      ),
    )
    expect(aws.calls).toEqual([])
    expect(gh.comments(7)).toEqual([])
  })

  it('comment: false plans and writes nothing to GitHub', async () => {
    const run = await runAction({ inputs: { comment: 'false' } })
    expect(run.status, visibleLog(run)).toBe(0)
    expect(gh.writes()).toEqual([])
    expect(gh.comments(7)).toEqual([])
    expect(run.outputs['has-changes']).toBe('true')
    expect(run.summary).toContain('## eks-access-gate plan')
  })

  it('an invalid manifest gets a comment listing its errors, annotations, and exit 1; no cluster is read', async () => {
    writeFileSync(join(workspace, 'eks-access.yaml'), BROKEN_MANIFEST)
    const run = await runAction()
    expect(run.status).toBe(1)
    expect(aws.calls).toEqual([])
    const body = gh.comments(7)[0]?.body ?? ''
    expect(parseMarker(body.split('\n')[0]!)).toMatchObject({ head: HEAD_1, clusters: {} })
    expect(body).toContain('❌ **The manifest is invalid: nothing was planned.**')
    expect(body).toContain('- ❌ `eks-access.yaml:9:5` `schema:unknown-key`: unknown key &quot;acessPolicies&quot; in access entry')
    expect(run.commands).toContainEqual(
      expect.stringMatching(/^::error title=schema%3Aunknown-key,file=eks-access.yaml,line=9,col=5::unknown key "acessPolicies"/),
    )
    expect(run.summary).toBe(body)
  })
})
