import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { Ajv2020 } from 'ajv/dist/2020.js'
import { describe, expect, it } from 'vitest'
import stateSchema from '../../schemas/state.schema.json' with { type: 'json' }
import {
  findObservedCluster,
  loadStateSnapshotFile,
  MAX_SCHEMA_PROBLEMS,
  MAX_STATE_BYTES,
  parseStateSnapshot,
  serializeStateSnapshot,
} from '../../src/state/snapshot.js'
import type { ObservedCluster, StateSnapshot } from '../../src/types.js'

const ROOT = path.resolve(import.meta.dirname, '../..')
const EXAMPLE = path.join(ROOT, 'examples/state.json')
const P = 'arn:aws:eks::aws:cluster-access-policy/'

function parsed(text: string): StateSnapshot {
  const result = parseStateSnapshot(text, 'state.json')
  if (!result.ok) throw new Error(JSON.stringify(result.error))
  return result.value
}

function entryJson(principal: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { principalArn: principal, type: 'STANDARD', kubernetesGroups: [], tags: {}, accessPolicies: [], ...extra }
}

function clusterJson(name: string, region: string, entries: unknown[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { name, region, authenticationMode: 'API', entries, ...extra }
}

describe('serializeStateSnapshot / parseStateSnapshot', () => {
  it('examples/state.json is in canonical form: parse then serialize gives the same bytes', () => {
    const text = readFileSync(EXAMPLE, 'utf8')
    expect(serializeStateSnapshot(parsed(text))).toBe(text)
  })

  it('round-trips byte-identically and ends with one newline', () => {
    const once = serializeStateSnapshot(parsed(readFileSync(EXAMPLE, 'utf8')))
    const twice = serializeStateSnapshot(parsed(once))
    expect(twice).toBe(once)
    expect(once.endsWith('}\n')).toBe(true)
    expect(once.endsWith('\n\n')).toBe(false)
  })

  it('gives the same bytes for the same content in any order', () => {
    const a: StateSnapshot = {
      version: 1,
      clusters: [
        {
          name: 'b',
          region: 'us-east-1',
          authenticationMode: 'API',
          entries: [
            {
              principalArn: 'arn:aws:iam::111122223333:role/z',
              type: 'STANDARD',
              kubernetesGroups: ['y', 'x', 'y'],
              tags: { b: '1', a: '2', '10': 'x', '9': 'y' },
              accessPolicies: [],
            },
            {
              principalArn: 'arn:aws:iam::111122223333:role/a',
              type: 'STANDARD',
              kubernetesGroups: [],
              tags: {},
              accessPolicies: [
                { policyArn: `${P}B`, accessScope: { type: 'namespace', namespaces: ['n2', 'n1'] } },
                { policyArn: `${P}A`, accessScope: { type: 'cluster', namespaces: [] } },
              ],
            },
          ],
        },
        { name: 'a', region: 'us-east-1', authenticationMode: 'API', entries: [] },
        { name: 'z', region: 'eu-west-1', authenticationMode: 'API', entries: [] },
      ],
      accessPolicies: [
        { name: 'B', arn: `${P}B` },
        { name: 'A', arn: `${P}A` },
      ],
    }
    const b: StateSnapshot = {
      ...a,
      clusters: [...a.clusters].reverse().map((c) => ({ ...c, entries: [...c.entries].reverse() })),
      accessPolicies: [...(a.accessPolicies ?? [])].reverse(),
    }
    const text = serializeStateSnapshot(a)
    expect(serializeStateSnapshot(b)).toBe(text)
    // keys in code-point order everywhere, including integer-like tag keys
    expect(text.indexOf('"10"')).toBeLessThan(text.indexOf('"9"'))
    expect(text.indexOf('"accessPolicies"')).toBeLessThan(text.indexOf('"clusters"'))
    // clusters by region then name, entries by principal
    const back = parsed(text)
    expect(back.clusters.map((c) => `${c.region}/${c.name}`)).toEqual(['eu-west-1/z', 'us-east-1/a', 'us-east-1/b'])
    expect(back.clusters[2]?.entries.map((e) => e.principalArn)).toEqual([
      'arn:aws:iam::111122223333:role/a',
      'arn:aws:iam::111122223333:role/z',
    ])
    expect(back.clusters[2]?.entries[1]?.kubernetesGroups).toEqual(['x', 'y'])
    expect(back.clusters[2]?.entries[0]?.accessPolicies.map((p) => p.policyArn)).toEqual([`${P}A`, `${P}B`])
    expect(back.accessPolicies?.map((p) => p.name)).toEqual(['A', 'B'])
  })

  it('normalises on load: sorted sets, sorted entries and clusters, absent namespaces → []', () => {
    const text = JSON.stringify({
      version: 1,
      clusters: [
        clusterJson('prod', 'us-east-1', [
          entryJson('arn:aws:iam::111122223333:user/zed', {
            kubernetesGroups: ['b', 'a', 'b'],
            accessPolicies: [
              { policyArn: `${P}AmazonEKSViewPolicy`, accessScope: { type: 'namespace', namespaces: ['team-b', 'team-a', 'team-b'] } },
              { policyArn: `${P}AmazonEKSAdminPolicy`, accessScope: { type: 'cluster' } },
            ],
          }),
          entryJson('arn:aws:iam::111122223333:role/alpha'),
        ]),
        clusterJson('dev', 'eu-west-1', []),
      ],
    })
    const s = parsed(text)
    expect(s.clusters.map((c) => c.name)).toEqual(['dev', 'prod'])
    const prod = s.clusters[1] as ObservedCluster
    expect(prod.entries.map((e) => e.principalArn)).toEqual(['arn:aws:iam::111122223333:role/alpha', 'arn:aws:iam::111122223333:user/zed'])
    expect(prod.entries[1]?.kubernetesGroups).toEqual(['a', 'b'])
    expect(prod.entries[1]?.accessPolicies).toEqual([
      { policyArn: `${P}AmazonEKSAdminPolicy`, accessScope: { type: 'cluster', namespaces: [] } },
      { policyArn: `${P}AmazonEKSViewPolicy`, accessScope: { type: 'namespace', namespaces: ['team-a', 'team-b'] } },
    ])
    expect('username' in (prod.entries[0] as object)).toBe(false)
  })

  it('accepts a UTF-8 BOM and an editor $schema key', () => {
    const s = parsed('\uFEFF' + JSON.stringify({ $schema: './schemas/state.schema.json', version: 1, clusters: [] }))
    expect(s).toEqual({ version: 1, clusters: [] })
  })
})

describe('parseStateSnapshot problems', () => {
  it.each([
    ['trailing comma', '{\n  "version": 1,\n  "clusters": [],\n}', 3, 17, 'trailing comma'],
    ['missing comma', '{\n  "version": 1\n  "clusters": []\n}', 3, 3, "expected ',' or '}'"],
    ['empty file', '', 1, 1, 'empty file'],
    ['unquoted key', '{\n  version: 1\n}', 2, 3, 'double-quoted property name'],
    ['unterminated', '{\n  "version": 1,\n  "clusters": [', 3, 16, 'expected a value'],
  ])('syntax: %s', (_name, text, line, column, message) => {
    const result = parseStateSnapshot(text, 'snap.json')
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.error).toHaveLength(1)
    expect(result.error[0]).toMatchObject({ severity: 'error', code: 'syntax', file: 'snap.json', line, column })
    expect(result.error[0]?.message).toContain(message)
  })

  const good = (): Record<string, unknown> =>
    JSON.parse(
      JSON.stringify({
        version: 1,
        clusters: [
          clusterJson('prod', 'eu-west-1', [
            entryJson('arn:aws:iam::111122223333:role/a', {
              accessPolicies: [{ policyArn: `${P}AmazonEKSViewPolicy`, accessScope: { type: 'namespace', namespaces: ['x'] } }],
            }),
          ]),
        ],
      }),
    ) as Record<string, unknown>

  type Mutate = (s: any) => void
  // Pretty-printed with 2 spaces; `needle` finds the spot, `|` marks the expected column in it.
  it.each<[string, Mutate, string, string]>([
    ['wrong version', (s) => (s.version = 2), '"version": |2', 'version must be 1'],
    ['unknown top-level key (at the key)', (s) => (s.extra = true), '"extra"', 'unknown key "extra"'],
    ['unknown entry key, with a suggestion', (s) => (s.clusters[0].entries[0].usrname = 'u'), '"usrname"', 'did you mean "username"'],
    [
      'missing required key (at the object)',
      (s) => delete s.clusters[0].authenticationMode,
      '{\n      "name"',
      'lacks the required key "authenticationMode"',
    ],
    ['bad enum', (s) => (s.clusters[0].authenticationMode = 'IAM'), '"IAM"', 'must be one of API, API_AND_CONFIG_MAP, CONFIG_MAP'],
    ['bad type', (s) => (s.clusters[0].entries[0].kubernetesGroups = 'admins'), '"admins"', 'kubernetesGroups must be an array'],
    ['bad principal', (s) => (s.clusters[0].entries[0].principalArn = 'team-a'), '"team-a"', 'is not an IAM role or user ARN'],
    [
      'short policy name',
      (s) => (s.clusters[0].entries[0].accessPolicies[0].policyArn = 'AmazonEKSViewPolicy'),
      '"AmazonEKSViewPolicy"',
      'full access-policy ARN',
    ],
    [
      'namespace scope without namespaces',
      (s) => (s.clusters[0].entries[0].accessPolicies[0].accessScope.namespaces = []),
      '"namespaces": |[]',
      'at least one namespace',
    ],
    [
      'cluster scope with namespaces',
      (s) => (s.clusters[0].entries[0].accessPolicies[0].accessScope.type = 'cluster'),
      '"namespaces": |[',
      'a cluster scope takes no namespaces',
    ],
    ['bad account', (s) => (s.clusters[0].accountId = '1234'), '"1234"', 'not a 12-digit AWS account ID'],
    ['non-string tag', (s) => (s.clusters[0].entries[0].tags = { owner: 7 }), '7', 'tags.owner must be a string'],
  ])('schema: %s', (_name, mutate, needle, message) => {
    const data = good()
    mutate(data)
    const text = JSON.stringify(data, null, 2)
    const result = parseStateSnapshot(text, 'snap.json')
    expect(result.ok).toBe(false)
    if (result.ok) return
    const found = text.indexOf(needle.replace('|', ''))
    expect(found).toBeGreaterThanOrEqual(0)
    const offset = found + Math.max(0, needle.indexOf('|'))
    const before = text.slice(0, offset).split('\n')
    const problem = result.error.find((p) => p.message.includes(message))
    expect(problem, JSON.stringify(result.error)).toBeDefined()
    expect(problem).toMatchObject({
      code: 'schema',
      severity: 'error',
      file: 'snap.json',
      line: before.length,
      column: (before.at(-1)?.length ?? 0) + 1,
    })
  })

  it('reports every schema problem, sorted by position', () => {
    const data = good() as any
    data.clusters[0].region = 'Europe'
    data.clusters[0].entries[0].type = 'standard'
    const result = parseStateSnapshot(JSON.stringify(data, null, 2), 'snap.json')
    expect(result.ok ? [] : result.error.map((p) => p.message)).toEqual([
      expect.stringContaining('clusters[0].region'),
      expect.stringContaining('clusters[0].entries[0].type'),
    ])
  })

  it.each([
    [
      'a principal twice in a cluster',
      [clusterJson('prod', 'eu-west-1', [entryJson('arn:aws:iam::111122223333:role/a'), entryJson('arn:aws:iam::111122223333:role/a')])],
      'already has an entry',
    ],
    [
      'a policy twice on an entry',
      [
        clusterJson('prod', 'eu-west-1', [
          entryJson('arn:aws:iam::111122223333:role/a', {
            accessPolicies: [
              { policyArn: `${P}AmazonEKSViewPolicy`, accessScope: { type: 'cluster' } },
              { policyArn: `${P}AmazonEKSViewPolicy`, accessScope: { type: 'namespace', namespaces: ['x'] } },
            ],
          }),
        ]),
      ],
      'associated twice',
    ],
    [
      'a cluster twice',
      [clusterJson('prod', 'eu-west-1', []), clusterJson('prod', 'eu-west-1', [], { accountId: '111122223333' })],
      'already in the snapshot',
    ],
  ])('duplicates: %s (at the second occurrence)', (_name, clusters, message) => {
    const text = JSON.stringify({ version: 1, clusters }, null, 2)
    const result = parseStateSnapshot(text, 'snap.json')
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.error).toHaveLength(1)
    expect(result.error[0]).toMatchObject({ code: 'duplicate' })
    expect(result.error[0]?.message).toContain(message)
    // the second occurrence is further down than the first item of its list
    expect(result.error[0]?.line).toBeGreaterThan(8)
  })

  it('allows the same cluster name in two regions or two accounts', () => {
    const clusters = [
      clusterJson('prod', 'eu-west-1', [], { accountId: '111122223333' }),
      clusterJson('prod', 'eu-west-1', [], { accountId: '444455556666' }),
      clusterJson('prod', 'us-east-1', []),
    ]
    expect(parseStateSnapshot(JSON.stringify({ version: 1, clusters }), 'x').ok).toBe(true)
  })
})

describe('findObservedCluster', () => {
  const snapshot: StateSnapshot = {
    version: 1,
    clusters: [
      { name: 'prod', region: 'eu-west-1', accountId: '111122223333', authenticationMode: 'API', entries: [] },
      { name: 'prod', region: 'eu-west-1', accountId: '444455556666', authenticationMode: 'API_AND_CONFIG_MAP', entries: [] },
      { name: 'prod', region: 'us-east-1', authenticationMode: 'API', entries: [] },
    ],
  }
  it.each([
    ['name + region + account', { name: 'prod', region: 'eu-west-1', accountId: '444455556666' }, 1],
    ['the other account', { name: 'prod', region: 'eu-west-1', accountId: '111122223333' }, 0],
    ['account not in the snapshot', { name: 'prod', region: 'eu-west-1', accountId: '999999999999' }, undefined],
    ['snapshot without account matches any', { name: 'prod', region: 'us-east-1', accountId: '999999999999' }, 2],
    ['other region', { name: 'prod', region: 'eu-central-1', accountId: '111122223333' }, undefined],
    ['other name', { name: 'dev', region: 'eu-west-1', accountId: '111122223333' }, undefined],
  ])('%s', (_name, cluster, index) => {
    const found = findObservedCluster(snapshot, cluster)
    expect(found).toBe(index === undefined ? undefined : snapshot.clusters[index])
  })

  it('prefers an exact account over a snapshot cluster without one', () => {
    const s: StateSnapshot = {
      version: 1,
      clusters: [
        { name: 'prod', region: 'eu-west-1', authenticationMode: 'API', entries: [] },
        { name: 'prod', region: 'eu-west-1', accountId: '111122223333', authenticationMode: 'API', entries: [] },
      ],
    }
    expect(findObservedCluster(s, { name: 'prod', region: 'eu-west-1', accountId: '111122223333' })).toBe(s.clusters[1])
  })
})

describe('loadStateSnapshotFile', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'eag-state-'))
  mkdirSync(path.join(dir, 'sub'))
  writeFileSync(path.join(dir, 'sub/ok.json'), '{"version": 1, "clusters": []}')
  writeFileSync(path.join(dir, 'bad.json'), '{"version": 1,\n "clusters": [}')
  writeFileSync(path.join(dir, 'latin1.json'), Buffer.from([0x7b, 0x22, 0xe9, 0x22, 0x7d]))
  writeFileSync(path.join(dir, 'big.json'), Buffer.alloc(MAX_STATE_BYTES + 1, 0x20))

  it('reads and parses a file relative to cwd', async () => {
    const loaded = await loadStateSnapshotFile('sub/ok.json', dir)
    expect(loaded).toEqual({ kind: 'parsed', result: { ok: true, value: { version: 1, clusters: [] } } })
  })

  it('names the file relative to cwd in problems', async () => {
    const loaded = await loadStateSnapshotFile(path.join(dir, 'bad.json'), dir)
    expect(loaded.kind === 'parsed' && !loaded.result.ok && loaded.result.error[0]).toMatchObject({
      file: 'bad.json',
      line: 2,
      column: 15,
      code: 'syntax',
    })
  })

  it.each([
    ['missing.json', 'state file missing.json not found'],
    ['sub', 'state file sub is a directory'],
  ])('%s is a usage error (exit 2)', async (file, message) => {
    expect(await loadStateSnapshotFile(file, dir)).toEqual({ kind: 'usage', message })
  })

  it.each([
    ['big.json', 'size', 'over the 16 MiB limit'],
    ['latin1.json', 'encoding', 'not valid UTF-8'],
  ])('%s is a content problem (exit 1)', async (file, code, message) => {
    const loaded = await loadStateSnapshotFile(file, dir)
    expect(loaded.kind).toBe('parsed')
    if (loaded.kind !== 'parsed' || loaded.result.ok) throw new Error('expected problems')
    expect(loaded.result.error[0]).toMatchObject({ code, file, line: 1, column: 1 })
    expect(loaded.result.error[0]?.message).toContain(message)
  })
})

describe('examples/state.json', () => {
  const text = readFileSync(EXAMPLE, 'utf8')

  it('the schema is a valid JSON Schema 2020-12 (run time skips this check)', () => {
    const ajv = new Ajv2020({ strict: true })
    expect(ajv.validateSchema(stateSchema)).toBe(true)
    expect(() => ajv.compile(stateSchema)).not.toThrow()
  })

  it('validates against schemas/state.schema.json', () => {
    const validate = new Ajv2020({ allErrors: true, strict: true }).compile(stateSchema)
    const valid = validate(JSON.parse(text))
    expect(validate.errors ?? []).toEqual([])
    expect(valid).toBe(true)
  })

  it('holds the demo scenario of examples/eks-access.yaml', () => {
    const s = parsed(text)
    const prod = findObservedCluster(s, { name: 'prod', region: 'eu-west-1', accountId: '111122223333' })
    const staging = findObservedCluster(s, { name: 'staging-eu', region: 'eu-west-1', accountId: '444455556666' })
    const owned = (c: ObservedCluster | undefined, role: string): boolean | undefined => {
      const e = c?.entries.find((x) => x.principalArn.endsWith(`:role/${role}`))
      return e === undefined ? undefined : e.tags['managed-by'] === 'eks-access-gate'
    }
    expect(owned(prod, 'platform-admins')).toBe(true)
    expect(owned(prod, 'karpenter-node')).toBe(false)
    expect(owned(prod, 'prod-ng-general-node-role')).toBe(false)
    expect(owned(prod, 'contractor-acme')).toBe(true)
    expect(owned(prod, 'sre/on-call')).toBe(true)
    expect(owned(prod, 'terraform-deployer')).toBe(false)
    expect(prod?.entries.find((e) => e.principalArn.endsWith('sre/on-call'))?.accessPolicies.map((p) => p.policyArn)).toEqual([
      `${P}AmazonEKSViewPolicy`,
    ])
    expect(owned(staging, 'team-a')).toBe(true)
    expect(staging?.entries.find((e) => e.principalArn.endsWith('team-a'))?.accessPolicies[0]?.accessScope.namespaces).toEqual(['team-a'])
    expect(owned(staging, 'github-actions-deploy')).toBe(false)
    expect(owned(staging, 'platform-admins')).toBeUndefined()
  })
})

describe('parseStateSnapshot limits', () => {
  it(`locates at most MAX_SCHEMA_PROBLEMS schema problems and counts the rest`, () => {
    const entries = Array.from({ length: MAX_SCHEMA_PROBLEMS + 30 }, (_, i) =>
      entryJson(`arn:aws:iam::111122223333:role/r${i}`, { type: 'standard' }),
    )
    const result = parseStateSnapshot(
      JSON.stringify({ version: 1, clusters: [clusterJson('prod', 'eu-west-1', entries)] }, null, 2),
      'x.json',
    )
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.error).toHaveLength(MAX_SCHEMA_PROBLEMS + 1)
    expect(result.error.at(-1)).toMatchObject({ message: '30 more schema problems not shown', line: 1, column: 1 })
  })
})
