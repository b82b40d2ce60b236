import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { inject } from 'vitest'

const root = resolve(import.meta.dirname, '..', '..')

/**
 * The bundle built once per run by test/global-setup.ts, or (for a run filtered to one file) a
 * fresh build of our own. Returns its folder and a cleanup.
 */
export function useBundle(): { dir: string; cleanup: () => void } {
  const shared = inject('bundleDir')
  if (shared) return { dir: shared, cleanup: () => {} }
  const dir = mkdtempSync(join(tmpdir(), 'eag-e2e-dist-'))
  const built = spawnSync(process.execPath, [join(root, 'scripts', 'bundle.mjs'), dir], { cwd: root, encoding: 'utf8' })
  if (built.status !== 0) throw new Error(`bundle failed:\n${built.stderr}`)
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) }
}
