/** The git reader on a temporary repository made here: found, absent, unknown commit, bounded output. */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createGitReader } from '../../../src/git/show.js'

const dir = mkdtempSync(join(tmpdir(), 'eag-git-'))
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

let base = ''
let head = ''
beforeAll(() => {
  git('init', '-q', '-b', 'main')
  mkdirSync(join(dir, '.github'))
  writeFileSync(join(dir, '.github/eks-access-rules.yaml'), 'version: 1\nrules: []\n')
  writeFileSync(join(dir, 'big.txt'), 'x'.repeat(4096))
  git('add', '-A')
  git('commit', '-q', '-m', 'base')
  base = git('rev-parse', 'HEAD')
  writeFileSync(join(dir, '.github/eks-access-rules.yaml'), 'version: 1\nrules: [relaxed]\n')
  writeFileSync(join(dir, 'a file; $(touch pwned).txt'), 'literal\n')
  git('add', '-A')
  git('commit', '-q', '-m', 'head')
  head = git('rev-parse', 'HEAD')
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('createGitReader', () => {
  it('reads a file as it was at a commit, not as it is now', async () => {
    const reader = createGitReader({ cwd: dir })
    const read = await reader.readFileAt(base, '.github/eks-access-rules.yaml')
    expect(read.kind === 'found' && Buffer.from(read.bytes).toString('utf8')).toBe('version: 1\nrules: []\n')
    const now = await reader.readFileAt(head, './.github/eks-access-rules.yaml')
    expect(now.kind === 'found' && Buffer.from(now.bytes).toString('utf8')).toBe('version: 1\nrules: [relaxed]\n')
  })

  it('tells a missing file apart from a missing commit', async () => {
    const reader = createGitReader({ cwd: dir })
    expect(await reader.readFileAt(base, 'nope.yaml')).toEqual({ kind: 'absent' })
    expect(await reader.hasCommit(base)).toBe(true)
    const unknown = 'f'.repeat(40)
    expect(await reader.hasCommit(unknown)).toBe(false)
    expect((await reader.readFileAt(unknown, 'x.yaml')).kind).toBe('failed')
  })

  it('passes paths without a shell and refuses refs that are not SHAs or paths outside the repo', async () => {
    const reader = createGitReader({ cwd: dir })
    const odd = await reader.readFileAt(head, 'a file; $(touch pwned).txt')
    expect(odd.kind === 'found' && Buffer.from(odd.bytes).toString('utf8')).toBe('literal\n')
    expect((await reader.readFileAt(head, 'pwned')).kind).toBe('absent')
    expect(await reader.hasCommit('--help')).toBe(false)
    expect((await reader.readFileAt('HEAD', 'big.txt')).kind).toBe('failed')
    expect((await reader.readFileAt(head, '../etc/passwd')).kind).toBe('failed')
  })

  it('stops reading past maxBytes', async () => {
    const reader = createGitReader({ cwd: dir, maxBytes: 1000 })
    expect(await reader.readFileAt(base, 'big.txt')).toEqual({ kind: 'too-large', limit: 1000 })
    expect((await createGitReader({ cwd: dir, maxBytes: 4096 }).readFileAt(base, 'big.txt')).kind).toBe('found')
  })

  it('reports a missing git binary or a directory outside any repository as failed', async () => {
    const noGit = createGitReader({ cwd: dir, git: join(dir, 'no-such-git') })
    expect(await noGit.hasCommit(base)).toBe(false)
    const read = await noGit.readFileAt(base, 'big.txt')
    expect(read.kind === 'failed' && read.message).toMatch(/cannot run git/)
    const outside = mkdtempSync(join(tmpdir(), 'eag-nogit-'))
    try {
      const r = await createGitReader({ cwd: outside }).readFileAt(base, 'big.txt')
      expect(r.kind).toBe('failed')
    } finally {
      rmSync(outside, { recursive: true, force: true })
    }
  })
})
