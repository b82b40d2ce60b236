import { execFile } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { useBundle } from './bundle.js'

/**
 * `plan --state FILE` through the bundled CLI with hostile snapshots (issue 6): a snapshot whose
 * CONTENT is wrong is exit 1 with located problems, and `--format json` still prints the plan
 * (no clusters, the problems) on stdout; a snapshot that cannot be found or read is exit 2. No AWS
 * at all: the environment names no endpoint and no credentials.
 */
const root = resolve(import.meta.dirname, '..', '..')
const manifest = join(root, 'examples', 'eks-access.yaml')
const A = 'arn:aws:iam::111122223333:role/'

let bundle: { dir: string; cleanup: () => void }
let work: string
beforeAll(() => {
  bundle = useBundle()
  work = mkdtempSync(join(tmpdir(), 'eag-state-cli-'))
  mkdirSync(join(work, 'a-directory'))
  for (const h of hostile) if (h.content !== undefined) writeFileSync(join(work, h.file), h.content)
})
afterAll(() => {
  bundle.cleanup()
  rmSync(work, { recursive: true, force: true })
})

interface Run {
  code: number
  stdout: string
  stderr: string
}

function cli(args: string[]): Promise<Run> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [join(bundle.dir, 'cli', 'index.js'), ...args],
      { cwd: work, env: { PATH: process.env['PATH'] ?? '', AWS_EC2_METADATA_DISABLED: 'true' }, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    )
  })
}

const deep = (n: number): string => '['.repeat(n) + ']'.repeat(n)
const snapshot = (principalArn: string): string =>
  JSON.stringify({
    version: 1,
    clusters: [
      {
        name: 'prod',
        region: 'eu-west-1',
        accountId: '111122223333',
        authenticationMode: 'API',
        entries: [{ principalArn, type: 'STANDARD', kubernetesGroups: [], tags: {}, accessPolicies: [] }],
      },
    ],
  })

/** name → content (or a path given as is), and the problem expected at file:line:column. */
const hostile: { what: string; file: string; content?: string | Buffer; code: string; line: number; column?: number; message: RegExp }[] = [
  {
    what: 'broken JSON',
    file: 'syntax.json',
    content: '{"version": 1,\n "clusters": [}',
    code: 'syntax',
    line: 2,
    column: 15,
    message: /./,
  },
  {
    what: 'JSON nested 4,000 levels inside version',
    file: 'deep.json',
    content: `{"version": ${deep(4000)}, "clusters": []}`,
    code: 'syntax',
    line: 1,
    message: /nesting deeper than 64 levels/,
  },
  {
    what: 'a duplicate key (at its second occurrence)',
    file: 'duplicate.json',
    content: '{"version": 1, "clusters": [], "version": 1}',
    code: 'duplicate',
    line: 1,
    column: 32,
    message: /duplicate key "version"/,
  },
  {
    what: 'a wildcard principal ARN',
    file: 'wildcard.json',
    content: snapshot(`${A}*`),
    code: 'schema',
    line: 1,
    message: /not a valid IAM principal ARN/,
  },
  {
    what: 'a 4 MB bad value (shortened in the message)',
    file: 'huge-value.json',
    content: JSON.stringify({ version: 'x'.repeat(4_000_000), clusters: [] }),
    code: 'schema',
    line: 1,
    message: /… \(4000002 characters\)/,
  },
  {
    what: 'bytes that are not UTF-8',
    file: 'latin1.json',
    content: Buffer.from([0x7b, 0x22, 0xe9, 0x22, 0x7d]),
    code: 'encoding',
    line: 1,
    column: 1,
    message: /not valid UTF-8/,
  },
  {
    what: 'an endless device (/dev/zero): the size cap on the bytes read',
    file: '/dev/zero',
    code: 'size',
    line: 1,
    column: 1,
    message: /16 MiB limit/,
  },
]

describe('plan --state with a snapshot whose content is wrong: exit 1, located problems', () => {
  it.each(hostile)('$what: --format json prints the plan with the problem', async (h) => {
    const run = await cli(['plan', '--manifest', manifest, '--state', h.file, '--format', 'json'])
    expect(run.code, run.stderr).toBe(1)
    const plan = JSON.parse(run.stdout) as { clusters: unknown[]; summary: Record<string, number>; problems: Record<string, unknown>[] }
    expect(plan.clusters).toEqual([])
    expect(plan.summary).toMatchObject({ create: 0, delete: 0 })
    const problem = plan.problems.find((p) => p['code'] === h.code)
    // problems name the file relative to the working directory
    expect(problem).toMatchObject({
      severity: 'error',
      file: h.file.startsWith('/') ? relative(work, h.file) : h.file,
      line: h.line,
      ...(h.column === undefined ? {} : { column: h.column }),
    })
    expect(String(problem?.['message'])).toMatch(h.message)
    expect(String(problem?.['message']).length).toBeLessThan(400)
    expect(run.stderr).not.toMatch(/\n\s+at |internal error/)
    expect(run.stdout.length + run.stderr.length).toBeLessThan(20_000)
  })

  it.each(hostile.filter((h) => h.column !== undefined))('$what: text lists FILE:LINE:COL: error CODE: MESSAGE', async (h) => {
    const run = await cli(['plan', '--manifest', manifest, '--state', h.file])
    expect(run.code).toBe(1)
    expect(run.stdout).toBe('')
    const file = h.file.startsWith('/') ? relative(work, h.file) : h.file
    expect(run.stderr).toContain(`${file}:${h.line}:${h.column}: error ${h.code}: `)
    expect(run.stderr).toMatch(/\n1 error, \d+ warnings? in \d+ files?\n$/)
  })

  it('the source line of the problem is shown under it', async () => {
    const run = await cli(['plan', '--manifest', manifest, '--state', 'syntax.json'])
    expect(run.stderr).toContain('  2 |  "clusters": [}\n    |               ^')
  })
})

describe('drift --state reads the snapshot the same way', () => {
  it('content wrong: exit 1 with the located problem', async () => {
    const run = await cli(['drift', '--manifest', manifest, '--state', 'duplicate.json'])
    expect(run.code).toBe(1)
    expect(run.stderr).toContain('duplicate.json:1:32: error duplicate: ')
  })

  it('missing: exit 2', async () => {
    const run = await cli(['drift', '--manifest', manifest, '--state', 'missing.json'])
    expect(run.code).toBe(2)
    expect(run.stderr).toContain('state file missing.json not found')
  })
})

describe('plan --state with a snapshot that cannot be found or read: exit 2', () => {
  it.each([
    ['missing.json', 'state file missing.json not found'],
    ['a-directory', 'state file a-directory is a directory'],
  ])('%s', async (file, message) => {
    const run = await cli(['plan', '--manifest', manifest, '--state', file, '--format', 'json'])
    expect(run.code).toBe(2)
    expect(run.stdout).toBe('')
    expect(run.stderr).toContain(message)
  })
})
