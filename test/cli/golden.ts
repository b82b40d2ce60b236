import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { expect } from 'vitest'

/**
 * Compares output with a golden file. `UPDATE_GOLDEN=1 npx vitest run test/cli` rewrites the
 * golden files; review the diff before committing them.
 */
export function expectGolden(path: string, actual: string): void {
  if (process.env['UPDATE_GOLDEN'] === '1') {
    mkdirSync(dirname(path), { recursive: true })
    writeFileSync(path, actual)
    return
  }
  if (!existsSync(path)) throw new Error(`golden file ${path} is missing: run with UPDATE_GOLDEN=1 to create it`)
  expect(actual).toBe(readFileSync(path, 'utf8').replace(/\r\n/g, '\n'))
}
