import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { AwsCallError } from '../../src/aws/port.js'
import { confirmWith } from '../../src/cli.js'
import { applyCommand, asApplyApi, findReviewedPlan } from '../../src/commands/apply.js'
import type { CommandDeps } from '../../src/commands/deps.js'
import type { ApplyRequest } from '../../src/config/requests.js'
import type { GitHubPort, IssueComment, PullRequest } from '../../src/github/port.js'
import { exitCodeOf } from '../../src/outcome.js'
import { formatMarker, formatReviewedDigests, markerDataFor } from '../../src/plan/marker.js'
import { FakeEksPort } from '../apply/fake-port.js'

/**
 * The apply use case with in-memory EKS and GitHub: when it refuses (and that it then makes no
 * call), the CLI confirmation, the reviewed-plan lookup and its fail-safe, the outcome's write.
 */
const dir = mkdtempSync(join(tmpdir(), 'eag-apply-cmd-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const ADMIN = 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy'
const SHA = 'c0ffee0000000000000000000000000000000001'
const HEAD = 'feed000000000000000000000000000000000002'
writeFileSync(
  join(dir, 'eks-access.yaml'),
  `version: 1
clusters:
  prod: { region: eu-west-1, accountId: "111122223333", roleArn: arn:aws:iam::111122223333:role/apply }
accessEntries:
  - principalArn: arn:aws:iam::111122223333:role/admins
    accessPolicies:
      - policyArn: AmazonEKSClusterAdminPolicy
        accessScope: { type: cluster }
`,
)

function request(over: Partial<ApplyRequest> = {}): ApplyRequest {
  return {
    command: 'apply',
    manifest: 'eks-access.yaml',
    rules: { path: '.github/eks-access-rules.yaml', explicit: false },
    expiryWarningDays: 7,
    yes: true,
    findReviewedPlan: false,
    color: false,
    assumeRoles: true,
    clusterTimeoutSeconds: 300,
    ...over,
  }
}

function setup(over: Partial<CommandDeps> = {}) {
  const fake = new FakeEksPort('prod', [
    {
      principalArn: 'arn:aws:iam::111122223333:role/creator',
      type: 'STANDARD',
      kubernetesGroups: [],
      tags: {},
      accessPolicies: [{ policyArn: ADMIN, accessScope: { type: 'cluster', namespaces: [] } }],
    },
  ])
  const targets: unknown[] = []
  const eks = vi.fn(() => (target: unknown) => {
    targets.push(target)
    return fake
  })
  const deps: CommandDeps = {
    cwd: dir,
    env: {},
    now: () => new Date('2026-11-28T12:00:00Z'),
    logger: { info: () => {}, warning: () => {}, debug: () => {} } as unknown as CommandDeps['logger'],
    isFile: () => false,
    validate: vi.fn() as unknown as CommandDeps['validate'],
    eks: eks as unknown as CommandDeps['eks'],
    eksForCluster: vi.fn() as unknown as CommandDeps['eksForCluster'],
    sleep: async () => {},
    ...over,
  }
  return { fake, eks, deps, targets }
}

describe('applyCommand: refusals before any call', () => {
  it.each(['pull_request', 'pull_request_target'])('refuses on %s with exit 1 and builds no AWS port', async (eventName) => {
    const s = setup()
    const o = await applyCommand(request({ eventName }), s.deps)
    expect(exitCodeOf(o)).toBe(1)
    expect(o.failureReason).toBe('apply-on-pull-request')
    expect(o.message).toContain(`apply refused on a ${eventName} event`)
    expect(s.eks).not.toHaveBeenCalled()
    expect(s.fake.log).toEqual([])
  })

  it('without --yes and with no one to ask: exit 2, nothing read', async () => {
    const s = setup()
    const o = await applyCommand(request({ yes: false }), s.deps)
    expect(exitCodeOf(o)).toBe(2)
    expect(o.message).toContain('pass --yes')
    expect(s.eks).not.toHaveBeenCalled()
  })
})

describe('applyCommand: the CLI confirmation', () => {
  it.each([
    ['yes', true],
    [' YES\n', true],
    ['y', false],
    ['', false],
  ])('answer %j applies: %s', async (answer, applies) => {
    const ask = vi.fn(async (_q: string) => answer)
    const s = setup({ confirm: confirmWith(ask) })
    const o = await applyCommand(request({ yes: false }), s.deps)
    expect(ask).toHaveBeenCalledTimes(1)
    expect(ask.mock.calls[0]?.[0]).toContain('arn:aws:iam::111122223333:role/admins')
    expect(ask.mock.calls[0]?.[0]).toContain('Apply these 2 changes? Only "yes" applies')
    expect(s.fake.mutating().length > 0).toBe(applies)
    expect(exitCodeOf(o)).toBe(applies ? 0 : 1)
    if (!applies) expect(o.failureReason).toBe('cancelled')
  })
})

describe('applyCommand: applies with the cluster roleArn and reports', () => {
  it('reads and writes through the apply role, seeds tokens with the commit, and carries report, summary and outputs', async () => {
    const s = setup()
    const o = await applyCommand(request({ commitSha: SHA, planFile: 'out/plan.json' }), s.deps)
    expect(exitCodeOf(o)).toBe(0)
    expect(s.eks).toHaveBeenCalledWith({ purpose: 'apply', assumeRoles: true, clusterTimeoutSeconds: 300 })
    expect(new Set(s.targets.map((t) => (t as { roleArn?: string }).roleArn))).toEqual(new Set(['arn:aws:iam::111122223333:role/apply']))
    expect(s.fake.mutating().map((c) => c.op)).toEqual(['CreateAccessEntry', 'AssociateAccessPolicy'])
    expect(s.fake.mutating()[0]?.token).toMatch(/^[0-9a-f-]{36}$/)
    expect(o.stdout).toContain('Apply: 2 applied, 0 failed, 0 not attempted in 1 cluster')
    expect(o.summary).toContain('## eks-access-gate apply')
    expect(o.outputs).toMatchObject({ 'has-changes': 'true', clusters: '["prod"]', 'plan-file': join(dir, 'out/plan.json') })
    expect(JSON.parse(o.outputs.summary ?? '{}')).toMatchObject({ create: 1, associate: 1 })
    expect(o.files.map((f) => f.path)).toEqual([join(dir, 'out/plan.json')])
    expect(o.writes).toEqual([])
  })

  it('a failed call: exit 1 with the counts; the Applied section goes to the merged PR', async () => {
    const s = setup()
    s.fake.faults.push((call) =>
      call.op === 'AssociateAccessPolicy' ? new AwsCallError('AssociateAccessPolicy', 'AccessDeniedException', 'nope') : undefined,
    )
    const github = fakeGitHub({ pulls: [pull(7)], comments: [] })
    const o = await applyCommand(request({ commitSha: SHA, findReviewedPlan: true }), { ...s.deps, github })
    expect(exitCodeOf(o)).toBe(1)
    expect(o.failureReason).toBe('apply-failed')
    expect(o.message).toBe('apply failed in 1 of 1 clusters: 1 applied, 1 failed, 0 not attempted')
    expect(o.writes).toEqual([expect.objectContaining({ kind: 'applied-section', issueNumber: 7, commitSha: SHA, shard: '*' })])
    const w = o.writes[0] as { section: string }
    expect(w.section).toContain('### Applied (eks-access-gate, commit `c0ffee000000`)')
  })
})

// ───────────────────────────── reviewed plan lookup ─────────────────────────────

function pull(number: number, merged = true): PullRequest {
  return {
    number,
    state: 'closed',
    merged,
    headSha: HEAD,
    baseSha: HEAD,
    headRepoFullName: 'acme/infra',
    htmlUrl: `https://x/pull/${number}`,
  }
}

function comment(id: number, body: string, login = 'github-actions[bot]', type = 'Bot'): IssueComment {
  return { id, htmlUrl: `https://x#${id}`, body, user: { login, type }, createdAt: '', updatedAt: '' }
}

function fakeGitHub(opts: { pulls: PullRequest[] | Error; comments: IssueComment[] }): GitHubPort {
  const unused = (): never => {
    throw new Error('unexpected call')
  }
  return {
    listPullRequestsForCommit: async () => {
      if (opts.pulls instanceof Error) throw opts.pulls
      return opts.pulls
    },
    listIssueComments: async () => opts.comments,
    createIssueComment: unused,
    updateIssueComment: unused,
    deleteIssueComment: unused,
    getPullRequest: unused,
    listIssuesByLabel: unused,
    createIssue: unused,
    updateIssue: unused,
    readFile: unused,
  }
}

const emptyPlan = { version: 1 as const, summary: {} as never, clusters: [], problems: [], planHash: '' }
const markerOnly = (clusters: Record<string, string>): string => formatMarker({ v: 1, head: HEAD, shard: '*', clusters }) + '\nthe plan\n'

describe('findReviewedPlan', () => {
  const hash = 'a'.repeat(64)
  it.each([
    ['a direct push (no merged PR)', { pulls: [pull(3, false)], comments: [] }, 'direct-push'],
    ['a merged PR without our comment', { pulls: [pull(7)], comments: [comment(1, 'hello')] }, 'no-comment'],
    [
      'a look-alike by another user does not count',
      { pulls: [pull(7)], comments: [comment(1, markerOnly({ prod: hash }), 'mallory', 'User')] },
      'no-comment',
    ],
    ['our comment', { pulls: [pull(7)], comments: [comment(1, markerOnly({ prod: hash }))] }, 'found'],
    ['GitHub failing: fail safe', { pulls: new Error('boom'), comments: [] }, 'unreadable'],
  ] as const)('%s → %s', async (_name, gh, kind) => {
    const r = await findReviewedPlan(fakeGitHub({ pulls: gh.pulls as PullRequest[] | Error, comments: [...gh.comments] }), SHA)
    expect(r.kind).toBe(kind)
  })

  it('merges the shards’ comments into one reviewed plan', async () => {
    const r = await findReviewedPlan(
      fakeGitHub({
        pulls: [pull(7)],
        comments: [comment(1, markerOnly({ prod: 'a'.repeat(64) })), comment(2, markerOnly({ staging: 'b'.repeat(64) }))],
      }),
      SHA,
    )
    expect(r.kind === 'found' && r.plan.marker.clusters).toEqual({ prod: 'a'.repeat(64), staging: 'b'.repeat(64) })
  })

  it('with no GitHub port it is unreadable, so deletions are not applied unreviewed', async () => {
    const r = await findReviewedPlan(undefined, SHA)
    expect(r.kind).toBe('unreadable')
    expect(r.notes?.[0]?.message).toContain('every change counts as unreviewed')
  })

  it('digests are read from the end of the body', async () => {
    const body = `${formatMarker(markerDataFor(emptyPlan, HEAD))}\nplan\n${formatReviewedDigests(emptyPlan, HEAD)}\n`
    const r = await findReviewedPlan(fakeGitHub({ pulls: [pull(7)], comments: [comment(1, body)] }), SHA)
    expect(r.kind === 'found' && r.plan.digests?.head).toBe(HEAD)
  })
})

describe('asApplyApi', () => {
  it('keeps a class-based port working and answers DescribeUpdate as unsupported when the port lacks it', async () => {
    const fake = new FakeEksPort('prod')
    const bare = Object.assign(Object.create(fake) as FakeEksPort, { describeUpdate: undefined })
    const api = asApplyApi(bare as never)
    await api.createAccessEntry('prod', { principalArn: 'arn:aws:iam::1:role/x', type: 'STANDARD', kubernetesGroups: [], tags: {} })
    expect(fake.log.map((c) => c.op)).toEqual(['CreateAccessEntry'])
    await expect(api.describeUpdate('prod', 'u-1')).rejects.toMatchObject({ code: 'Unsupported' })
    expect(asApplyApi(fake)).toBe(fake)
  })
})
