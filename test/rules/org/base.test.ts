/**
 * The gate a PR cannot relax: rules come from the base commit (git when the commit is here, else the
 * contents API), never from the PR's checkout; the PR's rules only feed a notice of what would change.
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { createGitReader, type GitReader } from '../../../src/git/show.js'
import {
  compareRuleVerdicts,
  evaluateOrgRules,
  parseRulesSource,
  readRulesAtBase,
  type ContentsReader,
} from '../../../src/rules/org/index.js'
import type { Problem } from '../../../src/types.js'
import { brief, manifestOf, RULES_FILE } from './support.js'

const BASE = 'a'.repeat(40)
const STRICT = 'version: 1\nrules:\n  - { id: no-users, kind: denied-principals, principals: ["*:user/*"] }\n'
const RELAXED = 'version: 1\nrules:\n  - { id: no-root, kind: denied-principals, principals: ["*:root"] }\n'

function fakeGit(files: Record<string, string> | 'no-commit', calls: string[] = []): GitReader {
  return {
    hasCommit: (sha) => {
      calls.push(`hasCommit ${sha.slice(0, 4)}`)
      return Promise.resolve(files !== 'no-commit')
    },
    readFileAt: (sha, path) => {
      calls.push(`read ${sha.slice(0, 4)} ${path}`)
      if (files === 'no-commit') return Promise.resolve({ kind: 'failed', message: 'no commit' })
      const text = files[path]
      return Promise.resolve(text === undefined ? { kind: 'absent' } : { kind: 'found', bytes: new TextEncoder().encode(text) })
    },
  }
}

function fakeContents(files: Record<string, string>, calls: string[] = []): ContentsReader {
  return (path, ref) => {
    calls.push(`contents ${ref.slice(0, 4)} ${path}`)
    return Promise.resolve(files[path])
  }
}

describe('readRulesAtBase', () => {
  it.each([
    {
      name: 'git when the base commit is here',
      git: fakeGit({ [RULES_FILE]: STRICT }),
      contents: undefined,
      expected: { kind: 'found', via: 'git' },
    },
    {
      name: 'git: no file at base',
      git: fakeGit({}),
      contents: fakeContents({ [RULES_FILE]: STRICT }),
      expected: { kind: 'absent', via: 'git' },
    },
    {
      name: 'contents API when the commit is not here',
      git: fakeGit('no-commit'),
      contents: fakeContents({ [RULES_FILE]: STRICT }),
      expected: { kind: 'found', via: 'contents' },
    },
    { name: 'contents API: no file at base', git: undefined, contents: fakeContents({}), expected: { kind: 'absent', via: 'contents' } },
    { name: 'neither: unavailable, never the PR file', git: fakeGit('no-commit'), contents: undefined, expected: { kind: 'unavailable' } },
  ])('$name', async ({ git, contents, expected }) => {
    const read = await readRulesAtBase({ path: RULES_FILE, baseSha: BASE, ...(git && { git }), ...(contents && { contents }) })
    expect(read).toMatchObject(expected)
    if (read.kind === 'found') expect(typeof read.content === 'string' ? read.content : new TextDecoder().decode(read.content)).toBe(STRICT)
  })

  it('asks the contents API for the base SHA, and reports its failure without falling back', async () => {
    const calls: string[] = []
    const failing: ContentsReader = (path, ref) => {
      calls.push(`contents ${ref} ${path}`)
      return Promise.reject(new Error('403 Resource not accessible by integration'))
    }
    const read = await readRulesAtBase({ path: RULES_FILE, baseSha: BASE, git: fakeGit('no-commit', calls), contents: failing })
    expect(calls).toEqual([`hasCommit aaaa`, `contents ${BASE} ${RULES_FILE}`])
    expect(read.kind).toBe('unavailable')
    expect(read.kind === 'unavailable' && read.message).toMatch(/403 Resource not accessible.*never used instead/)
  })
})

describe('compareRuleVerdicts', () => {
  const p = (code: string, line: number, severity: 'error' | 'warning' = 'error', message = 'm'): Problem => ({
    severity,
    code,
    message,
    file: 'm.yaml',
    line,
    column: 5,
  })
  it.each([
    { name: 'same verdicts', base: [p('rule:a', 1)], head: [p('rule:a', 1, 'error', 'reworded')], added: [], removed: [] },
    { name: 'relaxed', base: [p('rule:a', 1), p('rule:a', 9)], head: [], added: [], removed: ['rule:a@1', 'rule:a@9'] },
    { name: 'tightened', base: [], head: [p('rule:b', 3)], added: ['rule:b@3'], removed: [] },
    { name: 'severity lowered', base: [p('rule:a', 1)], head: [p('rule:a', 1, 'warning')], added: ['rule:a@1'], removed: ['rule:a@1'] },
    {
      name: 'repeats matched one for one',
      base: [p('rule:a', 1)],
      head: [p('rule:a', 1), p('rule:a', 1)],
      added: ['rule:a@1'],
      removed: [],
    },
  ])('$name', ({ base, head, added, removed }) => {
    const diff = compareRuleVerdicts(base, head)
    const short = (ps: readonly Problem[]): string[] => ps.map((x) => `${x.code}@${x.line}`)
    expect({ added: short(diff.added), removed: short(diff.removed) }).toEqual({ added, removed })
  })
})

describe('a pull request whose head relaxes the rules file (real git)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'eag-gate-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))
  const git = (...args: string[]): string =>
    execFileSync('git', args, {
      cwd: dir,
      encoding: 'utf8',
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: 't',
        GIT_AUTHOR_EMAIL: 't@example.com',
        GIT_COMMITTER_NAME: 't',
        GIT_COMMITTER_EMAIL: 't@example.com',
        GIT_CONFIG_GLOBAL: '/dev/null',
      },
    }).trim()

  it('still fails on the base rules, and the notice lists what the PR would remove', async () => {
    git('init', '-q', '-b', 'main')
    mkdirSync(join(dir, '.github'))
    writeFileSync(join(dir, RULES_FILE), STRICT)
    git('add', '-A')
    git('commit', '-q', '-m', 'rules')
    const baseSha = git('rev-parse', 'HEAD')
    writeFileSync(join(dir, RULES_FILE), RELAXED) // the PR relaxes its own gate
    git('commit', '-qam', 'relax')

    const manifest = manifestOf({
      'eks-access.yaml': `
        version: 1
        clusters:
          prod: { region: eu-west-1, accountId: "111122223333" }
        accessEntries:
          - principalArn: arn:aws:iam::111122223333:user/mallory
      `,
    })
    const read = await readRulesAtBase({ path: RULES_FILE, baseSha, git: createGitReader({ cwd: dir }) })
    expect(read).toMatchObject({ kind: 'found', via: 'git' })
    if (read.kind !== 'found') return
    const baseRules = parseRulesSource(RULES_FILE, read.content)
    const headRules = parseRulesSource(RULES_FILE, RELAXED)
    if (!baseRules.ok || !headRules.ok) throw new Error('rules did not load')
    const verdict = evaluateOrgRules(baseRules.value, manifest)
    expect(verdict.map(brief)).toEqual(['eks-access.yaml:5:19 error rule:no-users'])
    const notice = compareRuleVerdicts(verdict, evaluateOrgRules(headRules.value, manifest))
    expect(notice.removed.map(brief)).toEqual(['eks-access.yaml:5:19 error rule:no-users'])
    expect(notice.added).toEqual([])
  })
})
