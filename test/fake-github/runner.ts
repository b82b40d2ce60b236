import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/**
 * The runner side of an end-to-end test: real-shaped event payloads, the environment and files a
 * JavaScript action step gets (GITHUB-RUNNER.md), a child-process run of the bundle, and a parser
 * for GITHUB_OUTPUT. Use `runBundledAction` (async spawn), never spawnSync, when a fake server runs
 * in the test process: a blocked event loop cannot answer the child's requests.
 */

export interface PullRequestEventInput {
  readonly action?: 'opened' | 'synchronize' | 'reopened' | 'closed'
  readonly number: number
  readonly headSha: string
  readonly baseSha: string
  /** Default `acme/infra`. */
  readonly repository?: string
  /** A different repository makes a fork PR (default: the base repository). */
  readonly headRepoFullName?: string
  readonly headRef?: string
  readonly baseRef?: string
  readonly defaultBranch?: string
  readonly merged?: boolean
}

export interface PushEventInput {
  readonly after: string
  readonly before?: string
  /** e.g. `refs/heads/main` (default). */
  readonly ref?: string
  readonly repository?: string
  readonly defaultBranch?: string
}

const repositoryJson = (fullName: string, defaultBranch: string, fork: boolean): Record<string, unknown> => {
  const [owner = '', name = ''] = fullName.split('/')
  return {
    id: 1,
    name,
    full_name: fullName,
    private: false,
    fork,
    default_branch: defaultBranch,
    owner: { login: owner, type: 'Organization' },
  }
}

export function pullRequestEvent(input: PullRequestEventInput): Record<string, unknown> {
  const repository = input.repository ?? 'acme/infra'
  const defaultBranch = input.defaultBranch ?? 'main'
  const headRepo = input.headRepoFullName ?? repository
  const headRef = input.headRef ?? `feature-${input.number}`
  const baseRef = input.baseRef ?? defaultBranch
  return {
    action: input.action ?? 'opened',
    number: input.number,
    pull_request: {
      number: input.number,
      state: input.action === 'closed' ? 'closed' : 'open',
      merged: input.merged ?? false,
      html_url: `https://github.com/${repository}/pull/${input.number}`,
      head: {
        ref: headRef,
        sha: input.headSha,
        label: `${headRepo.split('/')[0]}:${headRef}`,
        repo: repositoryJson(headRepo, defaultBranch, headRepo !== repository),
      },
      base: {
        ref: baseRef,
        sha: input.baseSha,
        label: `${repository.split('/')[0]}:${baseRef}`,
        repo: repositoryJson(repository, defaultBranch, false),
      },
      user: { login: 'octocat', type: 'User' },
    },
    repository: repositoryJson(repository, defaultBranch, false),
    sender: { login: 'octocat', type: 'User' },
  }
}

/** A fork PR: the head lives in `fork/…` (the runner then gives a read-only token and no id token). */
export function forkPullRequestEvent(input: PullRequestEventInput & { fork?: string }): Record<string, unknown> {
  const repository = input.repository ?? 'acme/infra'
  return pullRequestEvent({ ...input, headRepoFullName: input.fork ?? `contributor/${repository.split('/')[1] ?? 'repo'}` })
}

export function pushEvent(input: PushEventInput): Record<string, unknown> {
  const repository = input.repository ?? 'acme/infra'
  const defaultBranch = input.defaultBranch ?? 'main'
  return {
    ref: input.ref ?? `refs/heads/${defaultBranch}`,
    before: input.before ?? '0'.repeat(40),
    after: input.after,
    created: false,
    deleted: false,
    forced: false,
    head_commit: { id: input.after, message: 'Merge pull request', timestamp: '2026-01-01T00:00:00Z' },
    repository: repositoryJson(repository, defaultBranch, false),
    sender: { login: 'octocat', type: 'User' },
  }
}

export interface RunnerSetup {
  /** `pull_request`, `push`, `schedule`, `workflow_dispatch`, … */
  readonly eventName: string
  readonly event: Record<string, unknown>
  /** Default `acme/infra`. */
  readonly repository?: string
  /** Default: `refs/pull/N/merge` for pull_request, the payload's `ref` for push, else `refs/heads/main`. */
  readonly ref?: string
  /** Default: a fixed test-merge sha for pull_request, `after` for push. */
  readonly sha?: string
  readonly runId?: string
  /** The workspace (default: a fresh temp folder, removed by cleanup). */
  readonly workspace?: string
  /** Action inputs by their action.yml name; names keep their dashes (`INPUT_GITHUB-TOKEN`). */
  readonly inputs?: Readonly<Record<string, string>>
  /** Extra environment (e.g. `fake.actionEnv()`, AWS endpoints), applied last. */
  readonly env?: Readonly<Record<string, string>>
}

export interface PreparedRunner {
  readonly env: Record<string, string>
  readonly workspace: string
  readonly runnerTemp: string
  readonly eventPath: string
  readonly outputFile: string
  readonly summaryFile: string
  readOutputs(): Record<string, string>
  readSummary(): string
  cleanup(): void
}

export const TEST_MERGE_SHA = 'a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0'

/** The env name the runner gives an input: spaces → `_`, upper-cased, dashes kept. */
export function inputEnvName(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`
}

/**
 * Fresh per-step files under `$RUNNER_TEMP/_runner_file_commands/` and the variables the runner
 * always sets. The environment starts empty (no host GITHUB_TOKEN or AWS keys leak in); HOME points
 * into RUNNER_TEMP so no host `~/.aws` is read.
 */
export function prepareRunner(setup: RunnerSetup): PreparedRunner {
  const own: string[] = []
  const workspace = setup.workspace ?? mkdtempSync(join(tmpdir(), 'eag-runner-ws-'))
  if (setup.workspace === undefined) own.push(workspace)
  const runnerTemp = mkdtempSync(join(tmpdir(), 'eag-runner-temp-'))
  own.push(runnerTemp)
  const commands = join(runnerTemp, '_runner_file_commands')
  const home = join(runnerTemp, 'home')
  mkdirSync(commands, { recursive: true })
  mkdirSync(home, { recursive: true })
  const file = (name: string): string => {
    const path = join(commands, `${name}_${setup.runId ?? '1'}`)
    writeFileSync(path, '')
    return path
  }
  const outputFile = file('set_output')
  const summaryFile = file('step_summary')
  const eventPath = join(runnerTemp, 'event.json')
  writeFileSync(eventPath, JSON.stringify(setup.event, null, 2))
  const repository = setup.repository ?? 'acme/infra'
  const env: Record<string, string> = {
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    HOME: home,
    GITHUB_REPOSITORY: repository,
    GITHUB_REPOSITORY_OWNER: repository.split('/')[0] ?? '',
    GITHUB_EVENT_NAME: setup.eventName,
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_REF: setup.ref ?? defaultRef(setup),
    GITHUB_SHA: setup.sha ?? defaultSha(setup),
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_API_URL: 'https://api.github.com',
    GITHUB_RUN_ID: setup.runId ?? '1',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_ACTOR: 'octocat',
    GITHUB_WORKFLOW: 'eks-access',
    GITHUB_JOB: 'plan',
    GITHUB_WORKSPACE: workspace,
    RUNNER_TEMP: runnerTemp,
    RUNNER_OS: 'Linux',
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_STATE: file('save_state'),
    GITHUB_ENV: file('set_env'),
    GITHUB_PATH: file('add_path'),
    ...Object.fromEntries(Object.entries(setup.inputs ?? {}).map(([k, v]) => [inputEnvName(k), v])),
    ...setup.env,
  }
  if (setup.eventName === 'pull_request') {
    const pr = setup.event['pull_request'] as { head?: { ref?: string }; base?: { ref?: string } } | undefined
    env['GITHUB_HEAD_REF'] = pr?.head?.ref ?? ''
    env['GITHUB_BASE_REF'] = pr?.base?.ref ?? ''
  }
  return {
    env,
    workspace,
    runnerTemp,
    eventPath,
    outputFile,
    summaryFile,
    readOutputs: () => parseGithubOutput(readFileSync(outputFile, 'utf8')),
    readSummary: () => readFileSync(summaryFile, 'utf8'),
    cleanup: () => {
      for (const dir of own) rmSync(dir, { recursive: true, force: true })
    },
  }
}

function defaultRef(setup: RunnerSetup): string {
  if (setup.eventName === 'pull_request' || setup.eventName === 'pull_request_target') {
    if (setup.eventName === 'pull_request_target')
      return `refs/heads/${String((setup.event['repository'] as { default_branch?: string } | undefined)?.default_branch ?? 'main')}`
    return `refs/pull/${String(setup.event['number'])}/merge`
  }
  if (setup.eventName === 'push' && typeof setup.event['ref'] === 'string') return setup.event['ref']
  return 'refs/heads/main'
}

function defaultSha(setup: RunnerSetup): string {
  if (setup.eventName === 'push' && typeof setup.event['after'] === 'string') return setup.event['after']
  return TEST_MERGE_SHA
}

/**
 * Parses GITHUB_OUTPUT as the runner does: `NAME=VALUE` lines and `NAME<<DELIM` … `DELIM` blocks;
 * anything else is malformed and throws (the runner fails the step).
 */
export function parseGithubOutput(text: string): Record<string, string> {
  const out: Record<string, string> = {}
  const lines = text.split(/\r?\n/)
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string
    if (line === '') continue
    const heredoc = line.indexOf('<<')
    const equals = line.indexOf('=')
    if (heredoc > 0 && (equals === -1 || heredoc < equals)) {
      const name = line.slice(0, heredoc)
      const delimiter = line.slice(heredoc + 2)
      if (delimiter === '') throw new Error(`GITHUB_OUTPUT line ${i + 1}: empty delimiter for "${name}"`)
      const value: string[] = []
      let closed = false
      for (i++; i < lines.length; i++) {
        if (lines[i] === delimiter) {
          closed = true
          break
        }
        value.push(lines[i] as string)
      }
      if (!closed) throw new Error(`GITHUB_OUTPUT: matching delimiter "${delimiter}" for "${name}" not found`)
      out[name] = value.join('\n')
    } else if (equals > 0) {
      out[line.slice(0, equals)] = line.slice(equals + 1)
    } else throw new Error(`GITHUB_OUTPUT line ${i + 1}: invalid format "${line}"`)
  }
  return out
}

export interface ActionRun {
  readonly status: number | null
  readonly stdout: string
  readonly stderr: string
  /** Workflow command lines (`::error …`) from stdout. */
  readonly commands: string[]
  readonly outputs: Record<string, string>
  readonly summary: string
}

/** Runs `node <entry>` in the workspace with exactly the prepared environment, as the runner does. */
export function runBundledAction(entry: string, runner: PreparedRunner): Promise<ActionRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [entry], { cwd: runner.workspace, env: runner.env, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d))
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
    child.on('error', reject)
    child.on('close', (status) => {
      try {
        resolve({
          status,
          stdout,
          stderr,
          commands: stdout.split('\n').filter((l) => l.startsWith('::')),
          outputs: runner.readOutputs(),
          summary: runner.readSummary(),
        })
      } catch (e) {
        reject(e instanceof Error ? e : new Error(String(e)))
      }
    })
  })
}
