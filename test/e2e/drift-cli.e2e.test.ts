import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { startFakeAws, type FakeAws } from '../fake-aws/index.js'
import { useBundle } from './bundle.js'
import { FAKE_NOW, MANIFEST, OTHER, role, runCli, seed, user } from './drift-fixture.js'

/** `eks-access-gate drift`, bundled, against the fake EKS and IAM through the real SDK. */
let bundle: { dir: string; cleanup: () => void }
let fake: FakeAws
let work: string

beforeAll(() => {
  bundle = useBundle()
  work = mkdtempSync(join(tmpdir(), 'eag-drift-e2e-'))
  writeFileSync(join(work, 'eks-access.yaml'), MANIFEST)
})
afterAll(async () => {
  await fake?.close()
  bundle.cleanup()
  rmSync(work, { recursive: true, force: true })
})
beforeEach(async () => {
  await fake?.close()
  fake = await startFakeAws({ now: () => FAKE_NOW })
  seed(fake)
})

const drift = (...args: string[]) => runCli(bundle.dir, fake.url, work, ['drift', ...args])

describe('drift against the fake EKS and IAM', () => {
  it('classifies changed, unknown and pending, and reports orphaned and stale principals', async () => {
    const run = await drift('--format', 'json')
    expect(run.code).toBe(0)
    const report = JSON.parse(run.stdout)
    expect(report).toMatchObject({ drift: true, counts: { changed: 1, unknown: 2, pending: 1 } })
    expect(report.changed).toMatchObject([{ principalArn: user('dev'), changes: [{ action: 'update', after: { username: user('dev') } }] }])
    expect(report.unknown.map((u: { principalArn: string }) => u.principalArn)).toEqual([role('ghost'), role('partner', OTHER)])
    expect(report.pending).toMatchObject([
      { principalArn: role('team-a'), changes: [{ action: 'delete', reason: 'expired', expiresAt: '2001-01-01' }] },
    ])
    expect(report.dead.map((d: { kind: string; principalArn: string }) => [d.kind, d.principalArn])).toEqual([
      ['orphaned', role('ghost')],
      ['stale', role('recreated')],
    ])
    // one IAM read per distinct principal of the cluster's account; the other account's is not read
    expect(fake.iam.calls.map((c) => c.name).sort()).toEqual(['admins', 'dev', 'ghost', 'recreated', 'team-a'])
    expect(run.stderr).toContain('dead access not checked for 1 entry on prod: principals of other accounts')
    expect(run.stderr).toContain('warning dead-access:stale')
    // drift only reads
    expect(fake.calls.filter((c) => c.service === 'eks' && !/^(Describe|List)/.test(c.operation))).toEqual([])
  })

  it('--fail-on-drift exits 1 when drift exists', async () => {
    const run = await drift('--fail-on-drift')
    expect(run.code).toBe(1)
    expect(run.stdout.split('\n')[0]).toBe('Drift: 1 changed outside the repo, 2 unknown, 1 pending')
    expect(run.stderr).toContain('eks-access-gate: drift: 1 changed outside the repo, 2 unknown, 1 pending')
  })

  it('--format markdown is the issue body, beginning with the marker', async () => {
    const run = await drift('--format', 'markdown')
    expect(run.code).toBe(0)
    expect(run.stdout.split('\n').slice(0, 2)).toEqual(['<!-- eks-access-gate:drift -->', '## EKS access drift'])
    expect(run.stdout).toContain('### Dead access')
  })
})
