import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { startFakeAws, type FakeAws } from '../fake-aws/index.js'
import { useBundle } from './bundle.js'
import { FAKE_NOW, MANIFEST, role, runCli, seed } from './drift-fixture.js'

/**
 * Issue 12, as a new user saw it: once any expiresAt is in the past, `plan` exited 1 with no plan.
 * Now plan treats expired access as absent (delete marked `reason: "expired"`), warns, exits 0;
 * validate keeps the error. Dates far in the past (2001) and future (2999): no clock injection.
 */
let bundle: { dir: string; cleanup: () => void }
let fake: FakeAws
let work: string

beforeAll(() => {
  bundle = useBundle()
  work = mkdtempSync(join(tmpdir(), 'eag-expiry-e2e-'))
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

const cli = (...args: string[]) => runCli(bundle.dir, fake.url, work, args)

describe('a past expiresAt', () => {
  it('plan exits 0 and removes the expired access, marked expired, with the warning', async () => {
    const run = await cli('plan', '--format', 'json')
    expect(run.code).toBe(0)
    const plan = JSON.parse(run.stdout)
    expect(plan.clusters[0].changes.filter((c: { reason?: string }) => c.reason === 'expired')).toEqual([
      expect.objectContaining({ action: 'delete', principalArn: role('team-a'), reason: 'expired', expiresAt: '2001-01-01' }),
    ])
    const expired = plan.problems.filter((p: { code: string }) => p.code === 'expiry:expired')
    expect(expired).toMatchObject([{ severity: 'warning', line: 12 }])
    expect(expired[0].message).toContain('expired on 2001-01-02T00:00:00Z')
    expect(expired[0].message).toContain('access removed by the next apply; delete the entry from the manifest')
  })

  it('the text plan says why the access goes', async () => {
    const run = await cli('plan')
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(/expired/)
  })

  it('plan --state (offline) also exits 0, and notes that IAM was not read', async () => {
    const state = join(work, 'state.json')
    const exported = await cli('export', '--cluster', 'prod', '--region', 'eu-west-1', '--format', 'state', '--output', state)
    expect(exported.code).toBe(0)
    const run = await cli('plan', '--state', state, '--format', 'json')
    expect(run.code).toBe(0)
    expect(run.stderr).toContain('dead access not checked: IAM is not read when planning from a state snapshot (--state)')
    expect(JSON.parse(run.stdout).summary.delete).toBe(1)
  })

  it('validate keeps it an error (exit 1)', async () => {
    const run = await cli('validate', '--format', 'json')
    expect(run.code).toBe(1)
    expect(JSON.parse(run.stdout).problems).toMatchObject([{ severity: 'error', code: 'expiry:expired' }])
  })

  it('--expiry-warning-days is accepted by plan and drift', async () => {
    expect((await cli('plan', '--expiry-warning-days', '30', '--format', 'json')).code).toBe(0)
    expect((await cli('drift', '--expiry-warning-days', '30', '--format', 'json')).code).toBe(0)
  })
})
