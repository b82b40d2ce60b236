import { beforeEach, describe, expect, it, vi } from 'vitest'
import pkg from '../../package.json' with { type: 'json' }
import { commands, runCli, type CliIO } from '../../src/cli.js'
import { COMMAND_SPECS } from '../../src/config/index.js'
import { CLI_COMMANDS } from '../../src/constants.js'
import type { Manifest, Problem } from '../../src/types.js'
import { validateManifests, type ValidateOutcome } from '../../src/manifest/validate.js'
import { Outcomes } from '../../src/outcome.js'

vi.mock('../../src/manifest/validate.js', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../src/manifest/validate.js')>()),
  validateManifests: vi.fn(),
}))
const validate = vi.mocked(validateManifests)

interface Captured extends CliIO {
  out: () => string
  err: () => string
}

function makeIO(overrides: Partial<CliIO> = {}): Captured {
  let out = ''
  let err = ''
  return {
    stdout: (t) => void (out += t),
    stderr: (t) => void (err += t),
    cwd: '/work/repo',
    env: {},
    now: () => new Date('2026-11-28T12:00:00Z'),
    isTTY: false,
    ...overrides,
    out: () => out,
    err: () => err,
  }
}

const manifest = (files: string[]): Manifest => ({ files, clusters: [], accessEntries: [] })
const error: Problem = {
  severity: 'error',
  code: 'schema/unknown-key',
  message: 'unknown key "acessPolicies"',
  file: 'a.yaml',
  line: 2,
  column: 3,
}
const warning: Problem = {
  severity: 'warning',
  code: 'eks/expires-soon',
  message: 'access expires in 3 days',
  file: 'a.yaml',
  line: 1,
  column: 1,
}

function checked(problems: Problem[], files = ['a.yaml']): ValidateOutcome {
  return {
    kind: 'checked',
    ok: !problems.some((p) => p.severity === 'error'),
    problems,
    manifest: manifest(files),
    sources: new Map([['a.yaml', 'version: 1\n  acessPolicies: []\n']]),
  }
}

beforeEach(() => {
  validate.mockReset()
})

describe('help and version', () => {
  it('--help lists every command and the exit codes, exit 0', async () => {
    const io = makeIO()
    expect(await runCli(['--help'], io)).toBe(0)
    for (const c of CLI_COMMANDS) expect(io.out()).toContain(`  ${c} `)
    expect(io.out()).toContain('Exit codes:')
    // Every command of PRODUCT.md runs in this version.
    expect(io.out()).not.toMatch(/not implemented/)
    expect(io.err()).toBe('')
  })

  it.each(CLI_COMMANDS)('%s --help shows every flag of the command, exit 0', async (command) => {
    const io = makeIO()
    expect(await runCli([command, '--help'], io)).toBe(0)
    const help = io.out()
    expect(help).toContain(`Usage: eks-access-gate ${COMMAND_SPECS[command].synopsis}`)
    for (const flag of COMMAND_SPECS[command].flags) expect(help).toContain(flag.value ? `${flag.name} ${flag.value}` : flag.name)
    expect(help).toContain(`--format ${COMMAND_SPECS[command].formats.join('|')}`)
    expect(help).toContain('--help, -h')
    expect(help).toContain('--version, -V')
    expect(help).toContain('Exit codes:')
  })

  it('validate --help matches the documented usage', async () => {
    const io = makeIO()
    await runCli(['validate', '--help'], io)
    expect(io.out()).toContain('--manifest GLOB')
    expect(io.out()).toContain('--rules FILE')
    expect(io.out()).toContain('--format text|json')
    expect(io.out()).toContain('--expiry-warning-days N')
    expect(io.out()).not.toContain('Not implemented yet')
  })

  it.each([['--version'], ['-V']])('%s prints the package version, exit 0', async (flag) => {
    const io = makeIO()
    expect(await runCli([flag], io)).toBe(0)
    expect(io.out()).toBe(`${pkg.version}\n`)
  })
})

describe('usage errors exit 2 with a hint', () => {
  it.each([
    [['valdate'], 'eks-access-gate: unknown command "valdate" (did you mean "validate"?)\nRun \'eks-access-gate --help\' for usage.\n'],
    [
      ['validate', '--manfest', 'x'],
      'eks-access-gate: unknown option "--manfest" (did you mean --manifest?)\nRun \'eks-access-gate validate --help\' for usage.\n',
    ],
    [
      ['validate', '--format', 'xml'],
      'eks-access-gate: --format must be one of text, json, got "xml"\nRun \'eks-access-gate validate --help\' for usage.\n',
    ],
  ])('%j', async (argv, stderr) => {
    const io = makeIO()
    expect(await runCli(argv, io)).toBe(2)
    expect(io.err()).toBe(stderr)
    expect(io.out()).toBe('')
    expect(validate).not.toHaveBeenCalled()
  })

  it('no command prints the general help on stderr', async () => {
    const io = makeIO()
    expect(await runCli([], io)).toBe(2)
    expect(io.err()).toContain('Usage: eks-access-gate <command> [options]')
    expect(io.err()).toContain('no command given')
  })
})

describe('the commands table', () => {
  it('routes through the commands table, so a handler can be swapped in', async () => {
    const io = makeIO()
    const plan = vi.fn(async () => Outcomes.ok())
    expect(await runCli(['plan', '--state', 's.json'], io, { ...commands, plan })).toBe(0)
    expect(plan).toHaveBeenCalledWith(
      expect.objectContaining({ command: 'plan', state: 's.json' }),
      expect.objectContaining({ cwd: io.cwd }),
    )
  })
})

describe('validate', () => {
  it('passes manifest, cwd, clock and expiry window to the core', async () => {
    validate.mockResolvedValue(checked([]))
    const io = makeIO()
    await runCli(['validate', '--manifest', 'x/*.yaml', '--expiry-warning-days', '30'], io)
    expect(validate).toHaveBeenCalledWith({
      manifest: 'x/*.yaml',
      cwd: '/work/repo',
      now: new Date('2026-11-28T12:00:00Z'),
      expiryWarningDays: 30,
      rules: { path: '.github/eks-access-rules.yaml', explicit: false, source: { kind: 'workspace' } },
    })
  })

  it('uses eks-access.yaml and 7 days by default', async () => {
    validate.mockResolvedValue(checked([]))
    await runCli(['validate'], makeIO())
    expect(validate).toHaveBeenCalledWith(expect.objectContaining({ manifest: 'eks-access.yaml', expiryWarningDays: 7 }))
  })

  it.each([
    ['no problems', [], 0, '1 file valid\n'],
    ['warnings only', [warning], 0, '0 errors, 1 warning in 1 file'],
    ['an error', [error, warning], 1, '1 error, 1 warning in 1 file'],
  ])('%s → exit %s', async (_name, problems, code, text) => {
    validate.mockResolvedValue(checked(problems))
    const io = makeIO()
    expect(await runCli(['validate'], io)).toBe(code)
    expect(io.out()).toContain(text)
  })

  it('prints text with the source line and a caret', async () => {
    validate.mockResolvedValue(checked([error]))
    const io = makeIO()
    await runCli(['validate'], io)
    expect(io.out()).toBe(
      'a.yaml:2:3: error schema/unknown-key: unknown key "acessPolicies"\n' +
        '  2 |   acessPolicies: []\n' +
        '    |   ^\n' +
        '\n' +
        '1 error, 0 warnings in 1 file\n',
    )
  })

  it('prints the JSON shape of PRODUCT.md with --format json', async () => {
    validate.mockResolvedValue(checked([error]))
    const io = makeIO()
    expect(await runCli(['validate', '--format', 'json'], io)).toBe(1)
    expect(JSON.parse(io.out())).toStrictEqual({
      ok: false,
      problems: [
        { severity: 'error', code: 'schema/unknown-key', message: 'unknown key "acessPolicies"', file: 'a.yaml', line: 2, column: 3 },
      ],
    })
    expect(io.err()).toBe('')
  })

  it.each([
    [true, {}, true],
    [true, { NO_COLOR: '1' }, false],
    [true, { NO_COLOR: '' }, true],
    [false, {}, false],
  ])('colours on a TTY=%s with env %j: %s', async (isTTY, env, coloured) => {
    validate.mockResolvedValue(checked([error]))
    const io = makeIO({ isTTY, env })
    await runCli(['validate'], io)
    expect(io.out().includes('\u001b[')).toBe(coloured)
  })

  it('a usage outcome (no file matched) exits 2 with the message on stderr', async () => {
    validate.mockResolvedValue({ kind: 'usage', message: 'no file matches "nope/*.yaml"' })
    const io = makeIO()
    expect(await runCli(['validate', '--manifest', 'nope/*.yaml'], io)).toBe(2)
    expect(io.err()).toBe('eks-access-gate: no file matches "nope/*.yaml"\n')
    expect(io.out()).toBe('')
  })

  it.each([
    ['--rules FILE', ['--rules', 'rules.yaml'], { path: 'rules.yaml', explicit: true }],
    ['the default file', [], { path: '.github/eks-access-rules.yaml', explicit: false }],
  ])('hands %s to the validate stage (which evaluates it), with no note about it', async (_name, args, rules) => {
    validate.mockResolvedValue(checked([]))
    const io = makeIO()
    expect(await runCli(['validate', ...args, '--format', 'json'], io)).toBe(0)
    expect(validate).toHaveBeenCalledWith(expect.objectContaining({ rules: { ...rules, source: { kind: 'workspace' } } }))
    expect(io.err()).toBe('')
    expect(JSON.parse(io.out())).toEqual({ ok: true, problems: [] })
  })

  it('a usage outcome of the rules stage (missing --rules file) is exit 2 with its message', async () => {
    validate.mockResolvedValue({
      kind: 'usage',
      message: 'rules file "missing.yaml" not found (looked in /w); check the path or pass --rules',
    })
    const io = makeIO()
    expect(await runCli(['validate', '--rules', 'missing.yaml'], io)).toBe(2)
    expect(io.err()).toBe('eks-access-gate: rules file "missing.yaml" not found (looked in /w); check the path or pass --rules\n')
  })
})

describe('unexpected exceptions', () => {
  it('print one line and exit 1, without a stack trace', async () => {
    validate.mockRejectedValue(new Error('boom'))
    const io = makeIO()
    expect(await runCli(['validate'], io)).toBe(1)
    expect(io.err()).toBe('eks-access-gate: internal error: boom\n')
  })

  it('print the stack with EKS_ACCESS_GATE_DEBUG=1', async () => {
    validate.mockRejectedValue(new Error('boom'))
    const io = makeIO({ env: { EKS_ACCESS_GATE_DEBUG: '1' } })
    expect(await runCli(['validate'], io)).toBe(1)
    expect(io.err()).toMatch(/^eks-access-gate: internal error: boom\nError: boom\n\s+at /)
  })

  it.each([
    ['plain string', 'plain string'],
    [{ code: 42 }, '{"code":42}'],
    [undefined, 'undefined'],
  ])('format a non-Error throw (%j)', async (thrown, message) => {
    validate.mockRejectedValue(thrown)
    const io = makeIO()
    expect(await runCli(['validate'], io)).toBe(1)
    expect(io.err()).toBe(`eks-access-gate: internal error: ${message}\n`)
  })
})
