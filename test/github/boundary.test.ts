import { readdirSync, readFileSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

const root = resolve(import.meta.dirname, '..', '..')

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  )
}

describe('GitHub edge boundary', () => {
  it('only src/github/octokit.ts imports @actions/github', () => {
    const importers = sources(join(root, 'src'))
      .filter((f) => /from\s+['"]@actions\/github(\/[^'"]*)?['"]|import\(\s*['"]@actions\/github/.test(readFileSync(f, 'utf8')))
      .map((f) => relative(root, f))
    expect(importers).toEqual(['src/github/octokit.ts'])
  })

  it('the port, the sticky algorithm and the fake import no HTTP library', () => {
    for (const f of ['src/github/port.ts', 'src/github/sticky.ts', ...sources(join(root, 'test', 'fake-github'))]) {
      const text = readFileSync(resolve(root, f), 'utf8')
      expect(text, f).not.toMatch(/from\s+['"](@actions|@octokit|undici)/)
    }
  })
})
