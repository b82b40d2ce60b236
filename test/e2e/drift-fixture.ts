/**
 * Issue 12 end-to-end fixture: one cluster in the fake EKS (fixed clock 2026-01-01) whose live
 * state differs from the manifest in every way drift reports, the fake IAM's principals, and a
 * runner for the bundled CLI. Dates are far in the past or future, so no clock is injected into
 * the CLI.
 */
import { execFile } from 'node:child_process'
import { join } from 'node:path'
import type { FakeAws } from '../fake-aws/index.js'

export const ACCOUNT = '111122223333'
export const OTHER = '999988887777'
export const FAKE_NOW = Date.parse('2026-01-01T00:00:00Z')
export const role = (name: string, account = ACCOUNT): string => `arn:aws:iam::${account}:role/${name}`
export const user = (name: string): string => `arn:aws:iam::${ACCOUNT}:user/${name}`
const OWNED = { 'managed-by': 'eks-access-gate' }
const ADMIN = 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy'
const VIEW = 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy'

export const MANIFEST = `version: 1
clusters:
  prod: { region: eu-west-1, accountId: "${ACCOUNT}" }
accessEntries:
  - principalArn: ${role('admins')}
    accessPolicies:
      - policyArn: AmazonEKSClusterAdminPolicy
        accessScope: { type: cluster }
  - principalArn: ${user('dev')}
    kubernetesGroups: [devs]
  - principalArn: ${role('team-a')}
    expiresAt: "2001-01-01"
    accessPolicies:
      - policyArn: AmazonEKSViewPolicy
        accessScope: { type: namespace, namespaces: [team-a] }
  - principalArn: ${role('recreated')}
    expiresAt: "2999-12-31"
`

/** Live: dev's username changed outside the repo, team-a expired, ghost and other unknown; ghost orphaned, recreated stale. */
export function seed(fake: FakeAws): void {
  fake.seedCluster({
    name: 'prod',
    region: 'eu-west-1',
    accountId: ACCOUNT,
    authenticationMode: 'API',
    entries: [
      { principalArn: role('admins'), tags: OWNED, accessPolicies: [{ policyArn: ADMIN, accessScope: { type: 'cluster' } }] },
      { principalArn: user('dev'), tags: OWNED, kubernetesGroups: ['devs'], username: 'intruder' },
      {
        principalArn: role('team-a'),
        tags: OWNED,
        accessPolicies: [{ policyArn: VIEW, accessScope: { type: 'namespace', namespaces: ['team-a'] } }],
      },
      { principalArn: role('recreated'), tags: OWNED },
      { principalArn: role('ghost'), accessPolicies: [{ policyArn: VIEW, accessScope: { type: 'cluster' } }] },
      { principalArn: role('partner', OTHER) },
    ],
  })
  for (const arn of [role('admins'), user('dev'), role('team-a')]) fake.iam.seed({ arn, createDate: '2020-01-01T00:00:00Z' })
  // Deleted and created again after the entry (2026-01-01): EKS bound the entry to the old id.
  fake.iam.seed({ arn: role('recreated'), createDate: '2026-06-01T00:00:00Z' })
}

export interface Run {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

/** The bundled CLI with ambient keys of ACCOUNT, every AWS endpoint at the fake. */
export function runCli(bundleDir: string, fakeUrl: string, cwd: string, args: readonly string[]): Promise<Run> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [join(bundleDir, 'cli', 'index.js'), ...args],
      {
        cwd,
        env: {
          PATH: process.env['PATH'] ?? '',
          AWS_ENDPOINT_URL_EKS: fakeUrl,
          AWS_ENDPOINT_URL_STS: fakeUrl,
          AWS_ENDPOINT_URL_IAM: fakeUrl,
          AWS_ACCESS_KEY_ID: `AKIA${ACCOUNT}TEST`,
          AWS_SECRET_ACCESS_KEY: 'fake-secret-key',
          AWS_REGION: 'eu-west-1',
          AWS_EC2_METADATA_DISABLED: 'true',
        },
      },
      (error, stdout, stderr) => done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    )
  })
}
