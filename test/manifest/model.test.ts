import { describe, expect, it } from 'vitest'
import { parseManifestSource } from '../../src/manifest/load.js'
import { buildManifest, type ModelInput } from '../../src/manifest/model.js'
import { checkManifestSchema } from '../../src/manifest/schema.js'

function inputs(files: Record<string, string>): ModelInput[] {
  return Object.entries(files).map(([file, text]) => {
    const parsed = parseManifestSource(file, text)
    if (!parsed.loaded) throw new Error(JSON.stringify(parsed.problems))
    return { source: parsed.loaded, findings: checkManifestSchema(parsed.loaded) }
  })
}

const FULL = `version: 1
clusters:
  prod-eu:
    name: prod
    region: eu-west-1
    accountId: "111122223333"
    roleArn: arn:aws:iam::111122223333:role/apply
    planRoleArn: arn:aws:iam::111122223333:role/plan
    authenticationMode: API
    prune: all
    adopt: true
    allowNoClusterAdmin: true
  china: { region: cn-north-1, accountId: "444455556666" }
  gov: { region: us-gov-west-1, accountId: "444455556666" }
accessEntries:
  - principalArn: arn:aws:iam::111122223333:role/team-a
    type: STANDARD
    username: team-a
    clusters: [prod-eu, "gov*"]
    kubernetesGroups: [readers, writers]
    tags: { owner: team-a, cost: "42" }
    expiresAt: 2027-03-31
    accessPolicies:
      - policyArn: AmazonEKSEditPolicy
        accessScope:
          type: namespace
          namespaces: [team-a, "team-a-*"]
      - policyArn: AmazonEKSViewPolicy
        accessScope: { type: cluster }
  - principalArn: arn:aws:iam::111122223333:role/minimal
`

describe('buildManifest', () => {
  const { manifest, problems } = buildManifest(inputs({ 'm.yaml': FULL }))
  const at = (line: number, column: number) => ({ file: 'm.yaml', line, column })

  it('builds clusters sorted by key with defaults and partitions', () => {
    expect(problems).toEqual([])
    expect(manifest.files).toEqual(['m.yaml'])
    expect(manifest.clusters.map((c) => [c.key, c.name, c.partition, c.prune, c.adopt, c.allowNoClusterAdmin])).toEqual([
      ['china', 'china', 'aws-cn', 'owned', false, false],
      ['gov', 'gov', 'aws-us-gov', 'owned', false, false],
      ['prod-eu', 'prod', 'aws', 'all', true, true],
    ])
    const prod = manifest.clusters[2]
    expect(prod).toMatchObject({
      roleArn: 'arn:aws:iam::111122223333:role/apply',
      planRoleArn: 'arn:aws:iam::111122223333:role/plan',
      authenticationMode: 'API',
      locs: { key: at(3, 3), region: at(5, 13), accountId: at(6, 16), authenticationMode: at(9, 25) },
    })
    expect('roleArn' in (manifest.clusters[0] ?? {})).toBe(false)
    expect(manifest.clusters[0]?.locs).toEqual({ key: at(13, 3), region: at(13, 20), accountId: at(13, 43) })
  })

  it('builds entries with every member and its location', () => {
    const [full, minimal] = manifest.accessEntries
    expect(full).toMatchObject({
      principalArn: 'arn:aws:iam::111122223333:role/team-a',
      type: 'STANDARD',
      username: 'team-a',
      clusters: ['prod-eu', 'gov*'],
      kubernetesGroups: ['readers', 'writers'],
      tags: { owner: 'team-a', cost: '42' },
      expiresAt: '2027-03-31',
    })
    expect(full?.locs).toEqual({
      entry: at(16, 5),
      principalArn: at(16, 19),
      type: at(17, 11),
      username: at(18, 15),
      clusters: at(19, 15),
      clusterItems: [at(19, 16), at(19, 25)],
      kubernetesGroups: at(20, 23),
      kubernetesGroupItems: [at(20, 24), at(20, 33)],
      tags: at(21, 11),
      tagKeys: { owner: at(21, 13), cost: at(21, 28) },
      expiresAt: at(22, 16),
      accessPolicies: at(24, 7),
    })
    expect(full?.accessPolicies).toEqual([
      {
        policyArn: 'AmazonEKSEditPolicy',
        accessScope: { type: 'namespace', namespaces: ['team-a', 'team-a-*'] },
        locs: {
          item: at(24, 9),
          policyArn: at(24, 20),
          accessScope: at(26, 11),
          scopeType: at(26, 17),
          namespaces: at(27, 23),
          namespaceItems: [at(27, 24), at(27, 32)],
        },
      },
      {
        policyArn: 'AmazonEKSViewPolicy',
        accessScope: { type: 'cluster', namespaces: [] },
        locs: { item: at(28, 9), policyArn: at(28, 20), accessScope: at(29, 22), scopeType: at(29, 30), namespaceItems: [] },
      },
    ])
    expect(minimal).toEqual({
      principalArn: 'arn:aws:iam::111122223333:role/minimal',
      kubernetesGroups: [],
      tags: {},
      accessPolicies: [],
      locs: { entry: at(30, 5), principalArn: at(30, 19), kubernetesGroupItems: [], tagKeys: {}, clusterItems: [] },
    })
  })

  it('merges files in order; a cluster defined twice is an error at the second, naming the first', () => {
    const built = buildManifest(
      inputs({
        'a.yaml':
          'version: 1\nclusters:\n  prod: { region: eu-west-1, accountId: "111122223333" }\naccessEntries:\n  - principalArn: arn:a\n',
        'b.yaml':
          'version: 1\nclusters:\n  dev: { region: eu-west-1, accountId: "111122223333" }\n  prod: { region: us-east-1, accountId: "111122223333" }\naccessEntries:\n  - principalArn: arn:b\n',
      }),
    )
    expect(built.manifest.files).toEqual(['a.yaml', 'b.yaml'])
    expect(built.manifest.clusters.map((c) => [c.key, c.region])).toEqual([
      ['dev', 'eu-west-1'],
      ['prod', 'eu-west-1'],
    ])
    expect(built.manifest.accessEntries.map((e) => [e.principalArn, e.locs.entry.file])).toEqual([
      ['arn:a', 'a.yaml'],
      ['arn:b', 'b.yaml'],
    ])
    expect(built.problems).toEqual([
      {
        severity: 'error',
        code: 'manifest:duplicate-cluster',
        message: 'cluster "prod" is already defined at a.yaml:3; define each cluster once',
        file: 'b.yaml',
        line: 4,
        column: 3,
      },
    ])
  })

  it('leaves out clusters and entries whose essential members failed the schema', () => {
    const built = buildManifest(
      inputs({
        'm.yaml': `version: 2
clusters:
  good: { region: eu-west-1, accountId: "111122223333" }
  bad: { region: eu-west-1, accountId: 111122223333 }
  "-bad-key": { region: eu-west-1, accountId: "111122223333" }
accessEntries:
  - principalArn: arn:good
  - principalArn: 42
  - principalArn: arn:bad-clusters
    clusters: good
  - principalArn: arn:bad-cluster-item
    clusters: [good, good]
  - not an entry
  - accessPolicies: []
`,
      }),
    )
    expect(built.manifest.clusters.map((c) => c.key)).toEqual(['good'])
    expect(built.manifest.accessEntries.map((e) => e.principalArn)).toEqual(['arn:good'])
  })

  it('sets aside a cluster or entry whose required key is misspelled (one finding, at the key)', () => {
    const [input] = inputs({
      'm.yaml':
        'version: 1\nclusters:\n  prod: { region: eu-west-1, accountid: "111122223333" }\naccessEntries:\n  - principalARN: arn:a\n',
    })
    expect(input?.findings.map((f) => [f.path, f.problem.code])).toEqual([
      [['clusters', 'prod'], 'schema:unknown-key'],
      [['accessEntries', 0], 'schema:unknown-key'],
    ])
    const built = buildManifest(input ? [input] : [])
    expect(built.manifest.clusters).toEqual([])
    expect(built.manifest.accessEntries).toEqual([])
  })

  it('keeps an entry or cluster with a finding on an optional member, without that member', () => {
    const built = buildManifest(
      inputs({
        'm.yaml': `version: 1
clusters:
  prod: { region: eu-west-1, accountId: "111122223333", adopt: yes, authenticationMode: APi, prune: some, regoin: x }
accessEntries:
  - principalArn: arn:aws:iam::111122223333:role/a
    tpye: STANDARD
    type: ec2_linux
    username: ""
    kubernetesGroups: [ops, ops]
    tags: { owner: 5 }
    expiresAt: 2027-02-30
    accessPolicies:
      - policyArn: AmazonEKSViewPolicy
      - policyArn: AmazonEKSEditPolicy
        accessScope: { type: namespace, namespaces: [a] }
      - policyArn: AmazonEKSAdminPolicy
        accessScope: { type: namespaces }
`,
      }),
    )
    expect(built.manifest.clusters).toHaveLength(1)
    const prod = built.manifest.clusters[0]
    expect([prod?.adopt, prod?.prune, 'authenticationMode' in (prod ?? {})]).toEqual([false, 'owned', false])
    expect(built.manifest.accessEntries).toHaveLength(1)
    const entry = built.manifest.accessEntries[0]
    expect(entry).toMatchObject({ principalArn: 'arn:aws:iam::111122223333:role/a', kubernetesGroups: [], tags: {} })
    expect(['type', 'username', 'expiresAt'].filter((k) => k in (entry ?? {}))).toEqual([])
    // the one valid policy is kept, with the Locs of its own item (index 1 in the file)
    expect(entry?.accessPolicies.map((p) => [p.policyArn, p.locs.policyArn.line])).toEqual([['AmazonEKSEditPolicy', 14]])
  })

  it('passes the full file list through', () => {
    expect(buildManifest([], ['a.yaml', 'broken.yaml']).manifest.files).toEqual(['a.yaml', 'broken.yaml'])
  })
})
