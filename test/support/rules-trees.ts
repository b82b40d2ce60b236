import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'

/** Temporary workspaces made of named files, removed together by `cleanup` (an afterAll). */
export function createTrees(prefix: string): { tree(files: Record<string, string>): string; track(dir: string): void; cleanup(): void } {
  const dirs: string[] = []
  return {
    tree(files) {
      const dir = mkdtempSync(join(tmpdir(), prefix))
      dirs.push(dir)
      for (const [name, text] of Object.entries(files)) {
        mkdirSync(dirname(join(dir, name)), { recursive: true })
        writeFileSync(join(dir, name), text)
      }
      return dir
    },
    track: (dir) => void dirs.push(dir),
    cleanup: () => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })),
  }
}

/** The organisation rules the base branch holds in the rules tests: IAM users denied, owner tag advised. */
export const STRICT_RULES = [
  'version: 1',
  'rules:',
  '  - id: no-iam-users',
  '    kind: denied-principals',
  '    principals: ["arn:aws:iam::*:user/*"]',
  '    message: Grant access to a role',
  '  - { id: owner, kind: required-tags, severity: warning, tags: [owner] }',
  '',
].join('\n')

/** What a pull request relaxes them to: IAM users allowed again. */
export const RELAXED_RULES = ['version: 1', 'rules:', '  - { id: owner, kind: required-tags, severity: warning, tags: [owner] }', ''].join(
  '\n',
)
