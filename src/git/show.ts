/**
 * Reading a file as it was at a commit, through the `git` binary (no shell: arguments are passed as
 * an array, so nothing in a path or ref is interpreted). Output is bounded: git is killed once it
 * writes more than `maxBytes`. Used for the rules file at `pull_request.base.sha`.
 */
import { spawn } from 'node:child_process'

export const DEFAULT_MAX_BYTES = 5 * 1024 * 1024

export type GitFileRead =
  | { readonly kind: 'found'; readonly bytes: Uint8Array }
  /** The commit exists here but has no such file. */
  | { readonly kind: 'absent' }
  | { readonly kind: 'too-large'; readonly limit: number }
  /** git is missing, the directory is no repository, or git failed otherwise. */
  | { readonly kind: 'failed'; readonly message: string }

export interface GitReader {
  /** true when `sha` names a commit present in this clone (a shallow checkout often lacks the base). */
  hasCommit(sha: string): Promise<boolean>
  /** The file at `path` (relative to the repository root, `/`-separated) in commit `sha`. */
  readFileAt(sha: string, path: string): Promise<GitFileRead>
}

export interface GitReaderOptions {
  /** A directory inside the work tree. */
  readonly cwd: string
  readonly git?: string
  readonly maxBytes?: number
  /** Kills a hung git (a safety net, not part of any test). */
  readonly timeoutMs?: number
}

const SHA = /^[0-9a-f]{40}([0-9a-f]{24})?$/i

interface RunResult {
  readonly code: number | null
  readonly stdout: Buffer
  readonly stderr: string
  readonly overflow: boolean
  readonly spawnError?: string
}

function runGit(opts: GitReaderOptions, args: readonly string[], maxBytes: number): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = spawn(opts.git ?? 'git', ['--no-pager', '-c', 'core.fsmonitor=false', ...args], {
      cwd: opts.cwd,
      shell: false,
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: opts.timeoutMs ?? 30_000,
      env: { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_PAGER: 'cat', LC_ALL: 'C' },
    })
    const chunks: Buffer[] = []
    let size = 0
    let overflow = false
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => {
      if (overflow) return
      size += chunk.byteLength
      if (size > maxBytes) {
        overflow = true
        child.kill('SIGKILL')
        return
      }
      chunks.push(chunk)
    })
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < 4096) stderr += chunk.toString('utf8')
    })
    child.on('error', (e) => resolve({ code: null, stdout: Buffer.alloc(0), stderr, overflow, spawnError: e.message }))
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(chunks), stderr, overflow }))
  })
}

export function createGitReader(opts: GitReaderOptions): GitReader {
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES
  return {
    async hasCommit(sha) {
      if (!SHA.test(sha)) return false
      const r = await runGit(opts, ['cat-file', '-e', `${sha}^{commit}`], 0)
      return r.code === 0
    },
    async readFileAt(sha, file) {
      if (!SHA.test(sha)) return { kind: 'failed', message: `"${sha}" is not a full commit SHA` }
      const clean = file.replace(/\\/g, '/').replace(/^\.\//, '')
      if (clean === '' || clean.startsWith('/') || clean.split('/').includes('..')) {
        return { kind: 'failed', message: `"${file}" is not a path inside the repository` }
      }
      // `-e` tells "no such file at that commit" apart from every other failure
      const exists = await runGit(opts, ['cat-file', '-e', `${sha}:${clean}`], 0)
      if (exists.spawnError !== undefined) return { kind: 'failed', message: `cannot run git: ${exists.spawnError}` }
      if (exists.code !== 0) {
        const commit = await runGit(opts, ['cat-file', '-e', `${sha}^{commit}`], 0)
        if (commit.code === 0) return { kind: 'absent' }
        return { kind: 'failed', message: `commit ${sha} is not in this clone${firstLine(commit.stderr)}` }
      }
      const shown = await runGit(opts, ['show', `${sha}:${clean}`], maxBytes)
      if (shown.overflow) return { kind: 'too-large', limit: maxBytes }
      if (shown.spawnError !== undefined) return { kind: 'failed', message: `cannot run git: ${shown.spawnError}` }
      if (shown.code !== 0) return { kind: 'failed', message: `git show ${sha.slice(0, 12)}:${clean} failed${firstLine(shown.stderr)}` }
      return { kind: 'found', bytes: new Uint8Array(shown.stdout) }
    },
  }
}

function firstLine(stderr: string): string {
  const line = stderr.split('\n').find((l) => l.trim() !== '')
  return line === undefined ? '' : `: ${line.trim()}`
}
