import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { Ajv2020 } from 'ajv/dist/2020.js'
import addFormats from 'ajv-formats'
import { describe, expect, it } from 'vitest'
import { parse as parseYaml, parseDocument } from 'yaml'
import { exportManifestYaml, exportStateSnapshot } from '../../src/manifest/export.js'
import { generatedUsername as defaultUsername } from '../../src/plan/normalize.js'
import { buildPlan } from '../../src/plan/plan.js'
import { validateSources } from '../../src/manifest/validate.js'
import { parseStateSnapshot, serializeStateSnapshot } from '../../src/state/snapshot.js'
import type { ObservedCluster, ObservedEntry } from '../../src/types.js'
import { entry, PROD } from './fixtures.js'

const ROOT = path.resolve(import.meta.dirname, '../..')
const MANIFEST_SCHEMA = path.join(ROOT, 'schemas/eks-access.schema.json')
const GOLDEN = path.join(import.meta.dirname, 'golden/prod-eu.yaml')
const P = 'arn:aws:eks::aws:cluster-access-policy/'
const ADMIN = { policyArn: `${P}AmazonEKSClusterAdminPolicy`, accessScope: { type: 'cluster' as const, namespaces: [] } }

interface ManifestShape {
  version: number
  clusters: Record<string, Record<string, unknown>>
  accessEntries: Record<string, unknown>[]
}

function exportOne(e: ObservedEntry, region = 'eu-west-1'): Record<string, unknown> {
  const cluster: ObservedCluster = { name: 'c', region, accountId: '111122223333', authenticationMode: 'API', entries: [e] }
  const manifest = parseYaml(exportManifestYaml(cluster)) as ManifestShape
  return manifest.accessEntries[0] as Record<string, unknown>
}

describe('defaultUsername', () => {
  it.each([
    ['arn:aws:iam::111122223333:role/dev', 'STANDARD', 'arn:aws:sts::111122223333:assumed-role/dev/{{SessionName}}'],
    ['arn:aws:iam::111122223333:role/a/b/dev', 'STANDARD', 'arn:aws:sts::111122223333:assumed-role/dev/{{SessionName}}'],
    ['arn:aws-cn:iam::111122223333:role/dev', 'STANDARD', 'arn:aws-cn:sts::111122223333:assumed-role/dev/{{SessionName}}'],
    ['arn:aws:iam::111122223333:user/ops/alice', 'STANDARD', 'arn:aws:iam::111122223333:user/ops/alice'],
    ['arn:aws:iam::111122223333:role/n', 'EC2_LINUX', 'system:node:{{EC2PrivateDNSName}}'],
    ['arn:aws:iam::111122223333:role/n', 'EC2_WINDOWS', 'system:node:{{EC2PrivateDNSName}}'],
    ['arn:aws:iam::111122223333:role/n', 'FARGATE_LINUX', 'system:node:{{SessionName}}'],
    ['arn:aws:iam::111122223333:role/n', 'HYBRID_LINUX', 'system:node:{{SessionName}}'],
    ['arn:aws:iam::111122223333:role/n', 'EC2', undefined],
    ['not-an-arn', 'STANDARD', undefined],
  ])('%s (%s)', (arn, type, expected) => {
    expect(defaultUsername(arn, type)).toBe(expected)
  })
})

describe('exportManifestYaml: one entry', () => {
  const A = '111122223333'
  it.each<[string, ObservedEntry, Record<string, unknown>, string?]>([
    [
      'role with a path: generated username (path removed) left out',
      entry(`arn:aws:iam::${A}:role/sre/on-call`, { username: `arn:aws:sts::${A}:assumed-role/on-call/{{SessionName}}` }),
      { principalArn: `arn:aws:iam::${A}:role/sre/on-call`, clusters: ['c'] },
    ],
    [
      'role with a chosen username: kept',
      entry(`arn:aws:iam::${A}:role/sre/on-call`, { username: `arn:aws:sts::${A}:assumed-role/sre/on-call/{{SessionName}}` }),
      {
        principalArn: `arn:aws:iam::${A}:role/sre/on-call`,
        username: `arn:aws:sts::${A}:assumed-role/sre/on-call/{{SessionName}}`,
        clusters: ['c'],
      },
    ],
    [
      'user: its own ARN as username left out',
      entry(`arn:aws:iam::${A}:user/alice`, { username: `arn:aws:iam::${A}:user/alice` }),
      { principalArn: `arn:aws:iam::${A}:user/alice`, clusters: ['c'] },
    ],
    [
      'no username reported (hand-written snapshot)',
      entry(`arn:aws:iam::${A}:role/x`),
      { principalArn: `arn:aws:iam::${A}:role/x`, clusters: ['c'] },
    ],
    [
      'EC2_LINUX: type kept, EKS username and system: groups left out',
      entry(`arn:aws:iam::${A}:role/ng`, {
        type: 'EC2_LINUX',
        username: 'system:node:{{EC2PrivateDNSName}}',
        kubernetesGroups: ['system:bootstrappers', 'system:nodes'],
      }),
      { principalArn: `arn:aws:iam::${A}:role/ng`, type: 'EC2_LINUX', clusters: ['c'] },
    ],
    [
      'EC2_WINDOWS',
      entry(`arn:aws:iam::${A}:role/win`, { type: 'EC2_WINDOWS', username: 'system:node:{{EC2PrivateDNSName}}' }),
      { principalArn: `arn:aws:iam::${A}:role/win`, type: 'EC2_WINDOWS', clusters: ['c'] },
    ],
    [
      'FARGATE_LINUX',
      entry(`arn:aws:iam::${A}:role/pods`, { type: 'FARGATE_LINUX', username: 'system:node:{{SessionName}}' }),
      { principalArn: `arn:aws:iam::${A}:role/pods`, type: 'FARGATE_LINUX', clusters: ['c'] },
    ],
    [
      'HYBRID_LINUX',
      entry(`arn:aws:iam::${A}:role/hybrid`, { type: 'HYBRID_LINUX', username: 'system:node:{{SessionName}}' }),
      { principalArn: `arn:aws:iam::${A}:role/hybrid`, type: 'HYBRID_LINUX', clusters: ['c'] },
    ],
    [
      'EC2 (Auto Mode): EKS-set username and groups left out (a node type takes none), policy kept',
      entry(`arn:aws:iam::${A}:role/auto`, {
        type: 'EC2',
        username: 'system:node:{{SessionName}}',
        kubernetesGroups: ['eks:auto-nodes'],
        accessPolicies: [{ policyArn: `${P}AmazonEKSAutoNodePolicy`, accessScope: { type: 'cluster', namespaces: [] } }],
      }),
      {
        principalArn: `arn:aws:iam::${A}:role/auto`,
        type: 'EC2',
        clusters: ['c'],
        accessPolicies: [{ policyArn: 'AmazonEKSAutoNodePolicy', accessScope: { type: 'cluster' } }],
      },
    ],
    [
      'groups kept, sorted and de-duplicated',
      entry(`arn:aws:iam::${A}:role/x`, { kubernetesGroups: ['b', 'a', 'b'] }),
      { principalArn: `arn:aws:iam::${A}:role/x`, clusters: ['c'], kubernetesGroups: ['a', 'b'] },
    ],
    [
      'ownership tag left out (the tool adds it), other tags kept',
      entry(`arn:aws:iam::${A}:role/x`, { tags: { 'managed-by': 'eks-access-gate', owner: 'sre' } }),
      { principalArn: `arn:aws:iam::${A}:role/x`, clusters: ['c'], tags: { owner: 'sre' } },
    ],
    [
      'only the ownership tag: no tags member at all',
      entry(`arn:aws:iam::${A}:role/x`, { tags: { 'managed-by': 'eks-access-gate' } }),
      { principalArn: `arn:aws:iam::${A}:role/x`, clusters: ['c'] },
    ],
    [
      'managed-by with another value is not ours: kept',
      entry(`arn:aws:iam::${A}:role/x`, { tags: { 'managed-by': 'terraform' } }),
      { principalArn: `arn:aws:iam::${A}:role/x`, clusters: ['c'], tags: { 'managed-by': 'terraform' } },
    ],
    [
      'policies: short names, scopes, namespaces sorted, unknown policy as full ARN',
      entry(`arn:aws:iam::${A}:role/x`, {
        accessPolicies: [
          { policyArn: `${P}AmazonEKSViewPolicy`, accessScope: { type: 'cluster', namespaces: [] } },
          { policyArn: `${P}AmazonEKSEditPolicy`, accessScope: { type: 'namespace', namespaces: ['team-b', 'team-a-*', 'team-a'] } },
          { policyArn: `${P}AmazonEKSBrandNewPolicy`, accessScope: { type: 'cluster', namespaces: [] } },
        ],
      }),
      {
        principalArn: `arn:aws:iam::${A}:role/x`,
        clusters: ['c'],
        accessPolicies: [
          { policyArn: `${P}AmazonEKSBrandNewPolicy`, accessScope: { type: 'cluster' } },
          { policyArn: 'AmazonEKSEditPolicy', accessScope: { type: 'namespace', namespaces: ['team-a', 'team-a-*', 'team-b'] } },
          { policyArn: 'AmazonEKSViewPolicy', accessScope: { type: 'cluster' } },
        ],
      },
    ],
    [
      'China partition: aws-cn username left out, aws-cn policy as short name',
      entry(`arn:aws-cn:iam::${A}:role/dev`, {
        username: `arn:aws-cn:sts::${A}:assumed-role/dev/{{SessionName}}`,
        accessPolicies: [
          { policyArn: 'arn:aws-cn:eks::aws:cluster-access-policy/AmazonEKSViewPolicy', accessScope: { type: 'cluster', namespaces: [] } },
        ],
      }),
      {
        principalArn: `arn:aws-cn:iam::${A}:role/dev`,
        clusters: ['c'],
        accessPolicies: [{ policyArn: 'AmazonEKSViewPolicy', accessScope: { type: 'cluster' } }],
      },
      'cn-north-1',
    ],
    [
      'China cluster, aws-partition policy ARN: kept as written',
      entry(`arn:aws-cn:iam::${A}:role/dev`, { accessPolicies: [{ ...ADMIN }] }),
      {
        principalArn: `arn:aws-cn:iam::${A}:role/dev`,
        clusters: ['c'],
        accessPolicies: [{ policyArn: ADMIN.policyArn, accessScope: { type: 'cluster' } }],
      },
      'cn-north-1',
    ],
  ])('%s', (_name, observed, expected, region) => {
    expect(exportOne(observed, region)).toEqual(expected)
  })
})

describe('exportManifestYaml: the document', () => {
  it('matches the golden file', () => {
    expect(exportManifestYaml(PROD, { clusterKey: 'prod-eu' })).toBe(readFileSync(GOLDEN, 'utf8'))
  })

  it('starts with the yaml-language-server header and is a version 1 manifest', () => {
    const yaml = exportManifestYaml(PROD)
    expect(yaml.split('\n')[0]).toBe('# yaml-language-server: $schema=./schemas/eks-access.schema.json')
    expect(exportManifestYaml(PROD, { schemaRef: '../schemas/x.json' }).split('\n')[0]).toBe(
      '# yaml-language-server: $schema=../schemas/x.json',
    )
    const doc = parseDocument(yaml)
    expect(doc.errors).toEqual([])
    const m = doc.toJS() as ManifestShape
    expect(Object.keys(m)).toEqual(['version', 'clusters', 'accessEntries'])
    expect(m.version).toBe(1)
  })

  it.each<[string, ObservedCluster, { clusterKey?: string; accountId?: string }, Record<string, unknown>]>([
    [
      'key = name: no name member',
      { ...PROD },
      {},
      { prod: { region: 'eu-west-1', accountId: '111122223333', authenticationMode: 'API_AND_CONFIG_MAP' } },
    ],
    [
      'another key: name kept',
      { ...PROD },
      { clusterKey: 'prod-eu' },
      { 'prod-eu': { name: 'prod', region: 'eu-west-1', accountId: '111122223333', authenticationMode: 'API_AND_CONFIG_MAP' } },
    ],
    [
      'accountId option wins',
      { ...PROD },
      { accountId: '999999999999' },
      { prod: { region: 'eu-west-1', accountId: '999999999999', authenticationMode: 'API_AND_CONFIG_MAP' } },
    ],
    [
      'no accountId: taken from an access-entry ARN',
      {
        name: 'dev',
        region: 'us-east-1',
        authenticationMode: 'API',
        entries: [
          entry('arn:aws:iam::111122223333:role/x', {
            accessPolicies: [ADMIN],
            accessEntryArn: 'arn:aws:eks:us-east-1:444455556666:access-entry/dev/role/111122223333/x/abc',
          }),
        ],
      },
      {},
      { dev: { region: 'us-east-1', accountId: '444455556666', authenticationMode: 'API' } },
    ],
    [
      'no cluster admin today: allowNoClusterAdmin so that the export plans cleanly',
      { name: 'dev', region: 'us-east-1', accountId: '111122223333', authenticationMode: 'API', entries: [] },
      {},
      { dev: { region: 'us-east-1', accountId: '111122223333', authenticationMode: 'API', allowNoClusterAdmin: true } },
    ],
    [
      'namespace-scoped admin policy is not a cluster admin',
      {
        name: 'dev',
        region: 'us-east-1',
        accountId: '111122223333',
        authenticationMode: 'API',
        entries: [
          entry('arn:aws:iam::111122223333:role/x', {
            accessPolicies: [{ policyArn: ADMIN.policyArn, accessScope: { type: 'namespace', namespaces: ['a'] } }],
          }),
        ],
      },
      {},
      { dev: { region: 'us-east-1', accountId: '111122223333', authenticationMode: 'API', allowNoClusterAdmin: true } },
    ],
  ])('cluster block: %s', (_name, cluster, opts, expected) => {
    const m = parseYaml(exportManifestYaml(cluster, opts)) as ManifestShape
    expect(m.clusters).toEqual(expected)
    for (const e of m.accessEntries) expect(e['clusters']).toEqual(Object.keys(expected))
  })

  it('keeps prune and adopt at their defaults (nothing existing is deleted or tagged)', () => {
    const m = parseYaml(exportManifestYaml(PROD)) as ManifestShape
    expect(m.clusters['prod']).not.toHaveProperty('prune')
    expect(m.clusters['prod']).not.toHaveProperty('adopt')
  })

  it('writes a comment above each node entry only', () => {
    const lines = exportManifestYaml(PROD).split('\n')
    const commented = lines
      .map((line, i) => ({ line, above: lines[i - 1] ?? '' }))
      .filter(({ line, above }) => line.startsWith('  - principalArn:') && above.startsWith('  #'))
      .map(({ line }) => line.slice('  - principalArn: '.length))
    expect(commented).toEqual(['arn:aws:iam::111122223333:role/fargate-pods', 'arn:aws:iam::111122223333:role/ng-general'])
  })

  it('is deterministic: input order does not matter', () => {
    const shuffled: ObservedCluster = {
      ...PROD,
      entries: [...PROD.entries]
        .reverse()
        .map((e) => ({ ...e, accessPolicies: [...e.accessPolicies].reverse(), kubernetesGroups: [...e.kubernetesGroups].reverse() })),
    }
    expect(exportManifestYaml(shuffled)).toBe(exportManifestYaml(PROD))
    const m = parseYaml(exportManifestYaml(PROD)) as ManifestShape
    const principals = m.accessEntries.map((e) => e['principalArn'] as string)
    expect(principals).toEqual([...principals].sort())
  })

  it('an empty cluster gives an empty entry list', () => {
    const m = parseYaml(
      exportManifestYaml({ name: 'dev', region: 'us-east-1', accountId: '111122223333', authenticationMode: 'API', entries: [] }),
    ) as ManifestShape
    expect(m.accessEntries).toEqual([])
  })

  it.skipIf(!existsSync(MANIFEST_SCHEMA))('validates against schemas/eks-access.schema.json', () => {
    const schema = JSON.parse(readFileSync(MANIFEST_SCHEMA, 'utf8')) as object
    const ajv = new Ajv2020({ allErrors: true, strict: false })
    addFormats.default(ajv)
    const validate = ajv.compile(schema)
    for (const cluster of [
      PROD,
      { name: 'dev', region: 'cn-north-1', accountId: '111122223333', authenticationMode: 'API' as const, entries: [] },
    ]) {
      for (const opts of [{}, { clusterKey: 'logical-key' }]) {
        validate(parseYaml(exportManifestYaml(cluster, opts)))
        expect(validate.errors ?? []).toEqual([])
      }
    }
  })
})

describe('exportManifestYaml: round trip through validate and plan', () => {
  // What users do to onboard a cluster: export, validate, plan. Node entries carry what EKS set
  // (usernames starting with system:, groups) which a manifest may not hold for node types.
  const A = '111122223333'
  const nodes: ObservedCluster = {
    name: 'c',
    region: 'eu-west-1',
    accountId: A,
    authenticationMode: 'API',
    entries: [
      entry(`arn:aws:iam::${A}:role/admin`, { username: `arn:aws:sts::${A}:assumed-role/admin/{{SessionName}}`, accessPolicies: [ADMIN] }),
      entry(`arn:aws:iam::${A}:role/auto`, {
        type: 'EC2',
        username: 'system:node:{{EC2PrivateDNSName}}',
        kubernetesGroups: ['system:nodes'],
        accessPolicies: [{ policyArn: `${P}AmazonEKSAutoNodePolicy`, accessScope: { type: 'cluster', namespaces: [] } }],
      }),
      entry(`arn:aws:iam::${A}:role/hyperpod`, {
        type: 'HYPERPOD_LINUX',
        username: 'system:node:{{SessionName}}',
        kubernetesGroups: ['hyperpod-nodes'],
      }),
      entry(`arn:aws:iam::${A}:role/ng`, {
        type: 'EC2_LINUX',
        username: 'system:node:{{EC2PrivateDNSName}}',
        kubernetesGroups: ['system:nodes', 'extra'],
      }),
    ],
  }

  it('the exported manifest validates with no problems and plans to zero changes', () => {
    const now = new Date('2026-06-15T00:00:00Z')
    const checked = validateSources([{ file: 'eks-access.yaml', text: exportManifestYaml(nodes) }], { now, expiryWarningDays: 7 })
    expect(checked.problems).toEqual([])
    const plan = buildPlan({ manifest: checked.manifest, observed: new Map([['c', { ok: true as const, value: nodes }]]), now })
    expect(plan.clusters[0]?.errors).toEqual([])
    expect(plan.clusters[0]?.changes).toEqual([])
    expect(plan.summary.unchanged).toBe(4)
  })

  it('a cluster whose only admin policy sits on a node-type entry exports allowNoClusterAdmin (the plan counts STANDARD admins only)', () => {
    const now = new Date('2026-06-15T00:00:00Z')
    const odd: ObservedCluster = {
      ...nodes,
      entries: [entry(`arn:aws:iam::${A}:role/hp`, { type: 'HYPERPOD_LINUX', accessPolicies: [ADMIN] })],
    }
    const checked = validateSources([{ file: 'eks-access.yaml', text: exportManifestYaml(odd) }], { now, expiryWarningDays: 7 })
    const plan = buildPlan({ manifest: checked.manifest, observed: new Map([['c', { ok: true as const, value: odd }]]), now })
    expect(plan.clusters[0]?.errors).toEqual([])
  })
})

describe('exportStateSnapshot', () => {
  it('normalises, sorts clusters and carries the catalogue', () => {
    const other: ObservedCluster = { name: 'a', region: 'us-east-1', authenticationMode: 'API', entries: [] }
    const s = exportStateSnapshot(
      [other, PROD],
      [
        { name: 'B', arn: `${P}B` },
        { name: 'A', arn: `${P}A` },
      ],
    )
    expect(s.clusters.map((c) => c.name)).toEqual(['prod', 'a'])
    expect(s.accessPolicies?.map((p) => p.name)).toEqual(['A', 'B'])
    const prod = s.clusters[0] as ObservedCluster
    const principals = prod.entries.map((e) => e.principalArn)
    expect(principals).toEqual([...principals].sort())
    expect(prod.entries.find((e) => e.principalArn.endsWith('on-call'))?.accessPolicies[0]?.accessScope).toEqual({
      type: 'namespace',
      namespaces: ['apps-*', 'ops'],
    })
  })

  it('has no catalogue member when none is given, and reads back to the same bytes', () => {
    const s = exportStateSnapshot([PROD])
    expect(s).not.toHaveProperty('accessPolicies')
    const text = serializeStateSnapshot(s)
    const back = parseStateSnapshot(text, 'x.json')
    expect(back.ok && serializeStateSnapshot(back.value)).toBe(text)
    expect(back.ok && back.value).toEqual(s)
  })
})
