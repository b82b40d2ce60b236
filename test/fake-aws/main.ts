/**
 * Launcher for manual runs and the demo:
 *   node build/test/fake-aws/main.js [--port 0] [--seed FILE] [--latency MS] [--rate N] [--fail5xx-every N]
 * FILE is a state snapshot (`{version: 1, clusters: [...]}`, as `export --format state` writes) or a
 * bare list of clusters. Prints the URL on stdout, then serves until killed.
 */
import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { startFakeAws } from './server.js'
import type { SeedCluster } from './eks.js'

function readSeed(file: string): SeedCluster[] {
  const data: unknown = JSON.parse(readFileSync(file, 'utf8'))
  const clusters = Array.isArray(data) ? data : (data as { clusters?: unknown }).clusters
  if (!Array.isArray(clusters)) throw new Error(`${file}: expected {clusters: [...]} or a list of clusters`)
  return clusters as SeedCluster[]
}

function numberOption(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined
  const n = Number(value)
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a non-negative number, got ${value}`)
  return n
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      seed: { type: 'string' },
      latency: { type: 'string' },
      rate: { type: 'string' },
      'fail5xx-every': { type: 'string' },
    },
  })
  const latencyMs = numberOption(values.latency, 'latency')
  const rate = numberOption(values.rate, 'rate')
  const fail = numberOption(values['fail5xx-every'], 'fail5xx-every')
  const fake = await startFakeAws({
    port: numberOption(values.port, 'port') ?? 0,
    clusters: values.seed === undefined ? [] : readSeed(values.seed),
    ...(latencyMs === undefined ? {} : { latencyMs }),
    ...(rate === undefined ? {} : { ratePerSecondPerAccount: rate }),
    ...(fail === undefined ? {} : { fail5xxEvery: fail }),
  })
  process.stdout.write(`${fake.url}\n`)
  const stop = (): void => {
    void fake.close().then(() => process.exit(0))
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}

main().catch((e: unknown) => {
  process.stderr.write(`fake-aws: ${e instanceof Error ? e.message : String(e)}\n`)
  process.exit(2)
})
