/**
 * The fast path (js-yaml + lazy positions) must not change any result: every manifest fixture,
 * the example, the benchmark set and seeded mutations of them go through both paths, and the
 * problems (with line/column), the model (every Loc resolved) and the sources must be equal.
 */
import { mkdtemp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { checkManifestFile } from '../../src/manifest/check.js'
import {
  generateSyntheticManifests,
  validateManifests,
  validateSources,
  type CheckedOutcome,
  type ValidateOutcome,
} from '../../src/manifest/validate.js'

const root = path.resolve(import.meta.dirname, '../..')
const ctx = { now: new Date('2026-11-01T00:00:00Z'), expiryWarningDays: 7 }

/** Plain data of an outcome: JSON resolves every lazy Loc. */
function plain(out: CheckedOutcome | ValidateOutcome): unknown {
  if (out.kind !== 'checked') return out
  return JSON.parse(JSON.stringify({ ok: out.ok, problems: out.problems, manifest: out.manifest, sources: [...out.sources] }))
}

type Files = { file: string; text: string }[]

async function yamlFilesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(path.join(root, dir), { withFileTypes: true, recursive: true })
  return entries
    .filter((e) => e.isFile() && /\.ya?ml$/.test(e.name))
    .map((e) => path.relative(root, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
    .sort()
}

/** Fixture files grouped by directory: the files of one directory are validated together. */
async function fixtureGroups(): Promise<[string, Files][]> {
  const paths = [
    ...(await yamlFilesUnder('test/manifest/fixtures')),
    ...(await yamlFilesUnder('test/fixtures/validate')),
    ...(await yamlFilesUnder('examples')),
  ]
  const groups = new Map<string, Files>()
  for (const p of paths) {
    const dir = path.posix.dirname(p)
    const files = groups.get(dir) ?? []
    files.push({ file: p, text: await readFile(path.join(root, p), 'utf8') })
    groups.set(dir, files)
  }
  return [...groups]
}

function expectSameBothWays(files: Files): void {
  const auto = validateSources(files, { ...ctx, parseMode: 'auto' })
  const slow = validateSources(files, { ...ctx, parseMode: 'slow' })
  expect(plain(auto)).toEqual(plain(slow))
}

describe('fast path vs slow path', async () => {
  const groups = await fixtureGroups()

  it('finds the fixtures', () => {
    const dirs = groups.map(([dir]) => dir)
    expect(dirs).toEqual(
      expect.arrayContaining(['examples', 'test/manifest/fixtures/differential', 'test/fixtures/validate/cases/multi-file']),
    )
  })

  it.each(groups)('same problems and model for %s', (_, files) => {
    expectSameBothWays(files)
  })

  it('takes the fast path for the valid fixtures (else this test would compare slow with slow)', () => {
    const fast = groups.flatMap(([, files]) => files).filter((f) => checkManifestFile(f.file, f.text).via === 'fast')
    expect(fast.map((f) => f.file)).toEqual(
      expect.arrayContaining([
        'examples/eks-access.yaml',
        'test/manifest/fixtures/differential/b-team.yaml',
        'test/manifest/fixtures/differential/c-more.yaml',
      ]),
    )
  })

  it('same problems and model for the synthetic benchmark set', () => {
    expectSameBothWays(generateSyntheticManifests(50, 1000))
  })

  it('same problems and model for the synthetic set with a rule problem in every file', () => {
    const files = generateSyntheticManifests(10, 200).map((f, i) => ({
      file: f.file,
      text: i === 0 ? f.text : f.text.replace('team-', 'system:team-').replace('AmazonEKSViewPolicy', 'AmazonEKSViewPolicyy'),
    }))
    expectSameBothWays(files)
  })

  const ARN = 'arn:aws:iam::111122223333:role/a'
  const entry = (lines: string): string => `version: 1\naccessEntries:\n  - principalArn: ${ARN}\n${lines}`
  it.each([
    // plain scalars js-yaml's own CORE_SCHEMA reads differently from yaml: each alone in a valid file
    ['username: +.5', entry('    username: +.5\n')],
    ['username: -.5', entry('    username: -.5\n')],
    ['username: 1_000', entry('    username: 1_000\n')],
    ['username: 0b11', entry('    username: 0b11\n')],
    ['username: 0o17', entry('    username: 0o17\n')],
    ['username: .NaN', entry('    username: .NaN\n')],
    ['escapes in quoted scalars', entry("    username: \"\\x41\\u00e9\\\"q\\\\\"\n    kubernetesGroups: ['it''s']\n")],
    ['a __proto__ tag key', entry('    tags: { __proto__: x, "constructor": y }\n')],
    ['document markers and comments', '--- # start\nversion: 1 # one\n# between\naccessEntries: [] # none\n...\n'],
    ['an empty value', entry('    tags:\n')],
    ['a leading BOM', `\uFEFF${entry('    username: "a:{{SessionName}}"\n')}`],
    ['numbers where strings belong', 'version: 1.0\nclusters:\n  p: { region: 1e3, accountId: 0x1F }\n'],
    ['a multi-line plain scalar', entry('    username: a\n      b\n')],
    // found by fuzzing: js-yaml accepts continuation lines of flow collections and quoted scalars that yaml rejects
    ['an under-indented quoted scalar in a flow sequence', entry('    clusters: ["sta\n  ging-*"]\n')],
    [
      'an under-indented flow sequence',
      entry('    accessPolicies:\n      - policyArn: AmazonEKSEditPolicy\n        accessScope: { type: namespace, namespaces: [\nops] }\n'),
    ],
    ['an under-indented flow mapping', entry('    tags: { owner:\nte-1 }\n')],
  ])('same result for %s', (_, text) => {
    expectSameBothWays([{ file: 'm.yaml', text }])
  })
})

// ───────────────────────────── seeded mutations ─────────────────────────────

/** A small deterministic generator (LCG), so a failure reproduces from its case number. */
function lcg(seed: number): () => number {
  let state = seed
  return () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648
}

const INSERTS = [
  ' ',
  '\n',
  '  ',
  '- ',
  ': ',
  '#',
  ' # c',
  '"',
  "'",
  '[',
  ']',
  '{',
  '}',
  ',',
  '~',
  '0',
  '+.5',
  '0o7',
  '---',
  '\n...\n',
  '\n  ',
  '"a\\x41"',
  "''",
]

function mutate(text: string, rnd: () => number): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T
  let t = text
  for (let k = 0; k < 1 + Math.floor(rnd() * 2); k++) {
    const i = Math.floor(rnd() * (t.length + 1))
    const op = rnd()
    const lines = t.split('\n')
    const j = Math.floor(rnd() * lines.length)
    if (op < 0.35) {
      const line = lines[j] ?? ''
      lines[j] = pick([
        line + ' ',
        line + ' #x',
        ' ' + line,
        line.replace(/^ /, ''),
        line.replace(/: ([^\s#"'[{][^#]*?)\s*$/, ": '$1'"),
        line.replace(/: ([^\s#"'[{][^#]*?)\s*$/, ': "$1"'),
      ])
      t = lines.join('\n')
    } else if (op < 0.6) t = t.slice(0, i) + pick(INSERTS) + t.slice(i)
    else if (op < 0.8) t = t.slice(0, i) + t.slice(i + 1 + Math.floor(rnd() * 3))
    else {
      lines.splice(j, rnd() < 0.5 ? 1 : 0, ...(rnd() < 0.5 ? [] : [pick(lines)]))
      t = lines.join('\n')
    }
  }
  return t
}

describe('fast path vs slow path on mutated manifests', async () => {
  const bases = [
    await readFile(path.join(root, 'examples/eks-access.yaml'), 'utf8'),
    await readFile(path.join(root, 'test/manifest/fixtures/differential/b-team.yaml'), 'utf8'),
    ...generateSyntheticManifests(2, 4).map((f) => f.text),
  ]
  const rnd = lcg(20261101)
  const cases = Array.from({ length: 300 }, (_, n) => [n, mutate(bases[n % bases.length] ?? '', rnd)] as const)

  it('some mutations still take the fast path (the comparison is not vacuous)', () => {
    const fast = cases.filter(([, text]) => checkManifestFile('m.yaml', text).via === 'fast')
    expect(fast.length).toBeGreaterThan(25)
  })

  it.each(cases)('case %i', (_, text) => {
    expectSameBothWays([{ file: 'm.yaml', text }])
  })
})

// ───────────────────────────── from disk ─────────────────────────────

describe('validateManifests: fast path vs slow path', () => {
  let tmp = ''
  beforeAll(async () => {
    tmp = await mkdtemp(path.join(tmpdir(), 'eag-diff-'))
    const files = generateSyntheticManifests(10, 300)
    files.push({ file: 'manifests/zz-broken.yaml', text: 'version: 1\naccessEntries:\n  - principalArn: x\n    tpye: A\n' })
    for (const f of files) {
      await mkdir(path.dirname(path.join(tmp, f.file)), { recursive: true })
      await writeFile(path.join(tmp, f.file), f.text)
    }
  })
  afterAll(async () => {
    await rm(tmp, { recursive: true, force: true })
  })

  it('gives the same outcome for files read from disk', async () => {
    const auto = await validateManifests({ manifest: 'manifests/*.yaml', cwd: tmp, ...ctx })
    const slow = await validateManifests({ manifest: 'manifests/*.yaml', cwd: tmp, ...ctx, parseMode: 'slow' })
    // the unknown key leaves the entry in the model, so its bad principal is reported too
    expect(auto.kind === 'checked' && auto.problems.map((p) => p.code)).toEqual(['eks:principal-arn', 'schema:unknown-key'])
    expect(plain(auto)).toEqual(plain(slow))
  })
})
