import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import type { TestProject } from 'vitest/node'

/**
 * Builds the ncc bundles once per test run into a temporary folder. The dist-freshness test
 * compares it with the committed dist/, and the end-to-end tests run it the way the runner does.
 */
export default function setup(project: TestProject): () => void {
  if (!needsBundle(process.argv)) {
    project.provide('bundleDir', '')
    return () => {}
  }
  const root = resolve(import.meta.dirname, '..')
  const dir = mkdtempSync(join(tmpdir(), 'eks-access-gate-dist-'))
  execFileSync(process.execPath, [join(root, 'scripts', 'bundle.mjs'), dir], { cwd: root, stdio: 'inherit' })
  project.provide('bundleDir', dir)
  return () => rmSync(dir, { recursive: true, force: true })
}

/**
 * A run filtered to other folders (`vitest run test/plan`) skips the 10–20 s build; a full
 * run (`npm test`) or one naming the dist or e2e tests builds it.
 */
function needsBundle(argv: readonly string[]): boolean {
  const filters = argv.slice(2).filter((a) => !a.startsWith('-') && a !== 'run' && !a.endsWith('vitest'))
  return filters.length === 0 || filters.some((f) => /dist|e2e/.test(f))
}

declare module 'vitest' {
  export interface ProvidedContext {
    bundleDir: string
  }
}
