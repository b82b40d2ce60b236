import { readdirSync, readFileSync } from 'node:fs'
import { join, relative, sep } from 'node:path'
import { describe, expect, it } from 'vitest'

/**
 * Import boundaries (README "Architecture"): the SDKs and the runner toolkit stay at the edges,
 * the pure core never reaches an adapter, and commands never touch the process.
 */
const SRC = join(import.meta.dirname, '..', 'src')

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const path = join(dir, d.name)
    if (d.isDirectory()) return sourceFiles(path)
    return d.name.endsWith('.ts') ? [path] : []
  })
}

const files = sourceFiles(SRC).map((abs) => {
  const text = readFileSync(abs, 'utf8')
  const imports = [...text.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/gm)].map(
    (m) => m[1] ?? m[2] ?? '',
  )
  return { file: relative(SRC, abs).split(sep).join('/'), text, imports }
})

/** Resolves a relative import to a path under src/ (`aws/eks-sdk.ts`). */
function target(from: string, spec: string): string | undefined {
  if (!spec.startsWith('.')) return undefined
  const parts = from.split('/').slice(0, -1)
  for (const p of spec.split('/')) {
    if (p === '..') parts.pop()
    else if (p !== '.') parts.push(p)
  }
  return parts.join('/').replace(/\.js$/, '.ts')
}

function offenders(allowed: (file: string) => boolean, forbidden: (spec: string, resolved: string | undefined) => boolean): string[] {
  return files
    .filter((f) => !allowed(f.file))
    .flatMap((f) => f.imports.filter((s) => forbidden(s, target(f.file, s))).map((s) => `${f.file} → ${s}`))
}

/** Adapters and port implementations: what the pure core must not import. */
const ADAPTERS = ['aws/eks-sdk.ts', 'aws/credentials.ts', 'main.ts', 'cli.ts', 'cli-entry.ts', 'index.ts']
const isAdapter = (resolved: string | undefined): boolean =>
  resolved !== undefined && (ADAPTERS.includes(resolved) || (resolved.startsWith('github/') && resolved !== 'github/port.ts'))

describe('architecture', () => {
  it('finds the sources', () => {
    expect(files.map((f) => f.file)).toEqual(expect.arrayContaining(['main.ts', 'cli.ts', 'outcome.ts', 'commands/index.ts']))
  })

  it('only src/aws/ imports @aws-sdk/*', () => {
    expect(
      offenders(
        (f) => f.startsWith('aws/'),
        (s) => s.startsWith('@aws-sdk/'),
      ),
    ).toEqual([])
  })

  it('only src/github/ imports @actions/github', () => {
    expect(
      offenders(
        (f) => f.startsWith('github/'),
        (s) => s === '@actions/github' || s.startsWith('@actions/github/'),
      ),
    ).toEqual([])
  })

  it('only src/main.ts imports @actions/core', () => {
    expect(
      offenders(
        (f) => f === 'main.ts',
        (s) => s === '@actions/core' || s.startsWith('@actions/core/'),
      ),
    ).toEqual([])
  })

  it.each(['plan/', 'rules/', 'manifest/', 'render/', 'util/'])('%s imports no adapter and no port implementation', (dir) => {
    expect(
      offenders(
        (f) => !f.startsWith(dir),
        (s, resolved) => isAdapter(resolved) || s.startsWith('@aws-sdk/') || s.startsWith('@actions/'),
      ),
    ).toEqual([])
  })

  it('src/commands/ never references process', () => {
    const uses = files.filter((f) => f.file.startsWith('commands/') && /\bprocess\b/.test(f.text.replace(/\/\/.*$|\/\*[\s\S]*?\*\//gm, '')))
    expect(uses.map((f) => f.file)).toEqual([])
  })

  it('the import scanner sees imports (a check that cannot fail is no check)', () => {
    expect(files.find((f) => f.file === 'main.ts')?.imports).toContain('@actions/core')
    expect(target('commands/plan.ts', '../aws/eks-sdk.js')).toBe('aws/eks-sdk.ts')
  })
})
