import { execFileSync, spawnSync } from 'node:child_process'
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { useBundle } from './bundle.js'

/**
 * Runs the bundled action (`dist/index.js` as ncc builds it, from a fresh build in a temp folder)
 * the way the runner does: `node index.js` with INPUT_* and GITHUB_* in the environment, reading
 * workflow commands from stdout and the summary and outputs from their files.
 */
const root = resolve(import.meta.dirname, '..', '..')
const fixtures = join(root, 'test', 'fixtures', 'validate')
const TOKEN = 'ghs_e2eFakeTokenThatMustNeverBePrinted'

let bundleDir = ''
let cleanupBundle = (): void => {}
const workspaces: string[] = []

beforeAll(() => {
  ;({ dir: bundleDir, cleanup: cleanupBundle } = useBundle())
})

afterAll(() => {
  for (const dir of workspaces) rmSync(dir, { recursive: true, force: true })
  cleanupBundle()
})

interface RunResult {
  status: number | null
  stdout: string
  stderr: string
  commands: string[]
  summary: string
  outputs: string
}

function workspace(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'eag-e2e-ws-'))
  workspaces.push(dir)
  for (const [name, from] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true })
    copyFileSync(from, join(dir, name))
  }
  return dir
}

/** Input names keep their dashes (INPUT_EXPIRY-WARNING-DAYS), so they go through spawn's env object. */
function runAction(ws: string, inputs: Record<string, string>, env: Record<string, string> = {}): RunResult {
  const runnerTemp = join(ws, '.runner-temp')
  mkdirSync(runnerTemp, { recursive: true })
  const summaryFile = join(runnerTemp, 'step-summary.md')
  const outputFile = join(runnerTemp, 'output.txt')
  const eventFile = join(runnerTemp, 'event.json')
  writeFileSync(summaryFile, '')
  writeFileSync(outputFile, '')
  writeFileSync(eventFile, JSON.stringify({ repository: { default_branch: 'main', full_name: 'acme/infra' } }))
  const inputEnv = Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v]))
  const result = spawnSync(process.execPath, [join(bundleDir, 'index.js')], {
    cwd: ws,
    encoding: 'utf8',
    env: {
      GITHUB_ACTIONS: 'true',
      GITHUB_STEP_SUMMARY: summaryFile,
      GITHUB_OUTPUT: outputFile,
      GITHUB_EVENT_NAME: 'workflow_dispatch',
      GITHUB_EVENT_PATH: eventFile,
      GITHUB_WORKSPACE: ws,
      GITHUB_REPOSITORY: 'acme/infra',
      GITHUB_REF: 'refs/heads/main',
      RUNNER_TEMP: runnerTemp,
      ...inputEnv,
      ...env,
    },
  })
  return {
    status: result.status,
    stdout: result.stdout,
    stderr: result.stderr,
    commands: result.stdout.split('\n').filter((l) => l.startsWith('::')),
    summary: readFileSync(summaryFile, 'utf8'),
    outputs: readFileSync(outputFile, 'utf8'),
  }
}

/** The action.yml defaults, as the runner passes them. */
const defaults = {
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

describe('bundled action: validate', () => {
  it('annotates a broken manifest at file:line:col, writes the summary and exits 1', () => {
    const ws = workspace({ 'access/eks-access.yaml': join(fixtures, 'e2e-broken.yaml') })
    const r = runAction(ws, { ...defaults, command: 'validate', manifest: 'access/*.yaml' })
    expect(r.status, r.stderr).toBe(1)
    expect(r.commands).toEqual([
      '::error title=schema%3Aunknown-key,file=access/eks-access.yaml,line=10,col=5::unknown key "acessPolicies" in access entry; did you mean "accessPolicies"?',
      '::warning title=manifest%3Aunmatched-selector,file=access/eks-access.yaml,line=12,col=25::clusters item "dev-*" matches no cluster; known clusters: prod-eu',
      '::error title=eks%3Akubernetes-group,file=access/eks-access.yaml,line=13,col=24::kubernetesGroups item "system:masters": groups cannot start with system:; for cluster-admin use AmazonEKSClusterAdminPolicy with cluster scope',
      '::error::manifest invalid: 2 errors, 1 warning in 1 file',
    ])
    expect(r.summary).toBe(
      [
        '### ❌ eks-access-gate validate: 2 errors, 1 warning in 1 file',
        '',
        '| Severity | Location | Code | Message |',
        '| --- | --- | --- | --- |',
        // safe.ts `text` in each cell; a word joiner after each colon of location and code (no break, no emoji)
        '| error | access/eks-access.yaml:\u206010:\u20605 | schema:\u2060unknown-key | unknown key &quot;acessPolicies&quot; in access entry; did you mean &quot;accessPolicies&quot;? |',
        '| warning | access/eks-access.yaml:\u206012:\u206025 | manifest:\u2060unmatched-selector | clusters item &quot;dev-\\*&quot; matches no cluster; known clusters: prod-eu |',
        '| error | access/eks-access.yaml:\u206013:\u206024 | eks:\u2060kubernetes-group | kubernetesGroups item &quot;system:\u200bmasters&quot;: groups cannot start with system:\u200b; for cluster-admin use AmazonEKSClusterAdminPolicy with cluster scope |',
        '',
      ].join('\n'),
    )
    expect(r.stdout + r.stderr + r.summary + r.outputs).not.toContain(TOKEN)
    expect(r.stderr).toBe('')
  })

  it('passes a valid manifest with exit 0 and outputs the cluster names', () => {
    const ws = workspace({ 'eks-access.yaml': join(root, 'examples', 'eks-access.yaml') })
    const r = runAction(ws, defaults)
    expect(r.status, r.stdout + r.stderr).toBe(0)
    expect(r.commands).toEqual([])
    expect(r.stdout).toContain('auto: workflow_dispatch event → validate')
    expect(r.summary).toBe('### ✅ eks-access-gate validate: 1 file valid\n')
    expect(r.outputs).toMatch(/^clusters<<(ghadelimiter_[0-9a-f-]+)\n\["prod-eu","staging-eu"\]\n\1\n$/)
    expect(r.stdout + r.stderr + r.summary + r.outputs).not.toContain(TOKEN)
  })

  it('fails with the one message when no manifest matches', () => {
    const ws = workspace({})
    const r = runAction(ws, { ...defaults, command: 'validate' })
    expect(r.status).toBe(1)
    expect(r.commands).toHaveLength(1)
    expect(r.commands[0]).toMatch(/^::error::manifest file "eks-access\.yaml" not found/)
    expect(r.stderr).not.toMatch(/\bat .*\.js:\d+/)
  })

  it('rejects a bad input before reading anything', () => {
    const ws = workspace({ 'eks-access.yaml': join(root, 'examples', 'eks-access.yaml') })
    const r = runAction(ws, { ...defaults, 'expiry-warning-days': 'soon' })
    expect(r.status).toBe(1)
    expect(r.commands).toEqual(['::error::invalid input: expiry-warning-days must be a whole number of days (0-3650), got "soon"'])
    expect(r.summary).toBe('')
  })

  it('command: auto on a pull request without an OIDC token validates, says why the live plan was skipped, and passes', () => {
    const ws = workspace({ 'eks-access.yaml': join(root, 'examples', 'eks-access.yaml') })
    // On a pull request the organisation rules are read at the base commit: here a local git commit.
    const git = (...args: string[]): string =>
      execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', '-c', 'commit.gpgsign=false', ...args], {
        cwd: ws,
        encoding: 'utf8',
      }).trim()
    git('init', '-q')
    git('add', '-A')
    git('commit', '-qm', 'base')
    const event = join(ws, '.runner-temp-event.json')
    const repo = { full_name: 'acme/infra', default_branch: 'main' }
    const head = { sha: 'c'.repeat(40), repo }
    writeFileSync(
      event,
      JSON.stringify({ number: 7, repository: repo, pull_request: { number: 7, head, base: { sha: git('rev-parse', 'HEAD'), repo } } }),
    )
    const r = runAction(ws, defaults, {
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_REF: 'refs/pull/7/merge',
      GITHUB_EVENT_PATH: event,
      PATH: process.env['PATH'] ?? '',
    })
    expect(r.status, r.stdout + r.stderr).toBe(0)
    expect(r.commands).toEqual([])
    expect(r.stdout).toContain('auto: pull_request event → plan')
    expect(r.stdout).toContain('The live plan was skipped: the job has no GitHub OIDC token')
    expect(r.summary).toContain('The live plan was skipped')
    expect(r.summary).toContain('1 file valid')
    expect(r.stdout).toContain('organisation rules: no rules file at the base commit')
  })

  it('command: plan with a state snapshot writes the Markdown plan to the summary and sets the outputs', () => {
    const ws = workspace({
      'eks-access.yaml': join(root, 'examples', 'eks-access.yaml'),
      'state.json': join(root, 'examples', 'state.json'),
    })
    const r = runAction(ws, { ...defaults, command: 'plan', state: 'state.json' })
    expect(r.status, r.stdout + r.stderr).toBe(0)
    expect(r.summary).toContain('prod-eu')
    expect(r.outputs).toContain('has-changes<<')
    expect(r.outputs).toMatch(/plan-file<<(ghadelimiter_[0-9a-f-]+)\n.*eks-access-gate-plan\.json\n\1\n/)
  })

  // Every action command runs in this version; apply has its own end-to-end tests (apply.e2e.test.ts).
})

describe('bundled CLI', () => {
  it('runs the README quickstart: validate examples/eks-access.yaml exits 0', () => {
    const r = spawnSync(process.execPath, [join(bundleDir, 'cli', 'index.js'), 'validate', '--manifest', 'examples/eks-access.yaml'], {
      cwd: root,
      encoding: 'utf8',
      env: { NO_COLOR: '1' },
    })
    expect(r.status, r.stdout + r.stderr).toBe(0)
    expect(r.stdout).toMatch(/^\d+ files? valid\n$/)
  })

  it('prints the version from package.json', () => {
    const r = spawnSync(process.execPath, [join(bundleDir, 'cli', 'index.js'), '--version'], { encoding: 'utf8', env: {} })
    expect(r.status).toBe(0)
    expect(r.stdout).toBe(`${(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version}\n`)
  })
})
