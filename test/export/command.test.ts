import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { parse as parseYaml } from 'yaml'
import { AwsCallError, type ClusterInfo, type EksAccessApi } from '../../src/aws/port.js'
import { publish } from '../../src/cli.js'
import { exportCluster, readClusterAccess, type ExportDeps, type ExportOptions } from '../../src/commands/export.js'
import { exitCodeOf } from '../../src/outcome.js'
import { exportManifestYaml } from '../../src/manifest/export.js'
import { parseStateSnapshot } from '../../src/state/snapshot.js'
import type { AccessPolicyInfo, ObservedCluster, ObservedEntry } from '../../src/types.js'
import { PROD } from './fixtures.js'

const CATALOGUE: AccessPolicyInfo[] = [{ name: 'AmazonEKSViewPolicy', arn: 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy' }]

interface FakeCluster {
  readonly info: ClusterInfo
  readonly entries: readonly ObservedEntry[]
}

interface Fake {
  api: EksAccessApi
  readonly calls: string[]
  maxInFlight: number
}

/** An in-memory EKS: reads answer from `clusters`; `fail` makes one operation throw; writes are never expected. */
function fakeEks(clusters: Record<string, FakeCluster>, fail: Record<string, AwsCallError> = {}, gone: readonly string[] = []): Fake {
  const fake: Fake = { api: undefined as unknown as EksAccessApi, calls: [], maxInFlight: 0 }
  let inFlight = 0
  const read = async <T>(op: string, arg: string, answer: () => T): Promise<T> => {
    fake.calls.push(`${op} ${arg}`)
    inFlight++
    fake.maxInFlight = Math.max(fake.maxInFlight, inFlight)
    try {
      await new Promise((resolve) => setImmediate(resolve))
      const failure = fail[op]
      if (failure) throw failure
      return answer()
    } finally {
      inFlight--
    }
  }
  const cluster = (name: string): FakeCluster => {
    const c = clusters[name]
    if (!c) throw new AwsCallError('DescribeCluster', 'ResourceNotFoundException', `No cluster found for name: ${name}.`, 404)
    return c
  }
  const entryOf = (name: string, principal: string): ObservedEntry => {
    const e = cluster(name).entries.find((x) => x.principalArn === principal)
    if (!e || gone.includes(principal))
      throw new AwsCallError('DescribeAccessEntry', 'ResourceNotFoundException', 'The specified principalArn could not be found.', 404)
    return e
  }
  const unexpected = (): Promise<never> => Promise.reject(new Error('export must not write'))
  const api: EksAccessApi = {
    describeCluster: (name) => read('DescribeCluster', name, () => cluster(name).info),
    listAccessEntries: (name) => read('ListAccessEntries', name, () => cluster(name).entries.map((e) => e.principalArn)),
    describeAccessEntry: (name, p) =>
      read('DescribeAccessEntry', p, () => {
        const { accessPolicies: _, ...rest } = entryOf(name, p)
        return rest
      }),
    listAssociatedAccessPolicies: (name, p) => read('ListAssociatedAccessPolicies', p, () => [...entryOf(name, p).accessPolicies]),
    listAccessPolicies: () => read('ListAccessPolicies', '', () => CATALOGUE),
    createAccessEntry: unexpected,
    updateAccessEntry: unexpected,
    deleteAccessEntry: unexpected,
    associateAccessPolicy: unexpected,
    disassociateAccessPolicy: unexpected,
    tagResource: unexpected,
    updateAuthenticationMode: unexpected,
  }
  fake.api = api
  return fake
}

const PROD_INFO: ClusterInfo = {
  name: 'prod',
  arn: 'arn:aws:eks:eu-west-1:111122223333:cluster/prod',
  authenticationMode: 'API_AND_CONFIG_MAP',
}

function run(opts: Partial<ExportOptions>, fake: Fake, extra: Partial<ExportDeps> = {}) {
  const out = { stdout: '', stderr: '', targets: [] as { name: string; region: string }[], code: -1 }
  const deps: ExportDeps = {
    apiFor: (t) => {
      out.targets.push(t)
      return fake.api
    },
    ...extra,
  }
  const options: ExportOptions = { cluster: 'prod', format: 'yaml', cwd: '/work', env: { AWS_REGION: 'eu-west-1' }, ...opts }
  // The command returns an Outcome; the terminal adapter's publish prints it as the CLI does.
  const io = { stdout: (s: string) => void (out.stdout += s), stderr: (s: string) => void (out.stderr += s) }
  return exportCluster(options, deps).then(async (outcome) => {
    await publish(outcome, io)
    return { ...out, code: exitCodeOf(outcome) }
  })
}

describe('exportCommand', () => {
  it('writes the live cluster as manifest YAML on stdout', async () => {
    const fake = fakeEks({ prod: { info: PROD_INFO, entries: PROD.entries } })
    const r = await run({}, fake)
    expect(r.code).toBe(0)
    expect(r.stderr).toBe('')
    expect(r.targets).toEqual([{ name: 'prod', region: 'eu-west-1' }])
    expect(r.stdout).toBe(exportManifestYaml(PROD))
    expect((parseYaml(r.stdout) as { clusters: unknown }).clusters).toEqual({
      prod: { region: 'eu-west-1', accountId: '111122223333', authenticationMode: 'API_AND_CONFIG_MAP' },
    })
  })

  it('reads each entry once and skips association reads for node types', async () => {
    const fake = fakeEks({ prod: { info: PROD_INFO, entries: PROD.entries } })
    await run({}, fake)
    const count = (op: string): number => fake.calls.filter((c) => c.startsWith(`${op} `)).length
    expect(count('DescribeCluster')).toBe(1)
    expect(count('ListAccessEntries')).toBe(1)
    expect(count('DescribeAccessEntry')).toBe(PROD.entries.length)
    const listed = fake.calls.filter((c) => c.startsWith('ListAssociatedAccessPolicies ')).map((c) => c.split(' ')[1])
    expect(listed.sort()).toEqual(
      PROD.entries
        .filter((e) => e.type === 'STANDARD')
        .map((e) => e.principalArn)
        .sort(),
    )
    expect(count('ListAccessPolicies')).toBe(0)
  })

  it('bounds the reads in flight', async () => {
    const many = Array.from({ length: 40 }, (_, i) => ({
      ...(PROD.entries[0] as ObservedEntry),
      principalArn: `arn:aws:iam::111122223333:role/r${i}`,
    }))
    const fake = fakeEks({ prod: { info: PROD_INFO, entries: many } })
    const r = await run({}, fake)
    expect(r.code).toBe(0)
    expect(fake.maxInFlight).toBeGreaterThan(1)
    expect(fake.maxInFlight).toBeLessThanOrEqual(8)
  })

  it('writes a state snapshot with the catalogue and the account from the cluster ARN', async () => {
    const fake = fakeEks({ prod: { info: PROD_INFO, entries: PROD.entries } })
    const r = await run({ format: 'state' }, fake)
    expect(r.code).toBe(0)
    const parsed = parseStateSnapshot(r.stdout, 'out.json')
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.error))
    expect(parsed.value.accessPolicies).toEqual(CATALOGUE)
    expect(parsed.value.clusters).toHaveLength(1)
    const c = parsed.value.clusters[0] as ObservedCluster
    expect({ name: c.name, region: c.region, accountId: c.accountId, mode: c.authenticationMode }).toEqual({
      name: 'prod',
      region: 'eu-west-1',
      accountId: '111122223333',
      mode: 'API_AND_CONFIG_MAP',
    })
    expect(c.entries.map((e) => e.principalArn)).toEqual(PROD.entries.map((e) => e.principalArn).sort())
    expect(c.entries.find((e) => e.principalArn.endsWith('sre/on-call'))?.tags).toEqual({ 'managed-by': 'eks-access-gate', owner: 'sre' })
  })

  it('writes a snapshot without catalogue, with a warning, when ListAccessPolicies is denied', async () => {
    const denied = new AwsCallError('ListAccessPolicies', 'AccessDeniedException', 'not authorized to perform eks:ListAccessPolicies', 403)
    const r = await run({ format: 'state' }, fakeEks({ prod: { info: PROD_INFO, entries: [] } }, { ListAccessPolicies: denied }))
    expect(r.code).toBe(0)
    expect(r.stderr).toContain('warning')
    expect(r.stderr).toContain('AccessDeniedException')
    const parsed = parseStateSnapshot(r.stdout, 'out.json')
    expect(parsed.ok && parsed.value).toEqual({
      version: 1,
      clusters: [{ name: 'prod', region: 'eu-west-1', accountId: '111122223333', authenticationMode: 'API_AND_CONFIG_MAP', entries: [] }],
    })
  })

  it('writes to --output relative to cwd, nothing on stdout', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'eag-export-'))
    const r = await run({ output: 'out.yaml', cwd: dir }, fakeEks({ prod: { info: PROD_INFO, entries: PROD.entries } }))
    expect(r.code).toBe(0)
    expect(r.stdout).toBe('')
    expect(readFileSync(path.join(dir, 'out.yaml'), 'utf8')).toBe(exportManifestYaml(PROD))
    expect(r.stderr).toContain(`wrote ${PROD.entries.length} access entries`)
  })

  it('uses an injected writeFile', async () => {
    const written: [string, string][] = []
    const r = await run({ output: 'snap.json', format: 'state', cwd: '/repo' }, fakeEks({ prod: { info: PROD_INFO, entries: [] } }), {
      writeFile: async (f, t) => {
        written.push([f, t])
      },
    })
    expect(r.code).toBe(0)
    expect(written.map(([f]) => f)).toEqual(['/repo/snap.json'])
    expect(parseStateSnapshot(written[0]?.[1] ?? '', 'x').ok).toBe(true)
  })

  it('an unwritable --output is exit 2', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'eag-export-'))
    const r = await run({ output: '.', cwd: dir }, fakeEks({ prod: { info: PROD_INFO, entries: [] } }))
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/^eks-access-gate: cannot write \.: E[A-Z]+\n$/)
  })

  it.each<[string, string | undefined, NodeJS.ProcessEnv, string]>([
    ['--region wins', 'us-east-1', { AWS_REGION: 'eu-west-1', AWS_DEFAULT_REGION: 'eu-central-1' }, 'us-east-1'],
    ['AWS_REGION', undefined, { AWS_REGION: 'eu-west-1', AWS_DEFAULT_REGION: 'eu-central-1' }, 'eu-west-1'],
    ['AWS_DEFAULT_REGION', undefined, { AWS_DEFAULT_REGION: 'eu-central-1' }, 'eu-central-1'],
    ['empty AWS_REGION is unset', undefined, { AWS_REGION: '', AWS_DEFAULT_REGION: 'ap-south-1' }, 'ap-south-1'],
  ])('region: %s', async (_name, region, env, expected) => {
    const fake = fakeEks({ prod: { info: PROD_INFO, entries: [] } })
    const r = await run({ ...(region === undefined ? {} : { region }), env }, fake)
    expect(r.code).toBe(0)
    expect(r.targets).toEqual([{ name: 'prod', region: expected }])
  })

  it.each<[string, Partial<ExportOptions>, string]>([
    ['no region anywhere', { env: {} }, 'no AWS Region: pass --region REGION or set AWS_REGION'],
    ['a region that is not one', { region: 'Europe' }, '"Europe" is not an AWS Region'],
    ['a bad cluster name', { cluster: 'arn:aws:eks:x' }, 'is not an EKS cluster name'],
    ['a bad format', { format: 'json' as 'yaml' }, '--format must be yaml or state'],
  ])('usage error (exit 2, no AWS call): %s', async (_name, opts, message) => {
    const fake = fakeEks({ prod: { info: PROD_INFO, entries: [] } })
    const r = await run(opts, fake)
    expect(r.code).toBe(2)
    expect(r.stderr).toContain(message)
    expect(r.stderr.split('\n').filter(Boolean)).toHaveLength(1)
    expect(r.stdout).toBe('')
    expect(fake.calls).toEqual([])
  })

  it.each<[string, Record<string, AwsCallError>, string]>([
    [
      'access denied',
      {
        DescribeCluster: new AwsCallError(
          'DescribeCluster',
          'AccessDeniedException',
          'User: arn:aws:sts::1:assumed-role/x/y is not authorized to perform: eks:DescribeCluster',
          403,
        ),
      },
      'DescribeCluster: AccessDeniedException: User: arn:aws:sts::1:assumed-role/x/y is not authorized to perform: eks:DescribeCluster',
    ],
    [
      'a failure part-way through',
      { ListAssociatedAccessPolicies: new AwsCallError('ListAssociatedAccessPolicies', 'ServerException', 'internal error', 500) },
      'ListAssociatedAccessPolicies: ServerException: internal error',
    ],
  ])('AWS error is one line on stderr and exit 1: %s', async (_name, fail, message) => {
    const r = await run({}, fakeEks({ prod: { info: PROD_INFO, entries: PROD.entries } }, fail))
    expect(r.code).toBe(1)
    expect(r.stdout).toBe('')
    expect(r.stderr).toMatch(/^eks-access-gate: .*EKS cluster "prod" \(eu-west-1\)/)
    expect(r.stderr).toContain(message)
    expect(r.stderr.split('\n').filter(Boolean)).toHaveLength(1)
  })

  it('an unknown cluster is exit 1 with EKS message', async () => {
    const r = await run({ cluster: 'nope' }, fakeEks({}))
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(
      /^eks-access-gate: EKS cluster "nope" \(eu-west-1\) was not found: .*DescribeCluster: ResourceNotFoundException: No cluster found for name: nope\./,
    )
  })

  it('a CONFIG_MAP cluster is explained, with no access-entry call', async () => {
    const fake = fakeEks({ prod: { info: { ...PROD_INFO, authenticationMode: 'CONFIG_MAP' }, entries: [] } })
    const r = await run({}, fake)
    expect(r.code).toBe(1)
    expect(r.stderr).toContain('CONFIG_MAP')
    expect(r.stderr).toContain('import-aws-auth')
    expect(r.stderr.split('\n').filter(Boolean)).toHaveLength(1)
    expect(fake.calls).toEqual(['DescribeCluster prod'])
  })

  it('uses an injected readCluster', async () => {
    const fake = fakeEks({})
    const r = await run({}, fake, { readCluster: async () => ({ ok: true, value: PROD }) })
    expect(r.code).toBe(0)
    expect(r.stdout).toBe(exportManifestYaml(PROD))
    expect(fake.calls).toEqual([])
  })

  it('refuses (exit 1, nothing written) a state snapshot that plan --state would refuse as too large', async () => {
    const template = PROD.entries[0]!
    const many: ObservedEntry[] = Array.from({ length: 45_000 }, (_, i) => ({
      ...template,
      principalArn: `arn:aws:iam::111122223333:role/team-${String(i).padStart(5, '0')}-${'x'.repeat(200)}`,
    }))
    const written: string[] = []
    const r = await run({ format: 'state', output: 'big.json' }, fakeEks({}), {
      readCluster: async () => ({ ok: true, value: { ...PROD, entries: many } }),
      writeFile: async (f) => void written.push(f),
    })
    expect(r.code).toBe(1)
    expect(written).toEqual([])
    expect(r.stdout).toBe('')
    expect(r.stderr).toMatch(/over the 16 MiB that plan --state reads/)
  })
})

describe('readClusterAccess', () => {
  it('skips an entry deleted between the list and its read', async () => {
    const gone = PROD.entries[0]?.principalArn as string
    const read = await readClusterAccess(fakeEks({ prod: { info: PROD_INFO, entries: PROD.entries } }, {}, [gone]).api, {
      name: 'prod',
      region: 'eu-west-1',
    })
    expect(read.ok && read.value.entries.map((e) => e.principalArn)).toEqual(
      PROD.entries
        .slice(1)
        .map((e) => e.principalArn)
        .sort(),
    )
  })

  it('has no accountId when the cluster ARN is unknown', async () => {
    const read = await readClusterAccess(fakeEks({ prod: { info: { name: 'prod', authenticationMode: 'API' }, entries: [] } }).api, {
      name: 'prod',
      region: 'eu-west-1',
    })
    expect(read).toEqual({ ok: true, value: { name: 'prod', region: 'eu-west-1', authenticationMode: 'API', entries: [] } })
  })
})
