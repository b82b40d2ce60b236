/** Entry point of the CLI bundle (dist/cli/index.js), loaded by bin/eks-access-gate.js. */
import { runCli } from './cli.js'

void runCli(process.argv.slice(2)).then((code) => {
  process.exitCode = code
})
