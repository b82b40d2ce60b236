// `npm test` must run on the Node major the action runs on (runs.using: node24). The `node`
// devDependency puts Node 24 first on PATH for npm scripts; `npm ci --ignore-scripts` skips its
// install script, and the tests would then silently run on the machine's older Node.
const major = Number(process.versions.node.split('.')[0])
if (major < 24) {
  console.error(
    `npm test needs Node 24 (found ${process.versions.node}). Run \`npm ci\` without --ignore-scripts so the \`node\` devDependency installs it.`,
  )
  process.exit(1)
}
