import { describe, expect, it } from 'vitest'
import { actionRequest, cliRequest, parseActionInputs, parseCliArgs } from '../../src/config/index.js'
import { CLI_COMMANDS } from '../../src/constants.js'

function usage(argv: string[]): string {
  const r = parseCliArgs(argv)
  if (r.ok) throw new Error(`expected a usage error for ${argv.join(' ')}`)
  return r.error.message
}

function request(argv: string[]) {
  const r = parseCliArgs(argv)
  if (!r.ok || r.value.kind !== 'run') throw new Error(`expected a run for ${argv.join(' ')}`)
  return cliRequest(r.value.config, { color: false, defaultRulesExists: false })
}

describe('per-command requests from argv', () => {
  it.each([
    [['export', '--cluster', 'prod', '--assume-roles'], '--assume-roles is not an option of export'],
    [['export', '--cluster', 'prod', '--manifest', 'x.yaml'], '--manifest is not an option of export'],
    [['validate', '--cluster-timeout', '5'], '--cluster-timeout is not an option of validate'],
    [['validate', '--max-rate', '5'], '--max-rate is not an option of validate'],
    [['iam-policy', '--repo', 'a/b', '--stat', 's.json'], 'unknown option "--stat"'],
    [['plan', '--stat', 's.json'], 'unknown option "--stat" (did you mean --state?)'],
    [['drift', '--fail-on-drit'], 'unknown option "--fail-on-drit" (did you mean --fail-on-drift?)'],
    [['apply', '--cluster-timeout', '0'], '--cluster-timeout must be a whole number of seconds (1-86400), got "0"'],
    [['plan', '--cluster-timeout', '5m'], '--cluster-timeout must be a whole number of seconds'],
  ])('%j is a usage error: %s', (argv, message) => {
    expect(usage(argv)).toContain(message)
  })

  it('a flag of another command gets a did-you-mean from the command own flags when one is close', () => {
    expect(usage(['export', '--cluster', 'prod', '--regoin', 'eu-west-1'])).toBe('unknown option "--regoin" (did you mean --region?)')
  })

  it.each([
    [
      ['plan', '--max-rate', '5', '--cluster-timeout', '60'],
      { command: 'plan', maxRate: 5, clusterTimeoutSeconds: 60, assumeRoles: false },
    ],
    [['plan'], { command: 'plan', clusterTimeoutSeconds: 300 }],
    [
      ['export', '--cluster', 'prod', '--max-rate', '2'],
      { command: 'export', cluster: 'prod', maxRate: 2, clusterTimeoutSeconds: 300, format: 'yaml' },
    ],
    [['apply', '--yes', '--cluster-timeout', '30'], { command: 'apply', yes: true, clusterTimeoutSeconds: 30 }],
    [['drift', '--fail-on-drift'], { command: 'drift', failOnDrift: true, format: 'text' }],
    [['validate', '--rules', 'r.yaml'], { command: 'validate', rules: { path: 'r.yaml', explicit: true } }],
    [['validate'], { command: 'validate', rules: { path: '.github/eks-access-rules.yaml', explicit: false } }],
  ])('%j → %j', (argv, expected) => {
    const r = request(argv)
    expect(r).toMatchObject(expected)
    expect(Object.isFrozen(r)).toBe(true)
  })

  it('every command gets a request of its own kind', () => {
    const required: Record<string, string[]> = {
      export: ['--cluster', 'x'],
      'import-aws-auth': ['--cluster', 'x'],
      'iam-policy': ['--repo', 'a/b'],
    }
    for (const command of CLI_COMMANDS) expect(request([command, ...(required[command] ?? [])]).command).toBe(command)
  })
})

describe('per-command requests from the action inputs', () => {
  const inputs = (values: Record<string, string>) => (name: string) => values[name] ?? ''
  const repo = { default_branch: 'main', full_name: 'acme/infra' }
  const pullRequest = { number: 7, head: { sha: 'a'.repeat(40), repo }, base: { sha: 'b'.repeat(40), repo } }
  const payload = { repository: repo, number: 7, pull_request: pullRequest }
  // The job has an OIDC token (id-token: write), so a pull request is planned live.
  const oidc = { ACTIONS_ID_TOKEN_REQUEST_URL: 'http://127.0.0.1/token?x=1', ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'request-token' }
  const requestFor = (values: Record<string, string>, env: Record<string, string>) => {
    const r = parseActionInputs(inputs(values), { GITHUB_EVENT_PATH: '/e.json', ...oidc, ...env }, () => payload)
    if (!r.ok) throw new Error(r.error.message)
    return actionRequest(r.value, { planFile: '/tmp/plan.json' })
  }

  it.each<[Record<string, string>, Record<string, string>, string, string | undefined]>([
    [{}, { GITHUB_EVENT_NAME: 'pull_request' }, 'plan', undefined],
    [{}, { GITHUB_EVENT_NAME: 'pull_request_target' }, 'plan', undefined],
    [{}, { GITHUB_EVENT_NAME: 'push', GITHUB_REF: 'refs/heads/main' }, 'apply', undefined],
    [{}, { GITHUB_EVENT_NAME: 'push', GITHUB_REF: 'refs/heads/feature' }, 'validate', undefined],
    [{}, { GITHUB_EVENT_NAME: 'schedule' }, 'validate', undefined],
    [{}, { GITHUB_EVENT_NAME: 'workflow_dispatch' }, 'validate', undefined],
    [{ command: 'plan' }, { GITHUB_EVENT_NAME: 'pull_request' }, 'plan', undefined],
    [{ command: 'drift' }, { GITHUB_EVENT_NAME: 'schedule' }, 'drift', undefined],
  ])('inputs %j on %j run %s', (values, env, command, notice) => {
    const r = requestFor(values, env)
    expect(r.command).toBe(command)
    expect('notice' in r ? r.notice : undefined).toBe(notice)
  })

  it('plan carries the state, cluster glob, plan file, max-rate and cluster-timeout', () => {
    const r = requestFor({ command: 'plan', state: 's.json', clusters: 'prod-*', 'max-rate': '4', 'cluster-timeout': '90' }, {})
    expect(r).toMatchObject({
      command: 'plan',
      state: 's.json',
      clusterGlob: 'prod-*',
      planFile: '/tmp/plan.json',
      maxRate: 4,
      clusterTimeoutSeconds: 90,
    })
  })

  it.each([
    [{ 'max-rate': 'fast' }, 'max-rate must be a number of requests per second'],
    [{ 'cluster-timeout': '-1' }, 'cluster-timeout must be a whole number of seconds'],
  ])('rejects %j', (values, message) => {
    const r = parseActionInputs(inputs(values), {}, () => undefined)
    expect(r.ok ? '' : r.error.message).toContain(message)
  })
})
