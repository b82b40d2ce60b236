import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { parse as parseYaml } from 'yaml'
import { importAwsAuth, type ImportResult } from '../../src/onboarding/import-aws-auth.js'
import { validateSources } from '../../src/manifest/validate.js'

const CORPUS = path.resolve(import.meta.dirname, '../fixtures/aws-auth')
const GOLDEN = path.join(CORPUS, 'golden')
const UPDATE = process.env['UPDATE_GOLDEN'] === '1'

function run(name: string, extra: { region?: string; accountId?: string } = {}, ssoRoleArns?: Record<string, string>): ImportResult {
  const text = readFileSync(path.join(CORPUS, name), 'utf8')
  return importAwsAuth(text, {
    cluster: 'prod',
    sourceName: `aws-auth/${name}`,
    ...extra,
    ...(ssoRoleArns === undefined ? {} : { ssoRoleArns }),
  })
}

/** Compares with the golden file, or writes it with UPDATE_GOLDEN=1. */
function golden(file: string, actual: string): void {
  const target = path.join(GOLDEN, file)
  if (UPDATE || !existsSync(target)) {
    mkdirSync(GOLDEN, { recursive: true })
    writeFileSync(target, actual)
  }
  expect(actual).toBe(readFileSync(target, 'utf8'))
}

const inputs = readdirSync(CORPUS)
  .filter((f) => /\.(yaml|json|txt)$/.test(f))
  .sort()
const invalid = new Set([
  'bad-yaml-block.yaml',
  'bad-yaml-json.json',
  'bad-yaml-describe.txt',
  'not-a-list.yaml',
  'missing-bar.yaml',
  'not-a-configmap.yaml',
])

describe('import-aws-auth corpus (goldens in test/fixtures/aws-auth/golden)', () => {
  it.each(inputs.filter((f) => !invalid.has(f)))('%s', (name) => {
    const r = run(name)
    expect(r.ok).toBe(true)
    if (!r.ok) return
    const base = name.replace(/\.[a-z]+$/, '')
    golden(`${base}.manifest.yaml`, r.manifestYaml)
    golden(`${base}.json`, `${JSON.stringify(r.json, null, 2)}\n`)
    golden(`${base}.stderr.txt`, [...r.warningLines, r.coverageLine].join('\n') + '\n')
    golden(`${base}.residual.yaml`, r.residualYaml)
    // The residual is itself a ConfigMap whose map keys are still valid YAML lists.
    const residual = parseYaml(r.residualYaml) as { kind: string; metadata: Record<string, unknown>; data: Record<string, string> }
    expect(residual.kind).toBe('ConfigMap')
    expect(residual.metadata).toMatchObject({ name: 'aws-auth', namespace: 'kube-system' })
    for (const key of ['mapRoles', 'mapUsers'])
      if (residual.data[key] !== undefined) expect(() => parseYaml(residual.data[key] as string)).not.toThrow()
  })

  it.each(inputs.filter((f) => invalid.has(f)))('%s is refused, nothing partial', (name) => {
    const r = run(name)
    expect(r.ok).toBe(false)
    if (r.ok) return
    expect(r.exitCode).toBe(1)
    expect(r).not.toHaveProperty('manifestYaml')
    const base = name.replace(/\.[a-z]+$/, '')
    golden(
      `${base}.problems.txt`,
      r.problems.map((p) => `${p.file}:${p.line}:${p.column}: ${p.severity} ${p.code}: ${p.message}`).join('\n') + '\n',
    )
  })
})

describe('error locations inside the embedded mapRoles text', () => {
  it.each([
    // `groups: [viewers` never closes: reported where the YAML parser gives up, in file coordinates
    ['bad-yaml-block.yaml', 'import:syntax'],
    ['bad-yaml-json.json', 'import:syntax'],
    ['bad-yaml-describe.txt', 'import:syntax'],
  ])('%s: a position inside the mapRoles value, not the key', (name, code) => {
    const r = run(name)
    if (r.ok) throw new Error('expected an error')
    const p = r.problems[0]
    expect(p?.code).toBe(code)
    expect(p?.message).toMatch(/^mapRoles: /)
    const lines = readFileSync(path.join(CORPUS, name), 'utf8').split('\n')
    const keyLine = lines.findIndex((l) => l.includes('mapRoles')) + 1
    expect(p?.line).toBeGreaterThanOrEqual(keyLine)
  })

  it('block literal: line and column are those of the file', () => {
    const text = ['data:', '  mapRoles: |', '    - rolearn: arn:aws:iam::111122223333:role/a', '      groups: {a: [1}', ''].join('\n')
    const r = importAwsAuth(text, { cluster: 'c', sourceName: 'f.yaml' })
    if (r.ok) throw new Error('expected an error')
    const p = r.problems[0]
    // inner line 2 → file line 4; inner columns shift by the 4-space block indent
    expect(p?.line).toBe(4)
    expect(p?.column).toBeGreaterThan(4)
  })

  it('JSON string: the column goes through the \\n escapes', () => {
    const text = '{"data": {"mapRoles": "- rolearn: a\\n  groups: {x: [1}\\n"}}'
    const r = importAwsAuth(text, { cluster: 'c', sourceName: 'f.json' })
    if (r.ok) throw new Error('expected an error')
    const p = r.problems[0]
    expect(p?.line).toBe(1)
    // inside the string, after the first escaped newline
    expect(p?.column).toBeGreaterThan(text.indexOf('groups'))
  })

  it('mapRoles written as a YAML list (the missing `|`) names the key and says how to fix it', () => {
    const r = run('missing-bar.yaml')
    if (r.ok) throw new Error('expected an error')
    expect(r.problems[0]).toMatchObject({ code: 'import:not-a-string', line: 8, column: 5 })
    expect(r.problems[0]?.message).toContain('mapRoles: |')
  })
})

describe('parsing as aws-iam-authenticator does', () => {
  const one = (mapRoles: string) => {
    const r = importAwsAuth(
      `data:\n  mapRoles: |\n${mapRoles
        .split('\n')
        .map((l) => `    ${l}`)
        .join('\n')}\n`,
      { cluster: 'c', sourceName: 'f' },
    )
    if (!r.ok) throw new Error(JSON.stringify(r.problems))
    return r
  }
  it('member names are case-insensitive, a later one wins', () => {
    const r = one('- ROLEARN: arn:aws:iam::111122223333:role/a\n  UserName: first\n  username: second\n  GROUPS: [g]')
    expect(r.json.accessEntries).toEqual([
      { principalArn: 'arn:aws:iam::111122223333:role/a', username: 'second', clusters: ['c'], kubernetesGroups: ['g'] },
    ])
  })
  it('data keys are case-sensitive: maproles is ignored with a warning', () => {
    const r = importAwsAuth('data:\n  maproles: |\n    - rolearn: arn:aws:iam::111122223333:role/a\n', { cluster: 'c', sourceName: 'f' })
    if (!r.ok) throw new Error('unexpected')
    expect(r.json.accessEntries).toEqual([])
    expect(r.json.warnings.map((w) => w.code)).toEqual(['ignored-key', 'no-mappings'])
  })
  it('YAML 1.1: an unquoted yes is a boolean, so the mapping is malformed', () => {
    const r = one('- rolearn: arn:aws:iam::111122223333:role/a\n  username: yes')
    expect(r.json.warnings[0]).toMatchObject({ code: 'malformed', subject: 'arn:aws:iam::111122223333:role/a' })
  })
  it.each(['""', '"``"', "''", '" "'])('empty value %s is skipped', (value) => {
    const r = importAwsAuth(`data:\n  mapRoles: ${value}\n`, { cluster: 'c', sourceName: 'f' })
    expect(r.ok && r.coverage.total).toBe(0)
  })
  it('duplicates: the last mapping of an ARN wins, compared case-insensitively', () => {
    const r = run('get-json.json')
    if (!r.ok) throw new Error('unexpected')
    const ops = r.json.accessEntries.filter((e) => e.principalArn.toLowerCase().endsWith('role/ops'))
    expect(ops).toEqual([
      { principalArn: 'arn:aws:iam::111122223333:role/OPS', username: 'ops', clusters: ['prod'], kubernetesGroups: ['ops', 'ops-admins'] },
    ])
    expect(r.json.warnings.find((w) => w.code === 'duplicate')?.message).toContain('uses mapRoles[2]')
  })
  it('a role mapping is used before a user mapping of the same ARN', () => {
    const r = run('malformed-entries.yaml')
    if (!r.ok) throw new Error('unexpected')
    expect(r.json.accessEntries.filter((e) => e.principalArn.endsWith('role/both'))).toEqual([
      { principalArn: 'arn:aws:iam::111122223333:role/both', username: 'from-roles', clusters: ['prod'], kubernetesGroups: ['a'] },
    ])
  })
})

describe('mapping rules (EKS-API.md §7)', () => {
  it('node, Windows and Fargate roles get their types and no username or groups; masters gets the admin policy', () => {
    const r = run('eksctl-get-yaml.yaml')
    if (!r.ok) throw new Error('unexpected')
    const types = Object.fromEntries(r.json.accessEntries.map((e) => [e.principalArn.split('/').pop(), e.type ?? 'STANDARD']))
    expect(types).toMatchObject({
      'eksctl-prod-nodegroup-ng-1-NodeInstanceRole-1ABCDEF': 'EC2_LINUX',
      'eksctl-prod-nodegroup-win-NodeInstanceRole-2GHIJ': 'EC2_WINDOWS',
      'eksctl-prod-FargatePodExecutionRole-3KLMN': 'FARGATE_LINUX',
      'platform-admins': 'STANDARD',
    })
    for (const e of r.json.accessEntries.filter((e) => e.type !== undefined)) {
      expect(e.username).toBeUndefined()
      expect(e.kubernetesGroups).toBeUndefined()
    }
    expect(r.coverageLine).toBe('8 of 11 mappings migrated, 3 need attention')
  })
  it("the admin policy is in the principal's partition", () => {
    const r = run('cn-partition.yaml')
    if (!r.ok) throw new Error('unexpected')
    expect(r.json.accessEntries[0]?.accessPolicies?.[0]?.policyArn).toBe(
      'arn:aws-cn:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy',
    )
  })
  it('the residual drops server-set metadata and the last-applied annotation, keeps labels', () => {
    const r = run('eksctl-get-yaml.yaml')
    if (!r.ok) throw new Error('unexpected')
    const residual = parseYaml(r.residualYaml) as { metadata: Record<string, unknown> }
    expect(residual.metadata).toEqual({ name: 'aws-auth', namespace: 'kube-system', labels: { 'app.kubernetes.io/managed-by': 'eksctl' } })
    for (const field of ['resourceVersion', 'uid', 'creationTimestamp', 'managedFields', 'last-applied-configuration'])
      expect(r.residualYaml).not.toContain(field)
  })
  it('a superseded duplicate leaves the residual with its winner (else it would take effect)', () => {
    const r = run('get-json.json')
    if (!r.ok) throw new Error('unexpected')
    expect(r.residualYaml).not.toMatch(/role\/ops/i)
    expect(r.residualYaml).toContain('ng-default-NodeInstanceRole')
  })
  it('a ConfigMap other than kube-system/aws-auth is converted with a warning', () => {
    const r = importAwsAuth(
      'kind: ConfigMap\nmetadata: {name: aws-auth-backup, namespace: default}\ndata:\n  mapUsers: |\n    - userarn: arn:aws:iam::111122223333:user/a\n',
      { cluster: 'c', sourceName: 'f' },
    )
    if (!r.ok) throw new Error('unexpected')
    expect(r.json.warnings.map((w) => [w.code, w.subject])).toEqual([
      ['not-aws-auth', 'metadata.name'],
      ['not-aws-auth', 'metadata.namespace'],
    ])
    expect(r.coverageLine).toBe('1 of 1 mapping migrated, 0 need attention')
  })
  it('path-stripped SSO roles are imported with their real ARN when the caller knows it', () => {
    const sso = 'arn:aws:iam::111122223333:role/AWSReservedSSO_AdministratorAccess_0123456789abcdef'
    const full =
      'arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_AdministratorAccess_0123456789abcdef'
    const r = run(
      'eksctl-get-yaml.yaml',
      {},
      { [sso.toLowerCase()]: full, 'arn:aws:iam::111122223333:role/other': 'arn:aws:iam::111122223333:role/x/other' },
    )
    if (!r.ok) throw new Error('unexpected')
    expect(r.json.accessEntries.find((e) => e.principalArn === full)).toMatchObject({ username: 'sso-admin:{{SessionName}}' })
    expect(r.coverageLine).toBe('9 of 11 mappings migrated, 2 need attention')
    expect(r.residualYaml).not.toContain('AWSReservedSSO')
  })
  it('a List from kubectl get: the aws-auth item is read', () => {
    const r = run('get-list.yaml')
    expect(r.ok && r.json.accessEntries.map((e) => e.principalArn)).toEqual(['arn:aws:iam::111122223333:role/ops-admins'])
  })
  it('an invalid --cluster is a usage error (exit 2)', () => {
    const r = importAwsAuth('data: {}', { cluster: 'bad name', sourceName: 'f' })
    expect(r.ok === false && r.exitCode).toBe(2)
  })
})

describe('the output passes the project validator', () => {
  it.each(inputs.filter((f) => !invalid.has(f) && f !== 'cn-partition.yaml'))('%s', (name) => {
    const r = run(name, { region: 'eu-west-1', accountId: '111122223333' })
    if (!r.ok) throw new Error('unexpected')
    const out = validateSources([{ file: 'imported.yaml', text: r.manifestYaml }], {
      now: new Date('2026-01-01T00:00:00Z'),
      expiryWarningDays: 7,
    })
    expect(out.problems.filter((p) => p.severity === 'error')).toEqual([])
  })
  it('cn-partition.yaml in a China region', () => {
    const r = run('cn-partition.yaml', { region: 'cn-north-1', accountId: '111122223333' })
    if (!r.ok) throw new Error('unexpected')
    const out = validateSources([{ file: 'imported.yaml', text: r.manifestYaml }], {
      now: new Date('2026-01-01T00:00:00Z'),
      expiryWarningDays: 7,
    })
    expect(out.problems.filter((p) => p.severity === 'error')).toEqual([])
  })
})
