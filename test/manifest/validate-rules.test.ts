import { execFileSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { createGitReader, type GitFileRead, type GitReader } from '../../src/git/show.js'
import {
  checkManifests,
  findCwdFromRoot,
  readManifests,
  validateManifests,
  type RulesOptions,
  type ValidateOutcome,
} from '../../src/manifest/validate.js'
import type { ContentsReader } from '../../src/rules/org/index.js'
import type { Problem } from '../../src/types.js'
import { createTrees, STRICT_RULES } from '../support/rules-trees.js'

/**
 * The organisation-rules stage of validate: which rules file decides (working tree, or the base
 * commit on a pull request), what a broken or missing one means, and what a PR's own rules would change.
 */
const NOW = new Date('2026-11-15T12:00:00Z')
const BASE = 'b'.repeat(40)
const RULES = '.github/eks-access-rules.yaml'

const trees = createTrees('eag-rules-stage-')
afterAll(trees.cleanup)
const tree = trees.tree

const MANIFEST = [
  'version: 1',
  'clusters:',
  '  prod-eu:',
  '    region: eu-west-1',
  '    accountId: "111122223333"',
  'accessEntries:',
  '  - principalArn: arn:aws:iam::111122223333:role/platform-admin',
  '    clusters: [prod-eu]',
  '    accessPolicies:',
  '      - policyArn: AmazonEKSClusterAdminPolicy',
  '        accessScope: { type: cluster }',
  '  - principalArn: arn:aws:iam::111122223333:user/alice',
  '    clusters: [prod-eu]',
  '    tags: { owner: team-a }',
  '    accessPolicies:',
  '      - policyArn: AmazonEKSViewPolicy',
  '        accessScope: { type: cluster }',
  '',
].join('\n')

const STRICT = STRICT_RULES
/** The PR's "relaxed" version: IAM users allowed, and a new rule. */
const RELAXED = [
  'version: 1',
  'rules:',
  '  - { id: owner, kind: required-tags, severity: warning, tags: [owner] }',
  '  - { id: no-view, kind: namespace-scoped-policies, policies: [AmazonEKSViewPolicy] }',
  '',
].join('\n')
const BROKEN = ['version: 1', 'rules:', '  - id: x', '    kind: denied-principal', '    principals: ["*:root"]', ''].join('\n')

const brief = (p: Problem): string => `${p.file}:${p.line}:${p.column} ${p.severity} ${p.code}`

async function checked(out: Promise<ValidateOutcome>): Promise<Extract<ValidateOutcome, { kind: 'checked' }>> {
  const r = await out
  if (r.kind !== 'checked') throw new Error(`expected checked, got usage: ${r.message}`)
  return r
}

function validate(cwd: string, rules: RulesOptions): Promise<ValidateOutcome> {
  return validateManifests({ manifest: 'eks-access.yaml', cwd, now: NOW, expiryWarningDays: 7, rules })
}

const workspace = (path = RULES, explicit = false): RulesOptions => ({ path, explicit, source: { kind: 'workspace' }, cwdFromRoot: '' })

describe('rules from the working tree', () => {
  it.each([
    ['a violation is an error at the offending node in the manifest', STRICT, false, ['eks-access.yaml:12:19 error rule:no-iam-users']],
    ['a warning alone leaves the manifest valid', STRICT.replace('    message:', '    severity: warning\n    message:'), true, []],
    ['no rules file at the default path means no organisation rules', undefined, true, []],
  ])('%s', async (_name, rules, ok, errors) => {
    const cwd = tree({ 'eks-access.yaml': MANIFEST, ...(rules === undefined ? {} : { [RULES]: rules }) })
    const out = await checked(validate(cwd, workspace()))
    expect(out.ok).toBe(ok)
    expect(out.problems.filter((p) => p.severity === 'error').map(brief)).toEqual(errors)
  })

  it('gives the violation the code rule:<id> and the rule message first', async () => {
    const cwd = tree({ 'eks-access.yaml': MANIFEST, [RULES]: STRICT })
    const out = await checked(validate(cwd, workspace()))
    expect(out.problems).toContainEqual({
      severity: 'error',
      code: 'rule:no-iam-users',
      message: expect.stringMatching(/^Grant access to a role: /),
      file: 'eks-access.yaml',
      line: 12,
      column: 19,
    })
    expect(out.rules).toEqual({ origin: { kind: 'workspace' }, file: RULES, evaluated: 2, broken: false })
  })

  it('a broken rules file is exit-1 problems located in the rules file, never "no rules"', async () => {
    const cwd = tree({ 'eks-access.yaml': MANIFEST, [RULES]: BROKEN })
    const out = await checked(validate(cwd, workspace()))
    expect(out.ok).toBe(false)
    expect(out.problems.map(brief)).toEqual([`${RULES}:4:11 error schema:enum`])
    expect(out.sources.get(RULES)).toBe(BROKEN)
    expect(out.rules).toMatchObject({ file: RULES, evaluated: 0, broken: true })
  })

  it.each([
    ['an explicit file that is missing is usage (exit 2)', 'missing.yaml', true, 'usage'],
    ['the default file that is missing is no rules', RULES, false, 'checked'],
  ])('%s', async (_name, path, explicit, kind) => {
    const cwd = tree({ 'eks-access.yaml': MANIFEST })
    const out = await validate(cwd, workspace(path, explicit))
    expect(out.kind).toBe(kind)
    if (out.kind === 'usage') expect(out.message).toMatch(/^rules file "missing\.yaml" not found/)
  })

  it('without the rules option no organisation rules are read (and no report)', async () => {
    const cwd = tree({ 'eks-access.yaml': MANIFEST, [RULES]: STRICT })
    const out = await checked(validateManifests({ manifest: 'eks-access.yaml', cwd, now: NOW, expiryWarningDays: 7 }))
    expect(out.ok).toBe(true)
    expect(out.rules).toBeUndefined()
  })

  it('checks again with the rules read once (plan re-checks with the live catalogue)', async () => {
    const cwd = tree({ 'eks-access.yaml': MANIFEST, [RULES]: STRICT })
    const read = await readManifests({ manifest: 'eks-access.yaml', cwd, rules: workspace() })
    if (read.kind !== 'read') throw new Error(read.message)
    const ctx = { now: NOW, expiryWarningDays: 7 }
    expect(checkManifests(read, ctx).problems.map((p) => p.code)).toContain('rule:no-iam-users')
    expect(checkManifests(read, { ...ctx, catalogue: [] }).problems.map((p) => p.code)).toContain('rule:no-iam-users')
  })

  it('matches `files` globs from the repository root when the working directory is a sub-folder', async () => {
    const root = tree({
      '.git/HEAD': 'ref: refs/heads/main\n',
      'infra/eks-access.yaml': MANIFEST,
      'infra/.github/eks-access-rules.yaml': STRICT.replace('    message:', '    files: ["infra/*.yaml"]\n    message:'),
    })
    const cwd = join(root, 'infra')
    expect(findCwdFromRoot(cwd)).toBe('infra')
    expect(findCwdFromRoot(root)).toBe('')
    const out = await checked(validate(cwd, { path: RULES, explicit: false }))
    expect(out.problems.map((p) => p.code)).toContain('rule:no-iam-users')
    const outside = await checked(validate(cwd, { path: RULES, explicit: false, cwdFromRoot: 'elsewhere' }))
    expect(outside.problems.map((p) => p.code)).not.toContain('rule:no-iam-users')
  })
})

// ───────────────────────────── pull requests: the base commit decides ─────────────────────────────

/** git with only the commits given (sha → files); counts calls. */
function fakeGit(commits: Record<string, Record<string, string>>): GitReader & { calls: string[] } {
  const calls: string[] = []
  return {
    calls,
    hasCommit: async (sha) => (calls.push(`has ${sha.slice(0, 4)}`), sha in commits),
    readFileAt: async (sha, path): Promise<GitFileRead> => {
      calls.push(`read ${sha.slice(0, 4)} ${path}`)
      const files = commits[sha]
      if (files === undefined) return { kind: 'failed', message: `commit ${sha} is not in this clone` }
      const text = files[path]
      return text === undefined ? { kind: 'absent' } : { kind: 'found', bytes: new TextEncoder().encode(text) }
    },
  }
}

function fakeContents(files: Record<string, string>, opts: { fail?: string } = {}): ContentsReader & { calls: string[] } {
  const calls: string[] = []
  const reader = async (path: string, ref: string): Promise<string | undefined> => {
    calls.push(`${ref.slice(0, 4)} ${path}`)
    if (opts.fail !== undefined) throw new Error(opts.fail)
    return files[`${ref}:${path}`]
  }
  return Object.assign(reader, { calls })
}

const atBase = (readers: { git?: GitReader; contents?: ContentsReader }, path = RULES, explicit = false, sha: string | undefined = BASE) =>
  ({ path, explicit, cwdFromRoot: '', source: { kind: 'base', baseSha: sha, ...readers } }) satisfies RulesOptions

describe('rules at the base commit (pull requests)', () => {
  it('judges by the base rules through git when the commit is in the clone, even when the PR relaxes them', async () => {
    const cwd = tree({ 'eks-access.yaml': MANIFEST, [RULES]: RELAXED })
    const git = fakeGit({ [BASE]: { [RULES]: STRICT } })
    const contents = fakeContents({})
    const out = await checked(validate(cwd, atBase({ git, contents })))
    expect(out.ok).toBe(false)
    expect(out.problems.filter((p) => p.severity === 'error').map(brief)).toEqual(['eks-access.yaml:12:19 error rule:no-iam-users'])
    expect(contents.calls).toEqual([])
    expect(out.sources.get(RULES)).toBe(STRICT)
    expect(out.rules).toMatchObject({ origin: { kind: 'base', sha: BASE, via: 'git' }, file: RULES, evaluated: 2 })
  })

  it('falls back to the contents API when the base commit is not in the clone (shallow checkout)', async () => {
    const cwd = tree({ 'eks-access.yaml': MANIFEST, [RULES]: RELAXED })
    const git = fakeGit({})
    const contents = fakeContents({ [`${BASE}:${RULES}`]: STRICT })
    const out = await checked(validate(cwd, atBase({ git, contents })))
    expect(out.ok).toBe(false)
    expect(out.rules?.origin).toEqual({ kind: 'base', sha: BASE, via: 'contents' })
    expect(contents.calls).toEqual([`bbbb ${RULES}`])
  })

  it('tells what the PR`s own rules would add and remove after merge; the verdict stays the base`s', async () => {
    const cwd = tree({ 'eks-access.yaml': MANIFEST, [RULES]: RELAXED })
    const out = await checked(validate(cwd, atBase({ git: fakeGit({ [BASE]: { [RULES]: STRICT } }) })))
    const change = out.rules?.change
    if (change?.kind !== 'changed') throw new Error(`expected a change, got ${JSON.stringify(change)}`)
    expect(change.file).toBe(RULES)
    expect(change.added.map(brief)).toEqual(['eks-access.yaml:16:20 error rule:no-view'])
    expect(change.removed.map(brief)).toEqual(['eks-access.yaml:12:19 error rule:no-iam-users'])
    // the PR's rule is not part of the verdict
    expect(out.problems.map((p) => p.code)).not.toContain('rule:no-view')
  })

  it.each([
    ['the same file: no notice', STRICT, undefined],
    ['the PR deletes the file', undefined, 'deleted'],
    ['the PR breaks the file', BROKEN, 'broken'],
  ])('%s', async (_name, own, kind) => {
    const cwd = tree({ 'eks-access.yaml': MANIFEST, ...(own === undefined ? {} : { [RULES]: own }) })
    const out = await checked(validate(cwd, atBase({ git: fakeGit({ [BASE]: { [RULES]: STRICT } }) })))
    expect(out.ok).toBe(false)
    expect(out.rules?.change?.kind).toBe(kind)
    if (out.rules?.change?.kind === 'broken') expect(out.rules.change.problems.map(brief)).toEqual([`${RULES}:4:11 error schema:enum`])
    if (out.rules?.change?.kind === 'deleted')
      expect(out.rules.change.removed.map((p) => p.code)).toEqual(['rule:owner', 'rule:no-iam-users'])
  })

  it('no rules file at the base: no organisation rules, and the PR`s new file is only announced', async () => {
    const cwd = tree({ 'eks-access.yaml': MANIFEST, [RULES]: STRICT })
    const out = await checked(validate(cwd, atBase({ git: fakeGit({ [BASE]: {} }) })))
    expect(out.ok).toBe(true)
    expect(out.rules).toMatchObject({ origin: { via: 'git' }, evaluated: 0, broken: false })
    expect(out.rules?.file).toBeUndefined()
    expect(out.rules?.change).toMatchObject({
      kind: 'changed',
      removed: [],
      added: expect.arrayContaining([expect.objectContaining({ code: 'rule:no-iam-users' })]),
    })
  })

  it('a broken rules file at the base fails the run, its problems marked as the base`s', async () => {
    const cwd = tree({ 'eks-access.yaml': MANIFEST, [RULES]: STRICT })
    const out = await checked(validate(cwd, atBase({ git: fakeGit({ [BASE]: { [RULES]: BROKEN } }) })))
    expect(out.ok).toBe(false)
    expect(out.problems.map(brief)).toEqual([`${RULES}:4:11 error schema:enum`])
    expect(out.problems[0]?.message).toMatch(/^\(rules file at the base commit bbbbbbbbbbbb\) /)
    expect(out.sources.get(RULES)).toBe(BROKEN)
  })

  it.each([
    [
      'neither git nor the API can read it',
      { git: fakeGit({}), contents: fakeContents({}, { fail: 'GitHub read failed (403)' }) },
      BASE,
      /cannot read the rules file ".github\/eks-access-rules.yaml" at the base commit bbbbbbbbbbbb .*the PR's own rules are never used instead/,
    ],
    ['no readers at all', {}, BASE, /no git workspace and no GitHub token/],
    ['the payload has no base sha', { git: fakeGit({}) }, '', /no pull_request\.base\.sha/],
  ])('unavailable (%s) is a usage failure, never the PR`s file', async (_name, readers, sha, message) => {
    const cwd = tree({ 'eks-access.yaml': MANIFEST, [RULES]: RELAXED })
    const out = await validate(cwd, atBase(readers, RULES, false, sha))
    expect(out.kind).toBe('usage')
    if (out.kind === 'usage') expect(out.message).toMatch(message)
  })

  it('an explicit rules file missing at the base is usage (exit 2), even if the PR adds it', async () => {
    const cwd = tree({ 'eks-access.yaml': MANIFEST, 'policy/rules.yaml': STRICT })
    const out = await validate(cwd, atBase({ git: fakeGit({ [BASE]: {} }) }, 'policy/rules.yaml', true))
    expect(out.kind).toBe('usage')
    if (out.kind === 'usage')
      expect(out.message).toMatch(/^rules file "policy\/rules\.yaml" does not exist at the base commit bbbbbbbbbbbb/)
  })

  it('reads the base by its path from the repository root when the step runs in a sub-folder', async () => {
    const root = tree({ 'infra/eks-access.yaml': MANIFEST })
    const git = fakeGit({ [BASE]: { [`infra/${RULES}`]: STRICT } })
    const out = await checked(validate(join(root, 'infra'), { ...atBase({ git }), cwdFromRoot: 'infra' }))
    expect(git.calls).toContain(`read bbbb infra/${RULES}`)
    expect(out.problems.map((p) => p.code)).toContain('rule:no-iam-users')
  })

  it('reads the base commit from a real git clone', async () => {
    const repo = tree({ 'eks-access.yaml': MANIFEST, [RULES]: STRICT })
    const git = (...args: string[]): string =>
      execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', '-c', 'commit.gpgsign=false', ...args], {
        cwd: repo,
        encoding: 'utf8',
      }).trim()
    git('init', '-q')
    git('add', '-A')
    git('commit', '-qm', 'base')
    const base = git('rev-parse', 'HEAD')
    writeFileSync(join(repo, RULES), RELAXED)
    git('commit', '-qam', 'relax the rules')
    const out = await checked(
      validate(repo, { path: RULES, explicit: false, source: { kind: 'base', baseSha: base, git: createGitReader({ cwd: repo }) } }),
    )
    expect(out.ok).toBe(false)
    expect(out.rules?.origin).toEqual({ kind: 'base', sha: base, via: 'git' })
    expect(out.rules?.change?.kind).toBe('changed')
  })
})
