import { spawn } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml'
import { startFakeAws, type FakeAws } from '../fake-aws/index.js'
import { useBundle } from './bundle.js'

/**
 * The bundled CLI (dist/cli/index.js) for onboarding: import-aws-auth from a file and from a pipe,
 * iam-policy, and the README's migration walkthrough ("Migrating from aws-auth", steps 3 to 10)
 * command by command against the local fake EKS.
 */
const root = resolve(import.meta.dirname, '..', '..')
const corpus = join(root, 'test', 'fixtures', 'aws-auth')

let bundle: { dir: string; cleanup: () => void }
let fake: FakeAws | undefined
let work: string

beforeAll(() => {
  bundle = useBundle()
})
afterAll(async () => {
  await fake?.close()
  bundle.cleanup()
})
beforeEach(async () => {
  await fake?.close()
  fake = await startFakeAws()
  if (work) rmSync(work, { recursive: true, force: true })
  work = mkdtempSync(join(tmpdir(), 'eag-onboarding-e2e-'))
})
afterAll(() => rmSync(work, { recursive: true, force: true }))

interface Run {
  code: number
  stdout: string
  stderr: string
}

/** Runs the bundled CLI; `stdin` is piped in (else stdin is an empty pipe that ends at once). */
function cli(args: string[], stdin = ''): Promise<Run> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [join(bundle.dir, 'cli', 'index.js'), ...args], {
      cwd: work,
      env: {
        PATH: process.env['PATH'] ?? '',
        AWS_ENDPOINT_URL_EKS: fake?.url ?? '',
        AWS_ENDPOINT_URL_STS: fake?.url ?? '',
        AWS_ACCESS_KEY_ID: 'AKIA111122223333TEST',
        AWS_SECRET_ACCESS_KEY: 'fake-secret-key',
        AWS_REGION: 'eu-west-1',
        AWS_EC2_METADATA_DISABLED: 'true',
      },
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.on('error', fail)
    child.on('close', (code) => done({ code: code ?? 1, stdout, stderr }))
    child.stdin.end(stdin)
  })
}

const write = (file: string, text: string) => {
  mkdirSync(join(work, file, '..'), { recursive: true })
  writeFileSync(join(work, file), text)
}
const read = (file: string) => readFileSync(join(work, file), 'utf8')

describe('import-aws-auth (bundled CLI)', () => {
  it('converts a file: manifest on stdout, warnings and coverage on stderr, residual written', async () => {
    copyFileSync(join(corpus, 'eksctl-get-yaml.yaml'), join(work, 'aws-auth.yaml'))
    const run = await cli(['import-aws-auth', 'aws-auth.yaml', '--cluster', 'prod', '--residual', 'left.yaml'])
    expect(run.code).toBe(0)
    expect(run.stdout).toBe(
      readFileSync(join(corpus, 'golden', 'eksctl-get-yaml.manifest.yaml'), 'utf8').replace(
        'aws-auth/eksctl-get-yaml.yaml',
        'aws-auth.yaml',
      ),
    )
    expect(run.stderr).toContain(readFileSync(join(corpus, 'golden', 'eksctl-get-yaml.stderr.txt'), 'utf8'))
    expect(run.stderr).toContain('wrote the aws-auth ConfigMap that should remain to left.yaml')
    expect(parseYaml(read('left.yaml'))).toMatchObject({ kind: 'ConfigMap', metadata: { name: 'aws-auth', namespace: 'kube-system' } })
  })

  it('reads a pipe (- and no FILE alike), --format json', async () => {
    const text = readFileSync(join(corpus, 'get-json.json'), 'utf8')
    const dash = await cli(['import-aws-auth', '-', '--cluster', 'prod', '--format', 'json'], text)
    const none = await cli(['import-aws-auth', '--cluster', 'prod', '--format', 'json'], text)
    expect(dash.code).toBe(0)
    expect(dash.stdout).toBe(readFileSync(join(corpus, 'golden', 'get-json.json'), 'utf8'))
    expect(none.stdout).toBe(dash.stdout)
  })

  it('input it cannot convert: exit 1, nothing on stdout, the location inside mapRoles', async () => {
    copyFileSync(join(corpus, 'bad-yaml-block.yaml'), join(work, 'bad.yaml'))
    const run = await cli(['import-aws-auth', 'bad.yaml', '--cluster', 'prod'])
    expect(run).toMatchObject({ code: 1, stdout: '' })
    expect(run.stderr).toMatch(/^bad\.yaml:12:23: error import:syntax: mapRoles: /)
    const empty = await cli(['import-aws-auth', '--cluster', 'prod'], '')
    expect(empty).toMatchObject({ code: 1, stdout: '' })
    expect(empty.stderr).toMatch(/^<stdin>:1:1: error import:empty: /)
  })

  it('a missing file is exit 2', async () => {
    const run = await cli(['import-aws-auth', 'missing.yaml', '--cluster', 'prod'])
    expect(run).toMatchObject({ code: 2, stdout: '' })
    expect(run.stderr).toContain('cannot read missing.yaml: no such file')
  })
})

describe('iam-policy (bundled CLI)', () => {
  it('prints the policies of the roles the manifest names, in each format', async () => {
    copyFileSync(join(root, 'test', 'onboarding', 'iam', 'manifest.yaml'), join(work, 'eks-access.yaml'))
    const json = await cli(['iam-policy', '--repo', 'acme/platform-access'])
    expect(json.code).toBe(0)
    const roles = JSON.parse(json.stdout) as {
      role: string
      kind: string
      permissions: { Statement: { Action: string | string[]; Resource: string | string[] }[] }
      trust: unknown
    }[]
    expect(roles.map((r) => r.kind)).toEqual(['apply', 'plan', 'apply', 'plan'])
    for (const r of roles) {
      for (const st of r.permissions.Statement) {
        const resources = [st.Resource].flat()
        if (resources.includes('*')) expect(st.Action).toBe('eks:ListAccessPolicies')
      }
    }
    for (const format of ['cloudformation', 'terraform']) {
      const run = await cli(['iam-policy', '--repo', 'acme/platform-access', '--format', format])
      expect(run.code).toBe(0)
      expect(run.stdout.length).toBeGreaterThan(100)
    }
  })

  it('a bad --repo is exit 2 with a clear message', async () => {
    const run = await cli(['iam-policy', '--repo', 'acme'])
    expect(run).toMatchObject({ code: 2, stdout: '' })
    expect(run.stderr).toContain('--repo must look like OWNER/REPO, got "acme"')
  })
})

describe("the README's migration walkthrough, as written", () => {
  const account = '111122223333'
  const arn = (name: string) => `arn:aws:iam::${account}:role/${name}`

  it('steps 3 to 10 against a cluster in API_AND_CONFIG_MAP', async () => {
    const nodeRole = arn('eksctl-prod-nodegroup-ng-1-NodeInstanceRole-1ABCDEF')
    fake?.seedCluster({
      name: 'prod',
      region: 'eu-west-1',
      authenticationMode: 'API_AND_CONFIG_MAP',
      entries: [
        // the cluster creator and a managed node group: entries EKS made itself
        {
          principalArn: arn('cluster-creator'),
          accessPolicies: [
            { policyArn: 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy', accessScope: { type: 'cluster' } },
          ],
        },
        { principalArn: nodeRole, type: 'EC2_LINUX' },
      ],
    })
    // 1. Back up aws-auth (kubectl get cm aws-auth -n kube-system -o yaml > aws-auth.original.yaml)
    copyFileSync(join(corpus, 'eksctl-get-yaml.yaml'), join(work, 'aws-auth.original.yaml'))

    // 3. eks-access-gate export --cluster prod --region eu-west-1 > access/prod.yaml
    const exported = await cli(['export', '--cluster', 'prod', '--region', 'eu-west-1'])
    expect(exported.code).toBe(0)
    write('access/prod.yaml', exported.stdout)

    // 4. eks-access-gate import-aws-auth aws-auth.original.yaml --cluster prod --residual aws-auth.residual.yaml > prod-aws-auth.yaml
    const imported = await cli(['import-aws-auth', 'aws-auth.original.yaml', '--cluster', 'prod', '--residual', 'aws-auth.residual.yaml'])
    expect(imported.code).toBe(0)
    write('prod-aws-auth.yaml', imported.stdout)
    expect(existsSync(join(work, 'aws-auth.residual.yaml'))).toBe(true)
    expect(imported.stderr).toMatch(/^\d+ of \d+ mappings migrated, \d+ need attention$/m)

    // 5. Review: move the imported entries into access/prod.yaml, dropping those the export lists
    const target = parseYaml(read('access/prod.yaml')) as { clusters: Record<string, unknown>; accessEntries: { principalArn: string }[] }
    const incoming = (parseYaml(read('prod-aws-auth.yaml')) as { accessEntries: { principalArn: string }[] }).accessEntries
    const known = new Set(target.accessEntries.map((e) => e.principalArn))
    target.accessEntries.push(...incoming.filter((e) => !known.has(e.principalArn)))
    write('access/prod.yaml', stringifyYaml(target))
    //    eks-access-gate validate --manifest 'access/*.yaml'
    const valid = await cli(['validate', '--manifest', 'access/*.yaml'])
    expect(valid.stdout).toContain('valid')
    expect(valid.code).toBe(0)

    // 6. Plan: each imported entry to create; the node entry EKS made is unchanged
    const plan = await cli(['plan', '--manifest', 'access/*.yaml', '--format', 'json'])
    expect(plan.code).toBe(0)
    const planned = JSON.parse(plan.stdout) as {
      clusters: { cluster: string; changes: { action: string; principalArn: string }[]; notes?: string[]; errors: unknown[] }[]
    }
    const prod = planned.clusters[0]
    expect(prod?.errors).toEqual([])
    const creates = prod?.changes.filter((c) => c.action === 'create').map((c) => c.principalArn)
    expect(creates).toEqual(expect.arrayContaining([arn('platform-admins'), `arn:aws:iam::${account}:user/alice`]))
    expect(creates).not.toContain(nodeRole)
    // the cluster is on API_AND_CONFIG_MAP: the plan says how to finish the migration
    expect(prod?.notes?.[0]).toContain('cluster prod is on API_AND_CONFIG_MAP: aws-auth still grants access')

    // README "Export and state snapshots": the same plan offline from a snapshot
    const snap = await cli(['export', '--cluster', 'prod', '--region', 'eu-west-1', '--format', 'state', '--output', 'state.json'])
    expect(snap.code).toBe(0)
    const offline = await cli(['plan', '--manifest', 'access/*.yaml', '--state', 'state.json', '--format', 'json'])
    expect(offline.code).toBe(0)
    expect((JSON.parse(offline.stdout) as { planHash: string }).planHash).toBe((JSON.parse(plan.stdout) as { planHash: string }).planHash)

    // 10. Switch to API: set authenticationMode: API; the plan shows the irreversible step and explains it
    ;(target.clusters['prod'] as Record<string, unknown>)['authenticationMode'] = 'API'
    write('access/prod.yaml', stringifyYaml(target))
    const toApi = await cli(['plan', '--manifest', 'access/*.yaml'])
    expect(toApi.code).toBe(0)
    expect(toApi.stdout).toContain('authentication mode API_AND_CONFIG_MAP → API (IRREVERSIBLE: EKS never switches back)')
    expect(toApi.stdout).toContain('note: cluster prod: this apply switches API_AND_CONFIG_MAP → API (irreversible)')
  })

  it('step 10 straight from CONFIG_MAP: the plan refuses API and says the way there', async () => {
    fake?.seedCluster({ name: 'legacy', region: 'eu-west-1', authenticationMode: 'CONFIG_MAP' })
    write(
      'eks-access.yaml',
      'version: 1\nclusters:\n  legacy: { region: eu-west-1, accountId: "111122223333", authenticationMode: API }\n' +
        `accessEntries:\n  - principalArn: ${arn('platform-admins')}\n    accessPolicies:\n      - policyArn: AmazonEKSClusterAdminPolicy\n        accessScope: { type: cluster }\n`,
    )
    const run = await cli(['plan'])
    expect(run.code).toBe(1)
    expect(run.stdout).toContain('authenticationMode: API is refused until the cluster is on API_AND_CONFIG_MAP')
  })
})
