import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import {
  forkPullRequestEvent,
  inputEnvName,
  parseGithubOutput,
  prepareRunner,
  pullRequestEvent,
  pushEvent,
  runBundledAction,
  type PreparedRunner,
} from '../fake-github/index.js'
import { fakeGitHub, RW } from './helpers.js'

const runners: PreparedRunner[] = []
afterEach(() => {
  for (const r of runners.splice(0)) r.cleanup()
})
const prepare = (...args: Parameters<typeof prepareRunner>): PreparedRunner => {
  const r = prepareRunner(...args)
  runners.push(r)
  return r
}

describe('event payloads', () => {
  it('pull_request has number, base/head sha, head repo and the default branch', () => {
    const e = pullRequestEvent({ action: 'synchronize', number: 7, headSha: 'h', baseSha: 'b' }) as {
      action: string
      number: number
      pull_request: { base: { sha: string }; head: { sha: string; repo: { full_name: string } } }
      repository: { full_name: string; default_branch: string }
    }
    expect([e.action, e.number, e.pull_request.base.sha, e.pull_request.head.sha, e.pull_request.head.repo.full_name]).toEqual([
      'synchronize',
      7,
      'b',
      'h',
      'acme/infra',
    ])
    expect([e.repository.full_name, e.repository.default_branch]).toEqual(['acme/infra', 'main'])
    const fork = forkPullRequestEvent({ number: 7, headSha: 'h', baseSha: 'b' }) as typeof e
    expect(fork.pull_request.head.repo.full_name).toBe('contributor/infra')
    expect(fork.repository.full_name).toBe('acme/infra')
  })

  it('push has after and ref', () => {
    expect(pushEvent({ after: 'abc' })).toMatchObject({ after: 'abc', ref: 'refs/heads/main', repository: { default_branch: 'main' } })
  })
})

describe('prepareRunner', () => {
  it('sets what the runner sets, inputs with dashes kept, fresh files under RUNNER_TEMP', () => {
    const r = prepare({
      eventName: 'pull_request',
      event: pullRequestEvent({ number: 7, headSha: 'h', baseSha: 'b' }),
      inputs: { 'github-token': 't', command: 'plan', 'my input': 'x' },
      env: { EXTRA: '1' },
    })
    expect(r.env).toMatchObject({
      CI: 'true',
      GITHUB_ACTIONS: 'true',
      GITHUB_REPOSITORY: 'acme/infra',
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_REF: 'refs/pull/7/merge',
      GITHUB_RUN_ID: '1',
      GITHUB_WORKSPACE: r.workspace,
      RUNNER_TEMP: r.runnerTemp,
      'INPUT_GITHUB-TOKEN': 't',
      INPUT_COMMAND: 'plan',
      INPUT_MY_INPUT: 'x',
      EXTRA: '1',
    })
    expect(r.env['GITHUB_OUTPUT']?.startsWith(join(r.runnerTemp, '_runner_file_commands'))).toBe(true)
    expect(readFileSync(r.outputFile, 'utf8')).toBe('')
    expect(JSON.parse(readFileSync(r.env['GITHUB_EVENT_PATH'] as string, 'utf8'))).toMatchObject({ number: 7 })
    expect(Object.keys(r.env).some((k) => k.startsWith('AWS_') || k === 'GITHUB_TOKEN')).toBe(false)
    expect(inputEnvName('expiry-warning-days')).toBe('INPUT_EXPIRY-WARNING-DAYS')
  })

  it('push: GITHUB_REF is the pushed ref and GITHUB_SHA the payload after', () => {
    const r = prepare({ eventName: 'push', event: pushEvent({ after: 'abc', ref: 'refs/heads/release' }) })
    expect([r.env['GITHUB_REF'], r.env['GITHUB_SHA']]).toEqual(['refs/heads/release', 'abc'])
  })
})

describe('parseGithubOutput', () => {
  it('reads NAME=VALUE and heredoc blocks', () => {
    const text = 'has-changes=true\nsummary<<ghadelimiter_1\n{"a":1}\nline 2\nghadelimiter_1\nempty=\nx<<EOF\nEOF\n'
    expect(parseGithubOutput(text)).toEqual({ 'has-changes': 'true', summary: '{"a":1}\nline 2', empty: '', x: '' })
  })

  it.each([
    ['no delimiter end', 'a<<EOF\nvalue\n', /matching delimiter "EOF" for "a" not found/],
    ['not a command', 'just text\n', /line 1: invalid format/],
  ])('fails on %s, as the runner fails the step', (_, text, message) => {
    expect(() => parseGithubOutput(text)).toThrow(message)
  })
})

describe('runBundledAction', () => {
  it('runs node with exactly the prepared env while a fake serves in this process', async () => {
    const fake = await fakeGitHub()
    fake.seedPullRequest({ number: 7, headSha: 'h', baseSha: 'b' })
    const r = prepare({
      eventName: 'pull_request',
      event: pullRequestEvent({ number: 7, headSha: 'h', baseSha: 'b' }),
      inputs: { 'github-token': RW },
      env: fake.actionEnv(),
    })
    const entry = join(r.runnerTemp, 'action.mjs')
    writeFileSync(
      entry,
      [
        "import { appendFileSync } from 'node:fs'",
        "const res = await fetch(`${process.env.GITHUB_API_URL}/repos/acme/infra/pulls/7`, { headers: { authorization: `token ${process.env['INPUT_GITHUB-TOKEN']}` } })",
        'const pr = await res.json()',
        'appendFileSync(process.env.GITHUB_OUTPUT, `head=${pr.head.sha}\\nmulti<<ghadelimiter_x\\na\\nb\\nghadelimiter_x\\n`)',
        "appendFileSync(process.env.GITHUB_STEP_SUMMARY, '### done\\n')",
        "console.log('::notice::ok')",
      ].join('\n'),
    )
    const run = await runBundledAction(entry, r)
    expect(run.status, run.stderr).toBe(0)
    expect(run.outputs).toEqual({ head: 'h', multi: 'a\nb' })
    expect(run.summary).toBe('### done\n')
    expect(run.commands).toEqual(['::notice::ok'])
    expect(fake.requests.map((q) => [q.route, q.token])).toEqual([['GET /repos/{owner}/{repo}/pulls/{pull_number}', RW]])
  })
})
