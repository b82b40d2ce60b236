import { execFile } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { startFakeAws, type FakeAws } from '../fake-aws/index.js'
import { useBundle } from './bundle.js'

/**
 * The bundled CLI (dist/cli/index.js as ncc builds it) against the local fake EKS/STS, through the
 * real SDK and its endpoint settings: nothing is mocked between the CLI and the HTTP server.
 * Async execFile, not spawnSync: the fake serves from this process's event loop.
 */
const root = resolve(import.meta.dirname, '..', '..')
const examples = join(root, 'examples')
const snapshot = JSON.parse(readFileSync(join(examples, 'state.json'), 'utf8')) as {
  clusters: { name: string; region: string; accountId: string }[]
}

let bundle: { dir: string; cleanup: () => void }
let fake: FakeAws
let work: string

beforeAll(() => {
  bundle = useBundle()
  work = mkdtempSync(join(tmpdir(), 'eag-plan-e2e-'))
})
afterAll(() => {
  bundle.cleanup()
  rmSync(work, { recursive: true, force: true })
})
beforeEach(async () => {
  await fake?.close()
  fake = await startFakeAws()
  for (const c of snapshot.clusters) fake.seedCluster(c as Parameters<FakeAws['seedCluster']>[0])
  // issue 12: plan checks dead access through IAM; every principal exists, created long ago.
  for (const c of snapshot.clusters as unknown as { entries: { principalArn: string }[] }[])
    for (const e of c.entries) fake.iam.seed({ arn: e.principalArn, createDate: '2020-01-01T00:00:00Z' })
})
afterAll(async () => fake?.close())

interface Run {
  code: number
  stdout: string
  stderr: string
}

/** The fake maps an access key whose characters 5–16 are digits to that account. */
function cli(args: string[], env: Record<string, string> = {}, cwd = work): Promise<Run> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [join(bundle.dir, 'cli', 'index.js'), ...args],
      {
        cwd,
        env: {
          PATH: process.env['PATH'] ?? '',
          AWS_ENDPOINT_URL_EKS: fake.url,
          AWS_ENDPOINT_URL_STS: fake.url,
          AWS_ENDPOINT_URL_IAM: fake.url,
          AWS_ACCESS_KEY_ID: 'AKIA111122223333TEST',
          AWS_SECRET_ACCESS_KEY: 'fake-secret-key',
          AWS_REGION: 'eu-west-1',
          AWS_EC2_METADATA_DISABLED: 'true',
          ...env,
        },
      },
      (error, stdout, stderr) => done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    )
  })
}

const manifest = join(examples, 'eks-access.yaml')

describe('plan against the fake EKS', () => {
  it('plans live clusters with the same result as the snapshot', async () => {
    // staging-eu lives in account 444455556666: reachable only by assuming its planRoleArn.
    const live = await cli(['plan', '--manifest', manifest, '--format', 'json', '--assume-roles'])
    const offline = await cli(['plan', '--manifest', manifest, '--format', 'json', '--state', join(examples, 'state.json')])
    // team-a (account 111122223333) on staging-eu (444455556666): the plan role reads its own account's IAM only
    expect(live.stderr).toBe(
      "eks-access-gate: note: dead access not checked for 1 entry on staging-eu: principals of other accounts (the plan role reads its own account's IAM only)\n",
    )
    expect(live.code).toBe(0)
    expect(offline.code).toBe(0)
    const livePlan = JSON.parse(live.stdout)
    expect(livePlan.summary).toEqual({ create: 1, update: 0, replace: 0, delete: 1, associate: 3, disassociate: 0, unchanged: 2 })
    expect(livePlan.planHash).toBe(JSON.parse(offline.stdout).planHash)
    const assumed = fake.calls.filter((c) => c.operation === 'AssumeRole').length
    expect(assumed).toBe(2)
  })

  it('makes no write and reads nothing twice', async () => {
    await cli(['plan', '--manifest', manifest, '--assume-roles'])
    const eks = fake.calls.filter((c) => c.service === 'eks')
    expect(eks.filter((c) => !/^(Describe|List)/.test(c.operation))).toEqual([])
    expect(eks.filter((c) => c.operation === 'DescribeCluster')).toHaveLength(2)
    expect(eks.filter((c) => c.operation === 'ListAccessPolicies')).toHaveLength(1)
  })

  it('isolates a failing cluster: its section has the error, the other is planned, exit 1', async () => {
    fake.forceError({
      cluster: 'prod',
      status: 403,
      code: 'AccessDeniedException',
      message: 'User is not authorized to perform: eks:DescribeCluster',
    })
    const run = await cli(['plan', '--manifest', manifest, '--format', 'json', '--assume-roles'])
    expect(run.code).toBe(1)
    const plan = JSON.parse(run.stdout)
    const prod = plan.clusters.find((c: { cluster: string }) => c.cluster === 'prod-eu')
    const staging = plan.clusters.find((c: { cluster: string }) => c.cluster === 'staging-eu')
    expect(prod.errors[0].code).toBe('AccessDeniedException')
    expect(prod.errors[0].message).toContain('eks:ListAccessEntries')
    expect(staging.errors).toEqual([])
    expect(staging.changes.length).toBeGreaterThan(0)
  })

  it('--cluster narrows the plan to matching clusters', async () => {
    const run = await cli(['plan', '--manifest', manifest, '--format', 'json', '--cluster', 'prod-*'])
    expect(run.code).toBe(0)
    expect(JSON.parse(run.stdout).clusters.map((c: { cluster: string }) => c.cluster)).toEqual(['prod-eu'])
    expect(fake.calls.every((c) => c.account === '111122223333')).toBe(true)
  })

  it('--max-rate paces the reads of one account and region', async () => {
    // prod-eu in examples/state.json: 1 DescribeCluster + 1 ListAccessEntries + 6 entries
    // (DescribeAccessEntry; ListAssociatedAccessPolicies for the 4 that can hold policies) +
    // 1 ListAccessPolicies = 13 requests. At 10 per second the 13th cannot start before 1.2 s:
    // a lower bound, so a slow machine cannot make this fail.
    const started = Date.now()
    const run = await cli(['plan', '--manifest', manifest, '--cluster', 'prod-eu', '--max-rate', '10'])
    expect(run.code).toBe(0)
    const eks = fake.calls.filter((c) => c.service === 'eks')
    expect(eks).toHaveLength(13)
    expect(Date.now() - started).toBeGreaterThanOrEqual(1200)
  })

  it('a --cluster glob matching nothing is a usage error (exit 2) before any AWS call', async () => {
    const run = await cli(['plan', '--manifest', manifest, '--cluster', 'qa-*'])
    expect(run.code).toBe(2)
    expect(run.stderr).toContain('matches no cluster')
    expect(fake.calls).toEqual([])
  })

  it('an invalid manifest is exit 1 with located problems and no AWS call', async () => {
    const bad = join(work, 'bad.yaml')
    writeFileSync(bad, readFileSync(manifest, 'utf8').replace('kubernetesGroups: [team-a-readers]', 'kubernetesGroups: [system:masters]'))
    const run = await cli(['plan', '--manifest', bad])
    expect(run.code).toBe(1)
    expect(run.stderr).toMatch(/bad\.yaml:\d+:\d+: error eks:/)
    expect(fake.calls).toEqual([])
  })

  it('an unknown short policy name costs one ListAccessPolicies, then is exit 1 at its line', async () => {
    const typo = join(work, 'typo.yaml')
    writeFileSync(typo, readFileSync(manifest, 'utf8').replace('AmazonEKSViewPolicy', 'AmazonEKSViewPolicyy'))
    const run = await cli(['plan', '--manifest', typo])
    expect(run.code).toBe(1)
    expect(run.stderr).toMatch(/typo\.yaml:\d+:\d+: error eks:unknown-policy: .*did you mean "AmazonEKSViewPolicy"/)
    expect(fake.calls.map((c) => c.operation)).toEqual(['ListAccessPolicies'])
  })

  it('an unknown full policy ARN stays a warning; the catalogue is read once, before the clusters', async () => {
    const arn = 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSBrandNewPolicy'
    const newer = join(work, 'newer.yaml')
    writeFileSync(newer, readFileSync(manifest, 'utf8').replace('policyArn: AmazonEKSViewPolicy', `policyArn: ${arn}`))
    const run = await cli(['plan', '--manifest', newer, '--format', 'json', '--assume-roles'])
    expect(run.code).toBe(0)
    expect(JSON.parse(run.stdout).problems).toMatchObject([{ severity: 'warning', code: 'eks:unknown-policy' }])
    const eks = fake.calls.filter((c) => c.service === 'eks').map((c) => c.operation)
    expect(eks.filter((op) => op === 'ListAccessPolicies')).toHaveLength(1)
    expect(eks[0]).toBe('ListAccessPolicies')
  })
})

describe('plan and organisation rules', () => {
  it.each([
    ['the default rules file, when it exists', [], true, 0],
    ['an explicit --rules file that is missing is exit 2', ['--rules', 'nope.yaml'], false, 2],
  ] as [string, string[], boolean, number][])('%s', async (_name, extra, createDefault, code) => {
    const dir = mkdtempSync(join(work, 'rules-'))
    if (createDefault) {
      mkdirSync(join(dir, '.github'))
      writeFileSync(join(dir, '.github', 'eks-access-rules.yaml'), 'version: 1\nrules: []\n')
    }
    const run = await cli(['plan', '--manifest', manifest, '--state', join(examples, 'state.json'), ...extra], {}, dir)
    expect(run.code).toBe(code)
    if (code === 0) expect(run.stderr).not.toContain('organisation rules')
    else expect(run.stderr).toContain('rules file "nope.yaml" not found')
  })
})

describe('export, then plan: zero changes', () => {
  it.each(['yaml', 'state'] as const)('export --format %s round-trips', async (format) => {
    const out = join(work, `exported-${format}`)
    const exported = await cli(['export', '--cluster', 'prod', '--region', 'eu-west-1', '--format', format, '--output', out])
    expect(exported.code).toBe(0)
    const args =
      format === 'yaml'
        ? ['plan', '--manifest', out, '--format', 'json']
        : ['plan', '--manifest', manifest, '--cluster', 'prod-eu', '--state', out, '--format', 'json']
    const planned = await cli(args)
    expect(planned.code).toBe(0)
    const plan = JSON.parse(planned.stdout)
    if (format === 'yaml') {
      // The exported manifest describes the cluster exactly as it is.
      expect(plan.summary).toMatchObject({ create: 0, update: 0, replace: 0, delete: 0, associate: 0, disassociate: 0 })
      expect(plan.summary.unchanged).toBeGreaterThan(0)
    } else {
      // The snapshot stands for the live cluster: the same plan as live.
      const live = JSON.parse((await cli(['plan', '--manifest', manifest, '--cluster', 'prod-eu', '--format', 'json'])).stdout)
      expect(plan.planHash).toBe(live.planHash)
    }
  })

  it('an unknown cluster is exit 1 with EKS’s message', async () => {
    const run = await cli(['export', '--cluster', 'nope', '--region', 'eu-west-1'])
    expect(run.code).toBe(1)
    expect(run.stderr).toContain('No cluster found for name: nope.')
    expect(run.stdout).toBe('')
  })
})
