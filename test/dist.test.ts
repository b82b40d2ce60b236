import { readFileSync, readdirSync, statSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { describe, expect, inject, it } from 'vitest'

// dist/ is the product: the runner executes dist/index.js, not src/. This fails when the
// committed bundle lags behind src/ (fix: `npm run bundle` and commit dist/).
const root = resolve(import.meta.dirname, '..')

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? listFiles(path) : [path]
  })
}

describe('committed dist/', () => {
  const fresh = inject('bundleDir')
  const committed = join(root, 'dist')
  const freshFiles = listFiles(fresh)
    .map((f) => relative(fresh, f))
    .sort()

  it('has the same files as a fresh `npm run bundle`', () => {
    expect(
      listFiles(committed)
        .map((f) => relative(committed, f))
        .sort(),
    ).toEqual(freshFiles)
  })

  it.each(freshFiles)('%s matches a fresh build', (file) => {
    const want = readFileSync(join(fresh, file), 'utf8').replace(/\r\n/g, '\n')
    const have = readFileSync(join(committed, file), 'utf8').replace(/\r\n/g, '\n')
    // A plain boolean keeps a 3 MB diff out of the test output.
    expect(have === want, `dist/${file} is stale: run \`npm run bundle\` and commit dist/`).toBe(true)
  })
})
