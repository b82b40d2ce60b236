import { describe, expect, it } from 'vitest'
import { parseManifestSource, type LoadedFile } from '../../src/manifest/load.js'
import { checkManifestSchema, compileManifestSchema, manifestSchema } from '../../src/manifest/schema.js'
import { ENTRY_TYPES } from '../../src/types.js'

function load(text: string): LoadedFile {
  const parsed = parseManifestSource('m.yaml', text)
  if (!parsed.loaded) throw new Error(JSON.stringify(parsed.problems))
  return parsed.loaded
}

function check(text: string): { code: string; line: number; column: number; message: string }[] {
  return checkManifestSchema(load(text)).map(({ problem: p }) => ({ code: p.code, line: p.line, column: p.column, message: p.message }))
}

const CLUSTER = 'version: 1\nclusters:\n  prod:\n    region: eu-west-1\n    accountId: "111122223333"\n'
const ENTRY = 'version: 1\naccessEntries:\n  - principalArn: arn:aws:iam::111122223333:role/a\n'
const POLICY = `${ENTRY}    accessPolicies:\n      - policyArn: AmazonEKSViewPolicy\n`

describe('the schema itself', () => {
  it('is a valid JSON Schema 2020-12 and compiles in strict mode', () => {
    expect(() => compileManifestSchema({ validateSchema: true })).not.toThrow()
  })

  it('lists exactly the entry types of src/types.ts', () => {
    expect(manifestSchema.$defs.accessEntry.properties.type.enum).toEqual([...ENTRY_TYPES])
  })

  it('accepts the PRODUCT.md example, with an unquoted date', () => {
    const text = `# yaml-language-server: $schema=./schemas/eks-access.schema.json
version: 1
clusters:
  prod-eu:
    name: prod
    region: eu-west-1
    accountId: "111122223333"
    roleArn: arn:aws:iam::111122223333:role/eks-access-apply
    planRoleArn: arn:aws:iam::111122223333:role/eks-access-plan
    authenticationMode: API_AND_CONFIG_MAP
    prune: owned
    adopt: false
    allowNoClusterAdmin: false
  staging-eu: { region: eu-west-1, accountId: "111122223333" }
accessEntries:
  - principalArn: arn:aws:iam::111122223333:role/platform-admins
    clusters: ["*"]
    accessPolicies:
      - policyArn: AmazonEKSClusterAdminPolicy
        accessScope: { type: cluster }
  - principalArn: arn:aws:iam::111122223333:role/team-a
    clusters: ["staging-*"]
    kubernetesGroups: [team-a-readers]
    tags: { owner: team-a }
    expiresAt: 2027-03-31
    accessPolicies:
      - policyArn: arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy
        accessScope: { type: namespace, namespaces: [team-a, "team-a-*"] }
  - principalArn: arn:aws:iam::111122223333:role/karpenter-node
    type: EC2_LINUX
    clusters: [prod-eu]
    expiresAt: 2027-03-31T18:00:00Z
`
    expect(check(text)).toEqual([])
  })
})

describe('checkManifestSchema: one problem per mistake, at the right node', () => {
  it.each([
    {
      name: 'unknown key with a near miss → at the key, did you mean',
      text: `${ENTRY}    acessPolicies: []\n`,
      want: [
        {
          code: 'schema:unknown-key',
          line: 4,
          column: 5,
          message: 'unknown key "acessPolicies" in access entry; did you mean "accessPolicies"?',
        },
      ],
    },
    {
      name: 'unknown key without a near miss → allowed keys',
      text: `${CLUSTER}    owner: me\n`,
      want: [
        {
          code: 'schema:unknown-key',
          line: 6,
          column: 5,
          message: expect.stringMatching(/^unknown key "owner" in cluster "prod"; allowed keys: name, region, accountId,/),
        },
      ],
    },
    {
      name: 'unknown top-level key',
      text: 'version: 1\ncluster: {}\n',
      want: [
        { code: 'schema:unknown-key', line: 2, column: 1, message: 'unknown key "cluster" in the manifest; did you mean "clusters"?' },
      ],
    },
    {
      name: 'missing required key → at the mapping',
      text: 'version: 1\nclusters:\n  prod:\n    region: eu-west-1\n',
      want: [{ code: 'schema:required', line: 4, column: 5, message: 'missing required key "accountId" in cluster "prod"' }],
    },
    {
      name: 'missing principalArn in a flow mapping',
      text: 'version: 1\naccessEntries:\n  - { type: STANDARD }\n',
      want: [{ code: 'schema:required', line: 3, column: 5, message: 'missing required key "principalArn" in access entry' }],
    },
    {
      name: 'missing version',
      text: 'clusters: {}\n',
      want: [{ code: 'schema:required', line: 1, column: 1, message: 'missing required key "version" in the manifest' }],
    },
    {
      name: 'wrong type → at the value, with a quoting hint',
      text: 'version: 1\nclusters:\n  prod:\n    region: eu-west-1\n    accountId: 111122223333\n',
      want: [
        {
          code: 'schema:type',
          line: 5,
          column: 16,
          message: 'accountId must be a string, not the number 111122223333 (quote it: "111122223333")',
        },
      ],
    },
    {
      name: 'wrong type: the quoting hint keeps what was written (a leading zero)',
      text: 'version: 1\nclusters:\n  prod:\n    region: eu-west-1\n    accountId: 012345678901\n',
      want: [
        {
          code: 'schema:type',
          line: 5,
          column: 16,
          message: 'accountId must be a string, not 012345678901, which YAML reads as the number 12345678901 (quote it: "012345678901")',
        },
      ],
    },
    {
      name: 'wrong type: the quoting hint keeps what was written (hex, exponent)',
      text: 'version: 1\nclusters:\n  prod: { region: eu-west-1, accountId: 1.2e3, name: 0x1F }\n',
      want: [
        {
          code: 'schema:type',
          line: 3,
          column: 54,
          message: 'name must be a string, not 0x1F, which YAML reads as the number 31 (quote it: "0x1F")',
        },
        {
          code: 'schema:type',
          line: 3,
          column: 41,
          message: 'accountId must be a string, not 1.2e3, which YAML reads as the number 1200 (quote it: "1.2e3")',
        },
      ],
    },
    {
      name: 'wrong type: one name where a list belongs, with the list to write',
      text: 'version: 1\naccessEntries:\n  - principalArn: arn:aws:iam::111122223333:role/a\n    clusters: prod\n',
      want: [
        {
          code: 'schema:type',
          line: 4,
          column: 15,
          message: 'clusters must be a list, not the string "prod" (write a list, even of one item: ["prod"])',
        },
      ],
    },
    {
      name: 'a misspelled required key is one problem (the unknown key), not also "missing required key"',
      text: 'version: 1\nclusters:\n  prod:\n    region: eu-west-1\n    accountid: "111122223333"\naccessEntries:\n  - principalARN: arn:aws:iam::111122223333:role/a\n',
      want: [
        { code: 'schema:unknown-key', line: 5, column: 5, message: 'unknown key "accountid" in cluster "prod"; did you mean "accountId"?' },
        {
          code: 'schema:unknown-key',
          line: 7,
          column: 5,
          message: 'unknown key "principalARN" in access entry; did you mean "principalArn"?',
        },
      ],
    },
    {
      name: 'a required key still missing next to an unrelated unknown key is reported',
      text: 'version: 1\nclusters:\n  prod:\n    region: eu-west-1\n    owner: team-a\n',
      want: [
        { code: 'schema:required', line: 4, column: 5, message: 'missing required key "accountId" in cluster "prod"' },
        {
          code: 'schema:unknown-key',
          line: 5,
          column: 5,
          message: expect.stringMatching(/^unknown key "owner" in cluster "prod"; allowed keys: /),
        },
      ],
    },
    {
      name: 'wrong type: a list instead of a mapping',
      text: 'version: 1\nclusters: [prod]\n',
      want: [{ code: 'schema:type', line: 2, column: 11, message: 'clusters must be a mapping, not a list' }],
    },
    {
      name: 'empty value → at its key',
      text: `${ENTRY}    username:\n`,
      want: [{ code: 'schema:type', line: 4, column: 5, message: 'username must be a string, not empty' }],
    },
    {
      name: 'enum with a suggestion',
      text: `${CLUSTER}    authenticationMode: API_AND_CONFIGMAP\n`,
      want: [
        {
          code: 'schema:enum',
          line: 6,
          column: 25,
          message:
            'invalid authenticationMode "API_AND_CONFIGMAP"; expected one of: API, API_AND_CONFIG_MAP, CONFIG_MAP; did you mean "API_AND_CONFIG_MAP"?',
        },
      ],
    },
    {
      name: 'enum without a suggestion',
      text: `${CLUSTER}    prune: sometimes\n`,
      want: [{ code: 'schema:enum', line: 6, column: 12, message: 'invalid prune "sometimes"; expected one of: owned, all, none' }],
    },
    {
      name: 'entry type enum',
      text: `${ENTRY}    type: EC2_LINUXX\n`,
      want: [
        {
          code: 'schema:enum',
          line: 4,
          column: 11,
          message: expect.stringMatching(/^invalid type "EC2_LINUXX"; expected one of: STANDARD, .*; did you mean "EC2_LINUX"\?$/),
        },
      ],
    },
    {
      name: 'const version',
      text: 'version: 2\n',
      want: [{ code: 'schema:const', line: 1, column: 10, message: 'version must be 1, not 2' }],
    },
    {
      name: 'pattern with a human message',
      text: 'version: 1\nclusters:\n  prod: { region: eu-west-1, accountId: "1234" }\n',
      want: [
        {
          code: 'schema:pattern',
          line: 3,
          column: 41,
          message: 'invalid accountId "1234"; expected a 12-digit AWS account ID, quoted ("111122223333")',
        },
      ],
    },
    {
      name: 'cluster key pattern → at the key',
      text: 'version: 1\nclusters:\n  "prod eu": { region: eu-west-1, accountId: "111122223333" }\n',
      want: [
        {
          code: 'schema:pattern',
          line: 3,
          column: 3,
          message: `invalid cluster name "prod eu"; expected letters, digits, '.', '_' and '-', starting with a letter or digit`,
        },
      ],
    },
    {
      name: 'invalid date → one format problem, not one per anyOf branch',
      text: `${ENTRY}    expiresAt: 2027-02-30\n`,
      want: [
        {
          code: 'schema:format',
          line: 4,
          column: 16,
          message:
            'invalid expiresAt "2027-02-30"; expected a date (YYYY-MM-DD) or a date-time (2027-03-31T18:00:00Z; UTC when it has no offset)',
        },
      ],
    },
    {
      name: 'duplicate list items → each at its second occurrence',
      text: `${ENTRY}    kubernetesGroups: [a, b, a, b]\n`,
      want: [
        { code: 'schema:unique', line: 4, column: 30, message: 'duplicate "a" in kubernetesGroups (also item 1)' },
        { code: 'schema:unique', line: 4, column: 33, message: 'duplicate "b" in kubernetesGroups (also item 2)' },
      ],
    },
    {
      name: 'empty clusters list',
      text: `${ENTRY}    clusters: []\n`,
      want: [
        {
          code: 'schema:min-items',
          line: 4,
          column: 15,
          message: 'clusters must list at least 1 item; omit clusters to select every cluster',
        },
      ],
    },
    {
      name: 'empty string item',
      text: `${ENTRY}    clusters: [""]\n`,
      want: [{ code: 'schema:min-length', line: 4, column: 16, message: 'clusters item must not be empty' }],
    },
    {
      name: 'tag value type',
      text: `${ENTRY}    tags: { owner: 5 }\n`,
      want: [{ code: 'schema:type', line: 4, column: 20, message: 'tag "owner" must be a string, not the number 5 (quote it: "5")' }],
    },
    {
      name: 'tag value too long',
      text: `${ENTRY}    tags: { owner: ${'v'.repeat(257)} }\n`,
      want: [{ code: 'schema:max-length', line: 4, column: 20, message: 'tag "owner" is 257 characters long; at most 256 allowed' }],
    },
    {
      name: 'tag key too long → at the key',
      text: `${ENTRY}    tags:\n      ${'k'.repeat(129)}: v\n`,
      want: [
        {
          code: 'schema:max-length',
          line: 5,
          column: 7,
          message: `tag key "${'k'.repeat(129)}" is 129 characters long; at most 128 allowed`,
        },
      ],
    },
    {
      name: 'more than 50 tags',
      text: `${ENTRY}    tags: { ${Array.from({ length: 51 }, (_, i) => `k${i}: v`).join(', ')} }\n`,
      want: [{ code: 'schema:max-properties', line: 4, column: 11, message: 'tags has 51 keys; at most 50 allowed' }],
    },
    {
      name: 'access policy without accessScope',
      text: POLICY,
      want: [{ code: 'schema:required', line: 5, column: 9, message: 'missing required key "accessScope" in access policy' }],
    },
    {
      name: 'scope type enum',
      text: `${POLICY}        accessScope: { type: namespaced, namespaces: [a] }\n`,
      want: [
        {
          code: 'schema:enum',
          line: 6,
          column: 30,
          message: 'invalid type "namespaced"; expected one of: cluster, namespace; did you mean "namespace"?',
        },
      ],
    },
    {
      name: 'unknown key inside accessScope',
      text: `${POLICY}        accessScope: { type: namespace, namespace: [a] }\n`,
      want: [
        { code: 'schema:unknown-key', line: 6, column: 41, message: 'unknown key "namespace" in accessScope; did you mean "namespaces"?' },
      ],
    },
    {
      name: 'problems found through an alias point at the anchor',
      text: 'version: 1\nclusters:\n  a: &c { region: eu-west-1, accountId: 5 }\n  b: *c\n',
      want: [{ code: 'schema:type', line: 3, column: 41, message: 'accountId must be a string, not the number 5 (quote it: "5")' }],
    },
  ])('$name', ({ text, want }) => {
    expect(check(text)).toEqual(want)
  })

  it('reports every mistake, not just the first', () => {
    const codes = check('version: 3\nclusters:\n  prod: { region: x }\naccessEntries:\n  - principalArn: 5\n    tpye: STANDARD\n').map(
      (p) => p.code,
    )
    expect(codes.sort()).toEqual(['schema:const', 'schema:pattern', 'schema:required', 'schema:type', 'schema:unknown-key'])
  })

  it('carries the value path of each finding (for the model)', () => {
    const findings = checkManifestSchema(load(`${ENTRY}    acessPolicies: []\n`))
    expect(findings.map((f) => f.path)).toEqual([['accessEntries', 0, 'acessPolicies']])
  })
})
