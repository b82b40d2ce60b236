// Builds the two committed bundles with ncc: dist/index.js (the action, run by the runner)
// and dist/cli/index.js (the `eks-access-gate` bin). `node scripts/bundle.mjs OUTDIR` builds
// elsewhere, which the dist-freshness test uses to compare against the committed dist/.
import { execFileSync } from 'node:child_process'
import { rmSync } from 'node:fs'
import { join, resolve } from 'node:path'

const root = resolve(import.meta.dirname, '..')
const out = resolve(root, process.argv[2] ?? 'dist')
const ncc = join(root, 'node_modules', '@vercel', 'ncc', 'dist', 'ncc', 'cli.js')

rmSync(out, { recursive: true, force: true })
for (const [entry, dir] of [
  ['src/index.ts', out],
  ['src/cli-entry.ts', join(out, 'cli')],
]) {
  execFileSync(process.execPath, [ncc, 'build', entry, '-o', dir, '--license', 'licenses.txt', '--transpile-only', '--quiet'], {
    cwd: root,
    stdio: 'inherit',
  })
}
