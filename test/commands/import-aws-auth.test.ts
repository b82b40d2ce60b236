import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { parse as parseYaml } from 'yaml'
import { runCli, type CliIO } from '../../src/cli.js'
import { StdinIsTerminal } from '../../src/commands/deps.js'
import { importAwsAuthWith } from '../../src/commands/import-aws-auth.js'
import { validateSources } from '../../src/manifest/validate.js'

/**
 * `import-aws-auth` through the CLI adapter (argv → request → command → stdout/stderr/exit code),
 * over the corpus in test/fixtures/aws-auth, with stdin injected through CliIO.readStdin.
 */
const corpus = resolve(import.meta.dirname, '..', 'fixtures', 'aws-auth')
const golden = join(corpus, 'golden')
const dir = mkdtempSync(join(tmpdir(), 'eag-import-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
for (const f of ['describe.txt', 'get-json.json', 'bad-yaml-block.yaml', 'eksctl-get-yaml.yaml', 'malformed-entries.yaml'])
  copyFileSync(join(corpus, f), join(dir, f))

interface Run {
  code: number
  out: string
  err: string
}

async function cli(argv: string[], stdin?: string | Uint8Array | Error): Promise<Run> {
  let out = ''
  let err = ''
  const io: CliIO = {
    stdout: (t) => void (out += t),
    stderr: (t) => void (err += t),
    cwd: dir,
    env: {},
    now: () => new Date('2026-11-28T12:00:00Z'),
    isTTY: false,
    readStdin: async (max) => {
      if (stdin === undefined) throw new StdinIsTerminal()
      if (stdin instanceof Error) throw stdin
      const bytes = typeof stdin === 'string' ? Buffer.from(stdin) : stdin
      return bytes.subarray(0, max + 1)
    },
  }
  const code = await runCli(argv, io)
  return { code, out, err }
}

const describeText = readFileSync(join(corpus, 'describe.txt'), 'utf8')

describe('import-aws-auth: input', () => {
  it.each([
    ['FILE', ['import-aws-auth', 'describe.txt', '--cluster', 'prod'], undefined],
    ['- (stdin)', ['import-aws-auth', '-', '--cluster', 'prod'], describeText],
    ['no FILE (stdin)', ['import-aws-auth', '--cluster', 'prod'], describeText],
  ])('reads %s and prints the manifest YAML', async (_name, argv, stdin) => {
    const r = await cli(argv, stdin)
    expect(r.code).toBe(0)
    const doc = parseYaml(r.out) as { version: number; clusters: Record<string, unknown>; accessEntries: { clusters: string[] }[] }
    expect(doc.version).toBe(1)
    expect(Object.keys(doc.clusters)).toEqual(['prod'])
    expect(doc.accessEntries).toHaveLength(3)
    for (const e of doc.accessEntries) expect(e.clusters).toEqual(['prod'])
  })

  it('prints the same manifest as the core, with the source named in its header', async () => {
    const r = await cli(['import-aws-auth', 'describe.txt', '--cluster', 'prod'])
    const expected = readFileSync(join(golden, 'describe.manifest.yaml'), 'utf8').replace('aws-auth/describe.txt', 'describe.txt')
    expect(r.out).toBe(expected)
    const stdin = await cli(['import-aws-auth', '--cluster', 'prod'], describeText)
    expect(stdin.out).toBe(expected.replace('from describe.txt', 'from <stdin>'))
  })

  it('warnings on stderr, one line each naming its subject, then the coverage line', async () => {
    const r = await cli(['import-aws-auth', 'describe.txt', '--cluster', 'prod'])
    expect(r.err).toBe(readFileSync(join(golden, 'describe.stderr.txt'), 'utf8'))
    const lines = r.err.trimEnd().split('\n')
    expect(lines[0]).toMatch(/^warning node-role arn:aws:iam::111122223333:role\/eks-node-group-role: /)
    expect(lines.at(-1)).toBe('3 of 3 mappings migrated, 0 need attention')
  })

  it('a mapRoles[i] subject for a mapping without an ARN', async () => {
    const r = await cli(['import-aws-auth', 'malformed-entries.yaml', '--cluster', 'prod'])
    expect(r.code).toBe(0)
    expect(r.err).toMatch(/^warning malformed mapRoles\[\d+\]: /m)
    expect(r.err).toBe(readFileSync(join(golden, 'malformed-entries.stderr.txt'), 'utf8'))
  })

  it.each([
    ['a missing file', ['import-aws-auth', 'nope.yaml', '--cluster', 'prod'], 'cannot read nope.yaml: no such file'],
    ['a directory', ['import-aws-auth', '.', '--cluster', 'prod'], 'cannot read .: it is a directory'],
    ['a terminal on stdin', ['import-aws-auth', '--cluster', 'prod'], 'no input: name the ConfigMap file, or pipe it in'],
    [
      'a --cluster that starts with a dash',
      ['import-aws-auth', 'describe.txt', '--cluster', '-x'],
      '--cluster "-x" is not a manifest cluster name',
    ],
    ['a cluster name the manifest cannot hold', ['import-aws-auth', 'describe.txt', '--cluster', 'a b'], 'is not a manifest cluster name'],
    ['a bad --account-id', ['import-aws-auth', 'describe.txt', '--cluster', 'p', '--account-id', '123'], '--account-id must be a 12-digit'],
    ['a bad --region', ['import-aws-auth', 'describe.txt', '--cluster', 'p', '--region', 'Europe'], '--region must be an AWS region'],
    ['a bad --format', ['import-aws-auth', 'describe.txt', '--cluster', 'p', '--format', 'text'], '--format must be one of yaml, json'],
    ['no --cluster', ['import-aws-auth', 'describe.txt'], 'missing --cluster'],
    [
      '--residual naming the input',
      ['import-aws-auth', 'describe.txt', '--cluster', 'p', '--residual', './describe.txt'],
      'is the input file',
    ],
  ])('%s is exit 2 with nothing on stdout', async (_name, argv, message) => {
    const r = await cli(argv)
    expect(r.code).toBe(2)
    expect(r.out).toBe('')
    expect(r.err).toContain(message)
  })

  it('an unreadable stdin is exit 2', async () => {
    const r = await cli(['import-aws-auth', '--cluster', 'prod'], Object.assign(new Error('x'), { code: 'EIO' }))
    expect(r).toMatchObject({ code: 2, out: '' })
    expect(r.err).toContain('cannot read standard input: EIO')
  })
})

describe('import-aws-auth: input it cannot convert (exit 1, nothing on stdout)', () => {
  it('names the key and the line inside the embedded mapRoles, FILE:LINE:COL: error CODE: MESSAGE', async () => {
    const r = await cli(['import-aws-auth', 'bad-yaml-block.yaml', '--cluster', 'prod', '--residual', 'left.yaml'])
    expect(r.code).toBe(1)
    expect(r.out).toBe('')
    expect(r.err.split('\n')[0]).toBe(
      readFileSync(join(golden, 'bad-yaml-block.problems.txt'), 'utf8')
        .trimEnd()
        .replace('aws-auth/bad-yaml-block.yaml', 'bad-yaml-block.yaml'),
    )
    expect(r.err).toMatch(/^bad-yaml-block\.yaml:12:23: error import:syntax: mapRoles: /)
    expect(existsSync(join(dir, 'left.yaml'))).toBe(false)
  })

  it.each([
    ['empty stdin', '', '<stdin>:1:1: error import:empty:'],
    ['binary stdin', Buffer.from([0x6b, 0x00, 0x01]), '<stdin>:1:1: error file:binary:'],
    ['UTF-16 stdin', Buffer.from([0xff, 0xfe, 0x61, 0x00]), '<stdin>:1:1: error file:encoding:'],
    ['a JSON array', '[1, 2]', '<stdin>:1:1: error import:not-a-configmap:'],
  ])('%s', async (_name, stdin, head) => {
    const r = await cli(['import-aws-auth', '--cluster', 'prod'], stdin)
    expect(r).toMatchObject({ code: 1, out: '' })
    expect(r.err.startsWith(head)).toBe(true)
  })

  it('input over 5 MiB is refused before parsing, at the same cap as manifests', async () => {
    const big = Buffer.alloc(5 * 1024 * 1024 + 1, 0x20)
    const r = await cli(['import-aws-auth', '--cluster', 'prod'], big)
    expect(r).toMatchObject({ code: 1, out: '' })
    expect(r.err).toMatch(/^<stdin>:1:1: error file:too-large: the input is larger than 5 MiB/)
    // exactly 5 MiB is not over the cap (it is then refused for its content, not its size)
    const atCap = await cli(['import-aws-auth', '--cluster', 'prod'], Buffer.alloc(5 * 1024 * 1024, 0x20))
    expect(atCap.err).not.toContain('file:too-large')
  })

  it('a file over the cap is read no further than the cap', async () => {
    let asked = -1
    const outcome = await importAwsAuthWith({ command: 'import-aws-auth', input: 'big.yaml', cluster: 'prod', format: 'yaml' }, dir, {
      readFile: async (_f, max) => {
        asked = max
        return new Uint8Array(max + 1)
      },
      writeFile: async () => {},
    })
    expect(asked).toBe(5 * 1024 * 1024)
    expect(outcome).toMatchObject({ status: 'invalid', problems: [{ code: 'file:too-large' }] })
    expect(outcome.stdout).toBeUndefined()
  })
})

describe('import-aws-auth: outputs', () => {
  it('--format json prints {accessEntries, warnings: [{code, subject, message}]}', async () => {
    const r = await cli(['import-aws-auth', 'get-json.json', '--cluster', 'prod', '--format', 'json'])
    expect(r.code).toBe(0)
    expect(r.out).toBe(readFileSync(join(golden, 'get-json.json'), 'utf8'))
    const body = JSON.parse(r.out) as { accessEntries: unknown[]; warnings: { code: string; subject: string; message: string }[] }
    expect(Object.keys(body)).toEqual(['accessEntries', 'warnings'])
    for (const w of body.warnings) expect(Object.keys(w)).toEqual(['code', 'subject', 'message'])
  })

  it('--residual FILE writes the ConfigMap that should remain, and says so', async () => {
    const r = await cli(['import-aws-auth', 'eksctl-get-yaml.yaml', '--cluster', 'prod', '--residual', 'aws-auth.residual.yaml'])
    expect(r.code).toBe(0)
    expect(readFileSync(join(dir, 'aws-auth.residual.yaml'), 'utf8')).toBe(
      readFileSync(join(golden, 'eksctl-get-yaml.residual.yaml'), 'utf8').replaceAll(
        'aws-auth/eksctl-get-yaml.yaml',
        'eksctl-get-yaml.yaml',
      ),
    )
    expect(r.err).toContain('wrote the aws-auth ConfigMap that should remain to aws-auth.residual.yaml')
    expect(r.out).toContain('accessEntries:')
  })

  it('an unwritable --residual is exit 2 and nothing is printed', async () => {
    const r = await cli(['import-aws-auth', 'describe.txt', '--cluster', 'prod', '--residual', 'no-such-dir/left.yaml'])
    expect(r).toMatchObject({ code: 2, out: '' })
    expect(r.err).toContain('cannot write --residual no-such-dir/left.yaml: ENOENT')
  })

  it('with --region and --account-id the output is a manifest that validates on its own', async () => {
    const r = await cli(['import-aws-auth', 'describe.txt', '--cluster', 'prod', '--region', 'eu-west-1', '--account-id', '111122223333'])
    expect(r.code).toBe(0)
    expect(parseYaml(r.out)).toMatchObject({ clusters: { prod: { region: 'eu-west-1', accountId: '111122223333' } } })
    const checked = validateSources([{ file: 'imported.yaml', text: r.out }], {
      now: new Date('2026-11-28T12:00:00Z'),
      expiryWarningDays: 7,
    })
    expect(checked.problems.filter((p) => p.severity === 'error')).toEqual([])
    expect(checked.ok).toBe(true)
  })

  it('without them the cluster block says what to add, and the entries merge into a manifest that defines it', async () => {
    const r = await cli(['import-aws-auth', 'describe.txt', '--cluster', 'prod'])
    expect(r.out).toContain('prod: {} # add region and accountId')
    writeFileSync(join(dir, 'imported.yaml'), r.out.replace(/^clusters:\n.*\n/m, ''))
    const clusters = 'version: 1\nclusters:\n  prod: { region: eu-west-1, accountId: "111122223333" }\n'
    const checked = validateSources(
      [
        { file: 'clusters.yaml', text: clusters },
        { file: 'imported.yaml', text: readFileSync(join(dir, 'imported.yaml'), 'utf8') },
      ],
      { now: new Date('2026-11-28T12:00:00Z'), expiryWarningDays: 7 },
    )
    expect(checked.problems.filter((p) => p.severity === 'error')).toEqual([])
  })
})
