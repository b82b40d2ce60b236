import { beforeEach, describe, expect, it, vi, type Mock } from 'vitest'
import { commands } from '../../src/commands/index.js'
import type { PlanRequest } from '../../src/config/index.js'
import { annotationPath, run, type ActionCore, type Deps } from '../../src/main.js'
import { gitHubErrorOf, type GitHubPort } from '../../src/github/port.js'
import { Outcomes, type GitHubWrite } from '../../src/outcome.js'
import { formatMarker, MARKER_PREFIX } from '../../src/plan/marker.js'
import type { Manifest, ManifestCluster, Problem } from '../../src/types.js'
import type { ValidateOptions, ValidateOutcome } from '../../src/manifest/validate.js'

// main.ts imports the real validate module for its production deps; the tests inject their own.
vi.mock('../../src/manifest/validate.js', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../src/manifest/validate.js')>()),
  validateManifests: vi.fn(),
}))

type FakeCore = { [K in keyof ActionCore]: Mock<NonNullable<ActionCore[K]>> } & { summaries: string[] }

function fakeCore(inputs: Record<string, string>): FakeCore {
  const summaries: string[] = []
  return {
    summaries,
    getInput: vi.fn<ActionCore['getInput']>((name) => inputs[name] ?? ''),
    info: vi.fn<ActionCore['info']>(),
    debug: vi.fn<ActionCore['debug']>(),
    warning: vi.fn<ActionCore['warning']>(),
    error: vi.fn<ActionCore['error']>(),
    setFailed: vi.fn<ActionCore['setFailed']>(),
    setOutput: vi.fn<ActionCore['setOutput']>(),
    writeSummary: vi.fn<ActionCore['writeSummary']>(async (md) => void summaries.push(md)),
  }
}

const cluster = (key: string): ManifestCluster => ({
  key,
  name: key,
  region: 'eu-west-1',
  accountId: '111122223333',
  partition: 'aws',
  prune: 'owned',
  adopt: false,
  allowNoClusterAdmin: false,
  locs: { key: { file: 'eks-access.yaml', line: 3, column: 3 } },
})
const manifest: Manifest = { files: ['eks-access.yaml'], clusters: [cluster('prod-eu'), cluster('staging-eu')], accessEntries: [] }
const error: Problem = {
  severity: 'error',
  code: 'schema/unknown-key',
  message: 'unknown key "acessPolicies"',
  file: 'eks-access.yaml',
  line: 12,
  column: 5,
}
const warning: Problem = {
  severity: 'warning',
  code: 'eks/expires-soon',
  message: 'access of a|b expires in 3 days',
  file: 'eks-access.yaml',
  line: 20,
  column: 16,
}

function checked(problems: Problem[]): ValidateOutcome {
  return { kind: 'checked', ok: !problems.some((p) => p.severity === 'error'), problems, manifest, sources: new Map() }
}

interface Harness {
  core: FakeCore
  validate: ReturnType<typeof vi.fn<(o: ValidateOptions) => Promise<ValidateOutcome>>>
  deps: Deps
}

function harness(
  opts: { inputs?: Record<string, string>; env?: Record<string, string>; outcome?: ValidateOutcome; files?: string[]; cwd?: string } = {},
): Harness {
  const core = fakeCore(opts.inputs ?? {})
  const validate = vi.fn(async (_o: ValidateOptions) => opts.outcome ?? checked([]))
  const files = new Set(opts.files ?? [])
  const deps: Deps = {
    core,
    env: { GITHUB_EVENT_NAME: 'workflow_dispatch', GITHUB_WORKSPACE: '/ws', ...opts.env },
    cwd: opts.cwd ?? '/ws',
    now: () => new Date('2026-11-28T12:00:00Z'),
    validate,
    readEvent: () => ({ repository: { default_branch: 'main' } }),
    isFile: (path) => files.has(path),
  }
  return { core, validate, deps }
}

beforeEach(() => vi.clearAllMocks())

describe('run: validate', () => {
  it('annotates each problem at its file, line and column, with the code as title', async () => {
    const h = harness({ inputs: { command: 'validate' }, outcome: checked([error, warning]) })
    await run(h.deps)
    expect(h.core.error).toHaveBeenCalledWith('unknown key "acessPolicies"', {
      file: 'eks-access.yaml',
      startLine: 12,
      startColumn: 5,
      title: 'schema/unknown-key',
    })
    expect(h.core.warning).toHaveBeenCalledWith('access of a|b expires in 3 days', {
      file: 'eks-access.yaml',
      startLine: 20,
      startColumn: 16,
      title: 'eks/expires-soon',
    })
    expect(h.core.error).toHaveBeenCalledTimes(1)
  })

  it('fails only when there are errors, once', async () => {
    const h = harness({ outcome: checked([error, warning]) })
    await run(h.deps)
    expect(h.core.setFailed).toHaveBeenCalledTimes(1)
    expect(h.core.setFailed).toHaveBeenCalledWith('manifest invalid: 1 error, 1 warning in 1 file')
  })

  it.each([[[warning]], [[]]])('does not fail with %j', async (problems) => {
    const h = harness({ outcome: checked(problems) })
    await run(h.deps)
    expect(h.core.setFailed).not.toHaveBeenCalled()
  })

  it('writes one job summary with an escaped table of the problems', async () => {
    const h = harness({ outcome: checked([error, warning]) })
    await run(h.deps)
    expect(h.core.writeSummary).toHaveBeenCalledTimes(1)
    const md = h.core.summaries[0] as string
    expect(md).toContain('| Severity | Location | Code | Message |')
    expect(md).toContain('| error | eks-access.yaml:\u206012:\u20605 | schema/unknown-key | unknown key &quot;acessPolicies&quot; |')
    expect(md).toContain('a\\|b expires')
  })

  it('says the manifest is valid in the summary', async () => {
    const h = harness()
    await run(h.deps)
    expect(h.core.summaries).toEqual(['### ✅ eks-access-gate validate: 1 file valid\n'])
  })

  it('sets the clusters output to the logical cluster names', async () => {
    const h = harness()
    await run(h.deps)
    expect(h.core.setOutput).toHaveBeenCalledWith('clusters', '["prod-eu","staging-eu"]')
  })

  it('passes manifest, cwd, clock and expiry-warning-days to the core', async () => {
    const h = harness({ inputs: { manifest: 'access/*.yaml', 'expiry-warning-days': '14' } })
    await run(h.deps)
    expect(h.validate).toHaveBeenCalledWith({
      manifest: 'access/*.yaml',
      cwd: '/ws',
      now: new Date('2026-11-28T12:00:00Z'),
      expiryWarningDays: 14,
      rules: { path: '.github/eks-access-rules.yaml', explicit: false, source: { kind: 'workspace' } },
    })
  })

  it('fails with the message of a usage outcome and annotates nothing', async () => {
    const h = harness({ outcome: { kind: 'usage', message: 'no file matches "eks-access.yaml"' } })
    await run(h.deps)
    expect(h.core.setFailed).toHaveBeenCalledWith('no file matches "eks-access.yaml"')
    expect(h.core.error).not.toHaveBeenCalled()
    expect(h.core.writeSummary).not.toHaveBeenCalled()
  })

  it('annotates paths relative to the repository root when the step runs in a sub-folder', async () => {
    const h = harness({ cwd: '/ws/infra', outcome: checked([error]) })
    await run(h.deps)
    expect(h.core.error).toHaveBeenCalledWith(expect.any(String), expect.objectContaining({ file: 'infra/eks-access.yaml' }))
  })
})

describe('run: inputs and commands', () => {
  it('fails on a bad input without validating', async () => {
    const h = harness({ inputs: { 'expiry-warning-days': 'soon' } })
    await run(h.deps)
    expect(h.core.setFailed).toHaveBeenCalledWith('invalid input: expiry-warning-days must be a whole number of days (0-3650), got "soon"')
    expect(h.validate).not.toHaveBeenCalled()
  })

  it.each([
    [{ command: 'auto' }, { GITHUB_EVENT_NAME: 'workflow_dispatch' }],
    [{}, { GITHUB_EVENT_NAME: 'schedule' }],
    [{}, { GITHUB_EVENT_NAME: 'push', GITHUB_REF: 'refs/heads/feature', GITHUB_EVENT_PATH: '/e.json' }],
    [{ command: 'validate' }, { GITHUB_EVENT_NAME: 'pull_request' }],
  ])('validates for %j on %j', async (inputs, env) => {
    const h = harness({ inputs, env })
    await run(h.deps)
    expect(h.validate).toHaveBeenCalledTimes(1)
    expect(h.core.setFailed).not.toHaveBeenCalled()
  })

  it.each(['pull_request', 'pull_request_target'])('command: apply on %s fails before reading anything', async (event) => {
    const h = harness({ inputs: { command: 'apply' }, env: { GITHUB_EVENT_NAME: event } })
    await run(h.deps)
    expect(h.validate).not.toHaveBeenCalled()
    expect(h.core.setFailed).toHaveBeenCalledTimes(1)
    expect(h.core.setFailed.mock.calls[0]?.[0]).toContain(`apply refused on a ${event} event`)
    expect(h.core.setFailed.mock.calls[0]?.[0]).toContain('no AWS call was made')
  })

  it('command: auto on a push to the default branch runs apply (which needs the manifest)', async () => {
    const h = harness({ env: { GITHUB_EVENT_NAME: 'push', GITHUB_REF: 'refs/heads/main', GITHUB_EVENT_PATH: '/e.json' } })
    await run(h.deps)
    expect(h.core.info).toHaveBeenCalledWith(expect.stringContaining('auto: push to the default branch main → apply'))
    expect(h.core.setFailed).toHaveBeenCalledTimes(1)
    expect(h.core.setFailed.mock.calls[0]?.[0]).toMatch(/manifest file "eks-access\.yaml" not found/)
  })

  const prPayload = (headRepo = 'acme/infra') => ({
    number: 7,
    repository: { default_branch: 'main', full_name: 'acme/infra' },
    pull_request: {
      number: 7,
      head: { sha: 'c'.repeat(40), repo: { full_name: headRepo } },
      base: { sha: 'b'.repeat(40), repo: { full_name: 'acme/infra' } },
    },
  })
  const oidcEnv = { ACTIONS_ID_TOKEN_REQUEST_URL: 'http://127.0.0.1/t?a=1', ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'req' }

  it.each(['pull_request', 'pull_request_target'])(
    'command: auto on %s runs the live plan for the PR head, with OIDC roles',
    async (event) => {
      const h = harness({ env: { GITHUB_EVENT_NAME: event, GITHUB_EVENT_PATH: '/e.json', ...oidcEnv } })
      const plan = vi.fn(async (_request: PlanRequest) => Outcomes.ok())
      const deps: Deps = { ...h.deps, readEvent: () => prPayload(), commands: { ...commands, plan } }
      await run(deps)
      expect(h.core.info).toHaveBeenCalledWith(expect.stringContaining(`auto: ${event} event → plan`))
      expect(plan).toHaveBeenCalledTimes(1)
      expect(plan.mock.calls[0]?.[0]).toMatchObject({
        command: 'plan',
        assumeRoles: true,
        pullRequest: { number: 7, head: 'c'.repeat(40), shard: '*', comment: true },
      })
      expect(h.validate).not.toHaveBeenCalled()
      expect(h.core.setFailed).not.toHaveBeenCalled()
    },
  )

  it.each<[string, Record<string, string>, string]>([
    ['a fork', oidcEnv, 'this pull request comes from the fork contributor/infra'],
    ['no OIDC token', {}, 'the job has no GitHub OIDC token (add `permissions: id-token: write`'],
  ])('command: auto on a pull request with %s validates, says why the live plan was skipped, and passes', async (_, env, why) => {
    const h = harness({ env: { GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: '/e.json', ...env } })
    const deps: Deps = { ...h.deps, readEvent: () => prPayload(_ === 'a fork' ? 'contributor/infra' : 'acme/infra') }
    await run(deps)
    expect(h.validate).toHaveBeenCalledTimes(1)
    expect(h.core.setFailed).not.toHaveBeenCalled()
    expect(h.core.info).toHaveBeenCalledWith(expect.stringContaining(`The live plan was skipped: ${why}`))
    expect(h.core.summaries[0]).toContain('The live plan was skipped')
    expect(h.core.summaries[0]).toContain('set the \\`state\\` input')
  })

  it('command: auto on a fork pull request still fails an invalid manifest', async () => {
    const h = harness({ env: { GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: '/e.json' }, outcome: checked([error]) })
    await run({ ...h.deps, readEvent: () => prPayload('contributor/infra') })
    expect(h.core.setFailed).toHaveBeenCalledWith('manifest invalid: 1 error, 0 warnings in 1 file')
  })

  it('a pull request event without a readable payload is a clear error, not a plan of nothing', async () => {
    const h = harness({ env: { GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: '/e.json', ...oidcEnv } })
    await run({ ...h.deps, readEvent: () => undefined })
    expect(h.core.setFailed).toHaveBeenCalledWith(expect.stringContaining('has no pull_request.number and pull_request.head.sha'))
  })

  it('command: apply on a pull request fails before anything runs', async () => {
    const h = harness({ inputs: { command: 'apply' }, env: { GITHUB_EVENT_NAME: 'pull_request_target' } })
    await run(h.deps)
    expect(h.core.setFailed).toHaveBeenCalledWith(expect.stringContaining('apply refused on a pull_request_target event'))
  })

  it('logs how command: auto was resolved', async () => {
    const h = harness({ env: { GITHUB_EVENT_NAME: 'schedule' } })
    await run(h.deps)
    expect(h.core.info).toHaveBeenCalledWith(expect.stringContaining('auto: schedule event → validate'))
  })

  it('hands an explicit rules file to the validate stage, and fails with its usage message', async () => {
    const h = harness({
      inputs: { rules: 'policy/rules.yaml' },
      outcome: { kind: 'usage', message: 'rules file "policy/rules.yaml" not found (looked in /ws); check the path or pass --rules' },
    })
    await run(h.deps)
    expect(h.validate).toHaveBeenCalledWith(
      expect.objectContaining({ rules: { path: 'policy/rules.yaml', explicit: true, source: { kind: 'workspace' } } }),
    )
    expect(h.core.setFailed).toHaveBeenCalledWith(
      'rules file "policy/rules.yaml" not found (looked in /ws); check the path or pass --rules',
    )
  })

  it('on a pull request hands the validate stage the base sha and the readers (git, contents API with the token)', async () => {
    const base = 'b'.repeat(40)
    const h = harness({
      inputs: { command: 'validate', 'github-token': 'ghs_x' },
      env: { GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: '/event.json', GITHUB_REPOSITORY: 'acme/infra' },
    })
    h.deps = { ...h.deps, readEvent: () => ({ pull_request: { base: { sha: base } } }) }
    await run(h.deps)
    const source = h.validate.mock.calls[0]?.[0].rules?.source
    expect(source).toMatchObject({ kind: 'base', baseSha: base, git: expect.any(Object), contents: expect.any(Function) })
  })

  it('says nothing about organisation rules outside a pull request (their problems speak for them)', async () => {
    const h = harness({ files: ['/ws/.github/eks-access-rules.yaml'] })
    await run(h.deps)
    expect(h.core.warning).not.toHaveBeenCalled()
    expect(h.core.setFailed).not.toHaveBeenCalled()
  })

  it('never logs the github-token', async () => {
    const token = 'ghs_SuperSecretTokenValue123'
    const h = harness({ inputs: { 'github-token': token, command: 'plan' }, outcome: checked([error]) })
    await run(h.deps)
    const h2 = harness({ inputs: { 'github-token': token }, outcome: checked([error, warning]) })
    await run(h2.deps)
    for (const core of [h.core, h2.core]) {
      for (const [name, fn] of Object.entries(core)) {
        if (name === 'getInput' || name === 'summaries') continue
        expect(JSON.stringify((fn as Mock).mock.calls)).not.toContain(token)
      }
      expect(core.summaries.join('')).not.toContain(token)
    }
  })
})

describe('run: GitHub writes', () => {
  const HEAD = 'c'.repeat(40)
  const write: GitHubWrite = {
    kind: 'sticky-comment',
    issueNumber: 7,
    marker: MARKER_PREFIX,
    body: `${formatMarker({ v: 1, head: HEAD, shard: '*', clusters: {} })}\nplan\n`,
  }
  const withWrite = (inputs: Record<string, string>, port?: GitHubPort) => {
    const h = harness({ inputs: { command: 'plan', ...inputs }, env: { GITHUB_REPOSITORY: 'acme/infra' } })
    const plan = vi.fn(async (_r: PlanRequest) => Outcomes.ok({ writes: [write] }))
    const deps: Deps = { ...h.deps, commands: { ...commands, plan }, ...(port ? { gitHub: () => port } : {}) }
    return { h, deps }
  }
  const stubPort = (overrides: Partial<GitHubPort>): GitHubPort =>
    new Proxy(overrides as GitHubPort, {
      get: (target, name) =>
        (target as unknown as Record<string | symbol, unknown>)[name] ?? (() => Promise.reject(new Error(`unexpected ${String(name)}`))),
    })

  it('performs the write and sets comment-url', async () => {
    const created = {
      id: 1,
      htmlUrl: 'https://github.com/acme/infra/pull/7#issuecomment-1',
      body: write.body,
      user: undefined,
      createdAt: '',
      updatedAt: '',
    }
    const port = stubPort({
      getPullRequest: async () => ({
        number: 7,
        state: 'open',
        merged: false,
        headSha: HEAD,
        baseSha: HEAD,
        headRepoFullName: 'acme/infra',
        htmlUrl: '',
      }),
      listIssueComments: async () => [],
      createIssueComment: async () => created,
    })
    const { h, deps } = withWrite({ 'github-token': 'ghs_x' }, port)
    await run(deps)
    expect(h.core.setOutput).toHaveBeenCalledWith('comment-url', created.htmlUrl)
    expect(h.core.setFailed).not.toHaveBeenCalled()
  })

  it('warns, and posts nothing, without a github-token', async () => {
    const { h, deps } = withWrite({})
    await run(deps)
    expect(h.core.warning).toHaveBeenCalledWith(expect.stringContaining('nothing was posted to GitHub: the `github-token` input is empty'))
    expect(h.core.setFailed).not.toHaveBeenCalled()
  })

  it('fails the step when a write fails for another reason than 403', async () => {
    const port = stubPort({
      getPullRequest: async () => Promise.reject(gitHubErrorOf(401, 'Bad credentials', 'get pull request #7')),
      listIssueComments: async () => Promise.reject(gitHubErrorOf(401, 'Bad credentials', 'list comments of #7')),
    })
    const { h, deps } = withWrite({ 'github-token': 'ghs_wrong' }, port)
    await run(deps)
    expect(h.core.setFailed).toHaveBeenCalledWith(
      expect.stringMatching(/^the pull-request comment on #7 was not written: .*401 Bad credentials/),
    )
  })
})

describe('run: unexpected exceptions', () => {
  it('turns a thrown error into one setFailed, with the stack only in debug', async () => {
    const h = harness()
    h.validate.mockRejectedValue(new Error('boom'))
    await expect(run(h.deps)).resolves.toBeUndefined()
    expect(h.core.setFailed).toHaveBeenCalledTimes(1)
    expect(h.core.setFailed).toHaveBeenCalledWith('internal error: boom')
    expect(h.core.debug).toHaveBeenCalledWith(expect.stringContaining('Error: boom'))
    expect(h.core.info).not.toHaveBeenCalledWith(expect.stringContaining('Error: boom'))
  })

  it('shows the stack in the log with EKS_ACCESS_GATE_DEBUG=1', async () => {
    const h = harness({ env: { EKS_ACCESS_GATE_DEBUG: '1' } })
    h.validate.mockRejectedValue(new Error('boom'))
    await run(h.deps)
    expect(h.core.info).toHaveBeenCalledWith(expect.stringContaining('Error: boom'))
  })

  it.each([
    ['a string', 'internal error: a string'],
    [{ reason: 'x' }, 'internal error: {"reason":"x"}'],
    [null, 'internal error: null'],
  ])('formats a non-Error throw (%j) instead of passing silently', async (thrown, message) => {
    const h = harness()
    h.validate.mockRejectedValue(thrown)
    await run(h.deps)
    expect(h.core.setFailed).toHaveBeenCalledWith(message)
  })

  it('fails when the job summary cannot be written', async () => {
    const h = harness()
    h.core.writeSummary.mockRejectedValue(new Error('EACCES: summary file'))
    await run(h.deps)
    expect(h.core.setFailed).toHaveBeenCalledWith('internal error: EACCES: summary file')
  })
})

describe('annotationPath', () => {
  it.each([
    ['a.yaml', '/ws', '/ws', 'a.yaml'],
    ['a.yaml', '/ws/sub', '/ws', 'sub/a.yaml'],
    ['/ws/x/a.yaml', '/ws', '/ws', 'x/a.yaml'],
    ['a.yaml', '/elsewhere', '/ws', 'a.yaml'],
  ])('%s from %s in %s → %s', (file, cwd, workspace, expected) => {
    expect(annotationPath(file, cwd, workspace)).toBe(expected)
  })
})
