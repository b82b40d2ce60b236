import { execFile, execFileSync } from 'node:child_process'
import { rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { prepareRunner, pullRequestEvent, runBundledAction, startFakeGitHub, type FakeGitHub } from '../fake-github/index.js'
import { useBundle } from './bundle.js'
import { createTrees, RELAXED_RULES, STRICT_RULES } from '../support/rules-trees.js'

/**
 * Organisation rules end to end, through the bundles as ncc builds them: the CLI's exit codes and
 * `FILE:LINE:COL: error rule:<id>: …` lines, and the action on a `pull_request` whose head relaxes
 * the rules file — the run still fails on the base commit's rules, read through the contents API
 * (the workspace has no history, as after a depth-1 checkout) or through git (base commit present).
 */
const RULES = '.github/eks-access-rules.yaml'
const TOKEN = 'ghs_rulesE2eTokenThatMustNeverBePrinted'
const BASE = '1111111111111111111111111111111111111111'
const HEAD = '2222222222222222222222222222222222222222'

const MANIFEST = [
  'version: 1',
  'clusters:',
  '  prod-eu:',
  '    region: eu-west-1',
  '    accountId: "111122223333"',
  'accessEntries:',
  '  - principalArn: arn:aws:iam::111122223333:role/platform-admin',
  '    clusters: [prod-eu]',
  '    tags: { owner: platform }',
  '    accessPolicies:',
  '      - policyArn: AmazonEKSClusterAdminPolicy',
  '        accessScope: { type: cluster }',
  '  - principalArn: arn:aws:iam::111122223333:user/alice',
  '    clusters: [prod-eu]',
  '    accessPolicies:',
  '      - policyArn: AmazonEKSViewPolicy',
  '        accessScope: { type: cluster }',
  '',
].join('\n')
const STRICT = STRICT_RULES
/** What the pull request changes the rules file to: IAM users allowed again. */
const RELAXED = RELAXED_RULES

const VIOLATION =
  'eks-access.yaml:13:19: error rule:no-iam-users: Grant access to a role: principal "arn:aws:iam::111122223333:user/alice" matches denied pattern "arn:aws:iam::*:user/*"'

let bundle: { dir: string; cleanup: () => void }
const dirs: string[] = []
beforeAll(() => {
  bundle = useBundle()
})
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
  trees.cleanup()
  bundle.cleanup()
})

const trees = createTrees('eag-rules-e2e-')
const tree = trees.tree

interface Run {
  code: number
  stdout: string
  stderr: string
}

function cli(args: string[], cwd: string): Promise<Run> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [join(bundle.dir, 'cli', 'index.js'), ...args],
      { cwd, env: { PATH: process.env['PATH'] ?? '' }, encoding: 'utf8' },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1
        done({ code, stdout, stderr })
      },
    )
  })
}

describe('bundled CLI: validate with organisation rules', () => {
  it('a violation: exit 1 with FILE:LINE:COL: error rule:<id>: …', async () => {
    const run = await cli(['validate'], tree({ 'eks-access.yaml': MANIFEST, [RULES]: STRICT }))
    expect(run.code, run.stderr).toBe(1)
    expect(run.stdout.split('\n')).toContain(VIOLATION)
    expect(run.stdout).toMatch(/1 error, 1 warning in 1 file\n$/)
    expect(run.stderr).toBe('')
  })

  it('warnings only: exit 0', async () => {
    const run = await cli(['validate', '--rules', 'rules.yaml'], tree({ 'eks-access.yaml': MANIFEST, 'rules.yaml': RELAXED }))
    expect(run.code, run.stderr).toBe(0)
    expect(run.stdout).toBe(
      [
        'eks-access.yaml:13:5: warning rule:owner: missing required tag "owner"',
        '  13 |   - principalArn: arn:aws:iam::111122223333:user/alice',
        '     |     ^',
        '',
        '0 errors, 1 warning in 1 file',
        '',
      ].join('\n'),
    )
  })

  it('a broken rules file: exit 1, located in the rules file with its source line', async () => {
    const broken = STRICT.replace('denied-principals', 'denied-principal')
    const run = await cli(['validate', '--format', 'json'], tree({ 'eks-access.yaml': MANIFEST, [RULES]: broken }))
    expect(run.code).toBe(1)
    expect(JSON.parse(run.stdout)).toMatchObject({
      ok: false,
      problems: [{ severity: 'error', code: 'schema:enum', file: RULES, line: 4, column: 11 }],
    })
    const text = await cli(['validate'], tree({ 'eks-access.yaml': MANIFEST, [RULES]: broken }))
    expect(text.stdout).toContain(`${RULES}:4:11: error schema:enum: rule "no-iam-users": invalid kind "denied-principal"`)
    expect(text.stdout).toContain('  4 |     kind: denied-principal\n    |           ^\n')
  })

  it('an explicit --rules file that is missing: exit 2', async () => {
    const run = await cli(['validate', '--rules', 'nope.yaml'], tree({ 'eks-access.yaml': MANIFEST }))
    expect(run.code).toBe(2)
    expect(run.stderr).toMatch(/^eks-access-gate: rules file "nope\.yaml" not found/)
    expect(run.stdout).toBe('')
  })

  it('plan --state fails on an error-severity violation before reading the snapshot', async () => {
    const run = await cli(['plan', '--state', 'missing-state.json'], tree({ 'eks-access.yaml': MANIFEST, [RULES]: STRICT }))
    expect(run.code).toBe(1)
    expect(run.stderr).toContain(VIOLATION)
  })
})

// ───────────────────────────── the action on a pull request ─────────────────────────────

describe('bundled action: a pull request cannot relax its own gate', () => {
  let gh: FakeGitHub
  beforeAll(async () => {
    gh = await startFakeGitHub({ tokens: { [TOKEN]: { access: 'read-only' } } })
    gh.seedPullRequest({ number: 7, headSha: HEAD, baseSha: BASE })
    gh.seedFile(BASE, RULES, STRICT)
  })
  afterAll(async () => gh.close())
  afterEach(() => {
    gh.requests.length = 0
  })

  const inputs = (command: string, extra: Record<string, string> = {}) => ({
    command,
    manifest: 'eks-access.yaml',
    rules: RULES,
    'github-token': TOKEN,
    comment: 'true',
    clusters: '',
    audience: 'sts.amazonaws.com',
    state: '',
    'expiry-warning-days': '7',
    'fail-on-drift': 'false',
    ...extra,
  })

  function runner(workspace: string, command: string, extra: Record<string, string> = {}, baseSha = BASE, idToken = false) {
    const prepared = prepareRunner({
      eventName: 'pull_request',
      event: pullRequestEvent({ number: 7, headSha: HEAD, baseSha }),
      workspace,
      inputs: inputs(command, extra),
      env: { ...gh.actionEnv({ idToken }), PATH: process.env['PATH'] ?? '' },
    })
    dirs.push(prepared.runnerTemp)
    return prepared
  }

  const contentsReads = () => gh.requests.filter((r) => r.route.includes('/contents/')).map((r) => r.path)

  it('no history in the workspace: the base rules come from the contents API, and the run fails on them', async () => {
    const ws = tree({ 'eks-access.yaml': MANIFEST, [RULES]: RELAXED })
    const run = await runBundledAction(join(bundle.dir, 'index.js'), runner(ws, 'validate'))
    expect(run.status, run.stdout + run.stderr).toBe(1)
    expect(run.commands).toContain(
      '::error title=rule%3Ano-iam-users,file=eks-access.yaml,line=13,col=19::Grant access to a role: principal "arn:aws:iam::111122223333:user/alice" matches denied pattern "arn:aws:iam::*:user/*"',
    )
    expect(run.commands.at(-1)).toBe('::error::manifest invalid: 1 error, 1 warning in 1 file')
    expect(contentsReads()).toEqual([`/repos/acme/infra/contents/${RULES.replace('/', '%2F')}?ref=${BASE}`])
    expect(run.stdout).toContain(`organisation rules: 2 rules from ${RULES} at the base commit 111111111111 (read via the contents API)`)
    // the PR's change is announced: a warning in the log and a section in the summary
    expect(run.commands).toContainEqual(expect.stringMatching(/^::warning::this pull request changes the organisation rules/))
    expect(run.summary).toContain('#### ⚠️ This pull request changes the organisation rules')
    expect(run.summary).toContain('**would be removed**')
    expect(gh.writes()).toEqual([])
    expect(run.stdout + run.stderr + run.summary).not.toContain(TOKEN)
  })

  it('plan (offline, with a state snapshot) judges by the base rules too', async () => {
    const ws = tree({ 'eks-access.yaml': MANIFEST, [RULES]: RELAXED, 'state.json': '{}' })
    const run = await runBundledAction(join(bundle.dir, 'index.js'), runner(ws, 'plan', { state: 'state.json' }))
    expect(run.status, run.stdout + run.stderr).toBe(1)
    expect(run.commands).toContainEqual(expect.stringMatching(/^::error title=rule%3Ano-iam-users,file=eks-access\.yaml,line=13,col=19::/))
    expect(contentsReads()).toHaveLength(1)
  })

  // An id token and a token that may write: a same-repository pull request (the manifest fails
  // before any AWS call, so no AWS endpoint is needed).
  it('plan with a token that may comment: the sticky comment says the PR relaxes the rules and which violation would go', async () => {
    const writer = 'ghs_rulesE2eWriterTokenNeverPrinted'
    gh.addToken(writer, { access: 'read-write' })
    const ws = tree({ 'eks-access.yaml': MANIFEST, [RULES]: RELAXED, 'state.json': '{}' })
    const run = await runBundledAction(
      join(bundle.dir, 'index.js'),
      runner(ws, 'plan', { state: 'state.json', 'github-token': writer }, BASE, true),
    )
    // the verdict is the base rules': the IAM user still fails the run
    expect(run.status, run.stdout + run.stderr).toBe(1)
    const comments = gh.comments(7)
    expect(comments).toHaveLength(1)
    const body = comments[0]!.body
    expect(body.split('\n')[0]).toMatch(/^<!-- eks-access-gate /)
    expect(body).toContain(`**This pull request changes the organisation rules** (\`${RULES}\`)`)
    expect(body).toContain('judged by the rules at the base commit `111111111111`')
    expect(body).toContain('After merge its rules would add 0 violations and remove 1 violation.')
    expect(body).toMatch(/\*\*Violations the new rules would remove\*\* \(1\)\n\n- ❌ `eks-access\.yaml:13:19` `rule:no-iam-users`: /)
    // the errors the base rules found are listed too, and the summary is the same Markdown
    expect(body).toContain('**Manifest problems: 1 error, 1 warning**')
    expect(run.summary).toContain('**This pull request changes the organisation rules**')
    expect(run.commands).toContainEqual(expect.stringMatching(/^::warning::this pull request changes the organisation rules/))
    expect(run.stdout + run.stderr + run.summary + body).not.toContain(writer)
  })

  it('the base cannot be read: the run fails, never falling back to the PR`s rules', async () => {
    const ws = tree({ 'eks-access.yaml': MANIFEST, [RULES]: RELAXED })
    const unknown = '3333333333333333333333333333333333333333'
    const run = await runBundledAction(join(bundle.dir, 'index.js'), runner(ws, 'validate', {}, unknown))
    expect(run.status).toBe(1)
    expect(run.commands.at(-1)).toMatch(
      /^::error::cannot read the rules file "\.github\/eks-access-rules\.yaml" at the base commit 333333333333/,
    )
    expect(run.commands.at(-1)).toContain('the base commit is unknown to GitHub')
  })

  it('the base commit is in the clone: read through git, no GitHub call', async () => {
    const repo = tree({ 'eks-access.yaml': MANIFEST, [RULES]: STRICT })
    const git = (...args: string[]): string =>
      execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', '-c', 'commit.gpgsign=false', ...args], {
        cwd: repo,
        encoding: 'utf8',
      }).trim()
    git('init', '-q')
    git('add', '-A')
    git('commit', '-qm', 'base: strict rules')
    const base = git('rev-parse', 'HEAD')
    writeFileSync(join(repo, RULES), RELAXED)
    git('commit', '-qam', 'head: relax the rules')
    const run = await runBundledAction(join(bundle.dir, 'index.js'), runner(repo, 'validate', {}, base))
    expect(run.status, run.stdout + run.stderr).toBe(1)
    expect(run.commands).toContainEqual(expect.stringMatching(/^::error title=rule%3Ano-iam-users,file=eks-access\.yaml,line=13,col=19::/))
    expect(run.stdout).toContain(`at the base commit ${base.slice(0, 12)} (read via git)`)
    expect(contentsReads()).toEqual([])
  })
})
