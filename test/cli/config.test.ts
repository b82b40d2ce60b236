import { describe, expect, it } from 'vitest'
import { didYouMean, parseActionInputs, parseCliArgs, resolveAutoCommand, type CliConfig } from '../../src/config/index.js'
import { CLI_COMMANDS, Defaults } from '../../src/constants.js'

// ───────────────────────────── action inputs ─────────────────────────────

function inputs(values: Record<string, string>): (name: string) => string {
  return (name) => values[name] ?? ''
}

const noEvent = (): unknown => undefined

describe('parseActionInputs', () => {
  it('applies the documented defaults when every input is empty', () => {
    const r = parseActionInputs(inputs({}), { GITHUB_EVENT_NAME: 'workflow_dispatch' }, noEvent)
    expect(r).toEqual({
      ok: true,
      value: {
        requested: 'auto',
        command: 'validate',
        reason: 'auto: workflow_dispatch event → validate',
        eventName: 'workflow_dispatch',
        manifest: 'eks-access.yaml',
        rules: '.github/eks-access-rules.yaml',
        rulesIsDefault: true,
        comment: true,
        audience: 'sts.amazonaws.com',
        expiryWarningDays: 7,
        failOnDrift: false,
        clusterTimeoutSeconds: 300,
      },
    })
  })

  it('returns a frozen config and treats empty or blank inputs as not given', () => {
    const r = parseActionInputs(inputs({ clusters: '   ', state: '', manifest: ' m/*.yaml ' }), {}, noEvent)
    if (!r.ok) throw new Error(r.error.message)
    expect(Object.isFrozen(r.value)).toBe(true)
    expect('clusters' in r.value).toBe(false)
    expect('state' in r.value).toBe(false)
    expect('githubToken' in r.value).toBe(false)
    expect(r.value.manifest).toBe('m/*.yaml')
  })

  it('reads every input when given', () => {
    const r = parseActionInputs(
      inputs({
        command: 'validate',
        manifest: 'access/*.yaml',
        rules: 'policy/rules.yaml',
        'github-token': 'ghs_secret',
        comment: 'false',
        clusters: 'prod-*',
        audience: 'sts.example',
        state: 'state.json',
        'expiry-warning-days': '30',
        'fail-on-drift': 'TRUE',
      }),
      {},
      noEvent,
    )
    expect(r.ok && r.value).toMatchObject({
      requested: 'validate',
      command: 'validate',
      manifest: 'access/*.yaml',
      rules: 'policy/rules.yaml',
      rulesIsDefault: false,
      githubToken: 'ghs_secret',
      comment: false,
      clusters: 'prod-*',
      audience: 'sts.example',
      state: 'state.json',
      expiryWarningDays: 30,
      failOnDrift: true,
    })
  })

  it.each([
    ['command', 'deploy', 'command must be one of auto, validate, plan, apply, drift, got "deploy"'],
    ['command', 'valdate', '(did you mean "validate"?)'],
    ['command', 'VALIDATE', 'command must be one of'],
    ['comment', 'yes', 'comment must be true or false, got "yes"'],
    ['comment', '1', 'comment must be true or false'],
    ['fail-on-drift', 'on', 'fail-on-drift must be true or false, got "on"'],
    ['expiry-warning-days', 'seven', 'expiry-warning-days must be a whole number of days (0-3650), got "seven"'],
    ['expiry-warning-days', '-1', 'must be a whole number'],
    ['expiry-warning-days', '7days', 'must be a whole number'],
    ['expiry-warning-days', '1.5', 'must be a whole number'],
    ['expiry-warning-days', '1e3', 'must be a whole number'],
    ['expiry-warning-days', '0x10', 'must be a whole number'],
    ['expiry-warning-days', '3651', 'expiry-warning-days must be at most 3650, got 3651'],
    ['expiry-warning-days', '99999999999', 'must be a whole number'],
  ])('rejects %s=%j with a message', (name, value, message) => {
    const r = parseActionInputs(inputs({ [name]: value }), {}, noEvent)
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.error.message).toContain(message)
  })

  it('reports every bad input at once', () => {
    const r = parseActionInputs(inputs({ command: 'x', comment: 'x', 'expiry-warning-days': 'x' }), {}, noEvent)
    expect(r.ok).toBe(false)
    if (!r.ok) {
      expect(r.error.message).toMatch(/^invalid input: command .*; comment .*; expiry-warning-days /)
    }
  })

  it.each([
    ['0', 0],
    ['3650', 3650],
    ['007', 7],
  ])('accepts expiry-warning-days=%s', (raw, days) => {
    const r = parseActionInputs(inputs({ 'expiry-warning-days': raw }), {}, noEvent)
    expect(r.ok && r.value.expiryWarningDays).toBe(days)
  })

  it('keeps an explicit rules path that equals the default marked as default (a missing default file means no rules)', () => {
    const r = parseActionInputs(inputs({ rules: Defaults.rules }), {}, noEvent)
    expect(r.ok && r.value.rulesIsDefault).toBe(true)
  })
})

describe('resolveAutoCommand', () => {
  const payload = { repository: { default_branch: 'main' } }
  const readEvent = (path: string): unknown => (path === '/event.json' ? payload : undefined)

  it.each([
    ['pull_request', 'refs/pull/1/merge', 'plan'],
    ['pull_request_target', 'refs/heads/main', 'plan'],
    ['push', 'refs/heads/main', 'apply'],
    ['push', 'refs/heads/feature', 'validate'],
    ['push', 'refs/tags/main', 'validate'],
    ['workflow_dispatch', 'refs/heads/main', 'validate'],
    ['schedule', 'refs/heads/main', 'validate'],
    ['merge_group', 'refs/heads/gh-readonly-queue/main/x', 'validate'],
    ['', '', 'validate'],
  ])('%s on %s → %s', (event, ref, command) => {
    const env = { GITHUB_EVENT_NAME: event, GITHUB_REF: ref, GITHUB_EVENT_PATH: '/event.json' }
    expect(resolveAutoCommand(env, readEvent).command).toBe(command)
  })

  it('never applies when the default branch cannot be read from the event payload', () => {
    for (const read of [
      () => undefined,
      () => ({}),
      () => ({ repository: {} }),
      () => 'garbage',
      () => ({ repository: { default_branch: '' } }),
    ]) {
      const r = resolveAutoCommand({ GITHUB_EVENT_NAME: 'push', GITHUB_REF: 'refs/heads/main', GITHUB_EVENT_PATH: '/e' }, read)
      expect(r.command).toBe('validate')
      expect(r.reason).toContain('default branch is unknown')
    }
    expect(resolveAutoCommand({ GITHUB_EVENT_NAME: 'push', GITHUB_REF: 'refs/heads/main' }, () => payload).command).toBe('validate')
  })

  it('uses the payload default branch, not a guess', () => {
    const env = { GITHUB_EVENT_NAME: 'push', GITHUB_REF: 'refs/heads/trunk', GITHUB_EVENT_PATH: '/e' }
    expect(resolveAutoCommand(env, () => ({ repository: { default_branch: 'trunk' } })).command).toBe('apply')
    expect(resolveAutoCommand(env, () => payload).reason).toBe('auto: push to refs/heads/trunk, not the default branch main → validate')
  })

  it('is what parseActionInputs uses for command: auto, but not for an explicit command', () => {
    const env = { GITHUB_EVENT_NAME: 'schedule' }
    const auto = parseActionInputs(inputs({}), env, noEvent)
    const explicit = parseActionInputs(inputs({ command: 'plan' }), env, noEvent)
    expect(auto.ok && auto.value.command).toBe('validate')
    expect(explicit.ok && explicit.value.command).toBe('plan')
  })
})

// ───────────────────────────── CLI argv ─────────────────────────────

function config(argv: string[]): CliConfig {
  const r = parseCliArgs(argv)
  if (!r.ok) throw new Error(r.error.message)
  if (r.value.kind !== 'run') throw new Error(`expected run, got ${r.value.kind}`)
  return r.value.config
}

function usage(argv: string[]): string {
  const r = parseCliArgs(argv)
  if (r.ok) throw new Error(`expected a usage error for ${argv.join(' ')}`)
  return r.error.message
}

describe('parseCliArgs', () => {
  it('gives validate its defaults', () => {
    expect(config(['validate'])).toEqual({
      command: 'validate',
      manifest: 'eks-access.yaml',
      format: 'text',
      yes: false,
      assumeRoles: false,
      expiryWarningDays: 7,
      failOnDrift: false,
      clusterTimeoutSeconds: 300,
    })
    expect(Object.isFrozen(config(['validate']))).toBe(true)
  })

  it.each([
    [['validate', '--manifest', 'a/*.yaml', '--format', 'json'], { manifest: 'a/*.yaml', format: 'json' }],
    [['validate', '--manifest=a/*.yaml', '--format=json'], { manifest: 'a/*.yaml', format: 'json' }],
    [['validate', '--rules', 'r.yaml', '--expiry-warning-days', '0'], { rules: 'r.yaml', expiryWarningDays: 0 }],
    [
      ['plan', '--state', 's.json', '--cluster', 'prod-*', '--format', 'markdown'],
      { command: 'plan', state: 's.json', cluster: 'prod-*', format: 'markdown' },
    ],
    [['plan', '--assume-roles', '--rules', 'r.yaml'], { assumeRoles: true, rules: 'r.yaml', format: 'text' }],
    [['plan', '--max-rate', '195'], { maxRate: 195 }],
    [['plan', '--max-rate=2.5'], { maxRate: 2.5 }],
    [['apply', '--cluster', 'prod-eu', '--yes'], { command: 'apply', cluster: 'prod-eu', yes: true }],
    [
      ['export', '--cluster', 'prod', '--region', 'eu-west-1', '--output', 'out.yaml'],
      { command: 'export', cluster: 'prod', region: 'eu-west-1', output: 'out.yaml', format: 'yaml' },
    ],
    [['export', '--cluster', 'prod', '--format', 'state'], { format: 'state' }],
    [['export', '--cluster', 'prod', '--region', 'us-gov-west-1'], { region: 'us-gov-west-1' }],
    [
      ['import-aws-auth', 'aws-auth.yaml', '--cluster', 'prod'],
      { command: 'import-aws-auth', input: 'aws-auth.yaml', cluster: 'prod', format: 'yaml' },
    ],
    [['import-aws-auth', '-', '--cluster', 'prod', '--format', 'json'], { input: '-', format: 'json' }],
    [['import-aws-auth', '--cluster', 'prod'], { input: '-' }],
    [['import-aws-auth', '--cluster', 'prod', '--', '-weird-name.yaml'], { input: '-weird-name.yaml' }],
    [['iam-policy', '--repo', 'acme/infra'], { command: 'iam-policy', repo: 'acme/infra', branch: 'main', format: 'json' }],
    [['iam-policy', '--repo', 'acme/infra', '--branch', 'release', '--manifest', 'x.yaml'], { branch: 'release', manifest: 'x.yaml' }],
    [
      ['drift', '--fail-on-drift', '--format', 'json', '--cluster', 'a'],
      { command: 'drift', failOnDrift: true, format: 'json', cluster: 'a' },
    ],
  ])('%j', (argv, expected) => {
    expect(config(argv)).toMatchObject(expected)
  })

  it('parses every documented command', () => {
    const required: Record<string, string[]> = {
      export: ['--cluster', 'x'],
      'import-aws-auth': ['--cluster', 'x'],
      'iam-policy': ['--repo', 'a/b'],
    }
    for (const command of CLI_COMMANDS) expect(config([command, ...(required[command] ?? [])]).command).toBe(command)
  })

  it.each([
    ['0', 'above 0'],
    ['-5', 'above 0'],
    ['fast', 'must be a number of requests per second'],
    ['1e3', 'must be a number of requests per second'],
    ['20000', 'at most 10000'],
  ])('--max-rate %s is a usage error', (raw, message) => {
    expect(usage(['plan', '--max-rate', raw])).toContain(message)
  })

  it('--max-rate belongs to plan only', () => {
    expect(usage(['validate', '--max-rate', '5'])).toContain('--max-rate')
  })

  it.each([
    [['--help'], undefined],
    [['-h'], undefined],
    [['help'], undefined],
    [['help', 'plan'], 'plan'],
    [['validate', '--help'], 'validate'],
    [['validate', '--format', 'bogus', '-h'], 'validate'],
    [['export', '--help'], 'export'],
  ])('%j asks for help', (argv, command) => {
    const r = parseCliArgs(argv)
    expect(r).toEqual({ ok: true, value: command ? { kind: 'help', command } : { kind: 'help' } })
  })

  it.each([[['--version']], [['-V']], [['validate', '--version']]])('%j asks for the version', (argv) => {
    expect(parseCliArgs(argv)).toEqual({ ok: true, value: { kind: 'version' } })
  })

  it.each([
    [[], 'no command given'],
    [['valdate'], 'unknown command "valdate" (did you mean "validate"?)'],
    [['plna'], 'unknown command "plna" (did you mean "plan"?)'],
    [['frobnicate'], 'unknown command "frobnicate"'],
    [['help', 'nope'], 'unknown command "nope"'],
    [['--manifest', 'x'], 'expected a command before "--manifest"'],
    [['validate', '--manfest', 'x'], 'unknown option "--manfest" (did you mean --manifest?)'],
    [['validate', '--fromat', 'json'], 'unknown option "--fromat" (did you mean --format?)'],
    [['validate', '-m', 'x'], 'unknown option "-m"'],
    [['validate', '--state', 's.json'], '--state is not an option of validate'],
    [['validate', '--yes'], '--yes is not an option of validate'],
    [['apply', '--expiry-warning-days', '3'], '--expiry-warning-days is not an option of apply'],
    [['validate', '--manifest'], '--manifest needs a value (GLOB)'],
    [['validate', '--manifest', '--format', 'json'], '--manifest needs a value (GLOB)'],
    [['validate', '--manifest='], '--manifest needs a value (GLOB)'],
    [['validate', '--manifest', 'a', '--manifest', 'b'], '--manifest given more than once'],
    [['validate', '--format', 'yaml'], '--format must be one of text, json, got "yaml"'],
    [['validate', '--format', 'jsn'], '(did you mean "json"?)'],
    [['plan', '--format', 'state'], '--format must be one of text, markdown, json'],
    [['validate', '--expiry-warning-days', 'soon'], '--expiry-warning-days must be a whole number of days'],
    [['validate', '--expiry-warning-days', '-3'], '--expiry-warning-days must be a whole number of days (0-3650), got "-3"'],
    [['validate', '--expiry-warning-days=-3'], '--expiry-warning-days must be a whole number of days'],
    [['validate', '--expiry-warning-days', '4000'], 'must be at most 3650'],
    [['validate', 'extra.yaml'], 'unexpected argument "extra.yaml" (to name the manifest, write --manifest extra.yaml)'],
    [['import-aws-auth', 'a.yaml', 'b.yaml', '--cluster', 'x'], 'unexpected argument "b.yaml"'],
    [['apply', '--yes=true'], '--yes takes no value'],
    [['export'], 'missing --cluster'],
    [['import-aws-auth', 'f.yaml'], 'missing --cluster'],
    [['iam-policy'], 'missing --repo'],
    [['iam-policy', '--repo', 'not-a-repo'], '--repo must look like OWNER/REPO, got "not-a-repo"'],
    [['export', '--cluster', 'x', '--region', 'Europe'], '--region must be an AWS region such as eu-west-1, got "Europe"'],
    [['drift', '--fail-on-drift', '--fail-on-drift'], '--fail-on-drift given more than once'],
  ])('%j is a usage error', (argv, message) => {
    expect(usage(argv)).toContain(message)
  })

  it('names the command in usage errors so the CLI can point at its help', () => {
    const r = parseCliArgs(['validate', '--nope'])
    expect(!r.ok && r.error.command).toBe('validate')
  })
})

describe('didYouMean', () => {
  it.each([
    ['acessPolicies', ['accessPolicies', 'clusters'], 'accessPolicies'],
    ['vaildate', ['validate', 'plan'], 'validate'],
    ['xyz', ['validate', 'plan'], undefined],
    ['p', ['plan'], undefined],
  ])('%s → %s', (input, candidates, expected) => {
    expect(didYouMean(input, candidates)).toBe(expected)
  })
})

describe('a stray argument', () => {
  it('suggests --manifest only when the command takes one and it was not given', () => {
    const message = (argv: string[]): string => {
      const r = parseCliArgs(argv)
      return r.ok ? '' : r.error.message
    }
    expect(message(['validate', '--manifest', 'a.yaml', 'b.yaml'])).toBe('unexpected argument "b.yaml"')
    expect(message(['import-aws-auth', 'a.yaml', 'b.yaml', '--cluster', 'x'])).toBe('unexpected argument "b.yaml"')
  })
})
