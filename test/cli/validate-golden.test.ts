import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runCli, type CliIO } from '../../src/cli.js'
import { expectGolden } from './golden.js'

/**
 * The CLI with the real validation core on the manifests in test/fixtures/validate/cases/<case>/.
 * Each case has golden files for text and JSON output: `UPDATE_GOLDEN=1 npx vitest run test/cli`.
 */
const casesDir = join(import.meta.dirname, '..', 'fixtures', 'validate', 'cases')
const cases = readdirSync(casesDir).sort()
const NOW = new Date('2026-11-28T12:00:00Z')

async function runIn(dir: string, argv: string[]): Promise<string> {
  let stdout = ''
  let stderr = ''
  const io: CliIO = {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    cwd: dir,
    env: {},
    now: () => NOW,
    isTTY: false,
  }
  const code = await runCli(argv, io)
  // The working directory differs per machine: keep it out of the golden files.
  const stable = (s: string): string => s.split(dir).join('<cwd>')
  return `$ eks-access-gate ${argv.join(' ')}\nexit ${code}\n--- stdout\n${stable(stdout)}--- stderr\n${stable(stderr)}`
}

describe('validate on fixture manifests (golden)', () => {
  it.each(cases)('%s: text', async (name) => {
    expectGolden(join(casesDir, name, 'expected.txt'), await runIn(join(casesDir, name), ['validate', '--manifest', '*.yaml']))
  })

  it.each(cases)('%s: json', async (name) => {
    expectGolden(
      join(casesDir, name, 'expected.json.txt'),
      await runIn(join(casesDir, name), ['validate', '--manifest', '*.yaml', '--format', 'json']),
    )
  })

  it.each([
    ['valid', 0],
    ['warnings-only', 0],
    ['broken', 1],
    ['every-violation', 1],
    ['multi-file', 1],
    ['syntax-error', 1],
    ['no-match', 2],
  ])('%s exits %i', async (name, code) => {
    expect(await runIn(join(casesDir, name), ['validate', '--manifest', '*.yaml'])).toContain(`\nexit ${code}\n`)
  })
})
