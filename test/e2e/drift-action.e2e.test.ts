import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startFakeAws, type FakeAws } from '../fake-aws/index.js'
import { prepareRunner, runBundledAction, startFakeGitHub, type FakeGitHub } from '../fake-github/index.js'
import { useBundle } from './bundle.js'
import { ACCOUNT, FAKE_NOW, role, user } from './drift-fixture.js'

/**
 * The bundled ACTION with `command: drift` on a schedule, against the fake GitHub and fake AWS:
 * drift appears (the issue is opened), changes (the same issue is updated in place), and is gone
 * (the issue is closed with a comment).
 *
 * The drift command returns the write as data (`{kind: 'issue', title: 'EKS access drift', body:
 * <Markdown beginning with <!-- eks-access-gate:drift -->>, labels: ['eks-access-drift'], state:
 * 'open' | 'closed'}`) and src/github/publish.ts performs it. The runs of the first block already
 * open and close an issue; a drift that comes back later opens a new one (the closed issue is the
 * record of the earlier episode), so the second block follows the issue its first run opened.
 */
const TOKEN = 'ghs_driftE2eTokenThatMustNeverBePrinted'
const OWNED = { 'managed-by': 'eks-access-gate' }
const ADMIN = 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy'
const MANIFEST = `version: 1
clusters:
  prod: { region: eu-west-1, accountId: "${ACCOUNT}" }
accessEntries:
  - principalArn: ${role('admins')}
    accessPolicies:
      - policyArn: AmazonEKSClusterAdminPolicy
        accessScope: { type: cluster }
  - principalArn: ${user('dev')}
    kubernetesGroups: [devs]
`

let bundle: { dir: string; cleanup: () => void }
let aws: FakeAws
let gh: FakeGitHub
let workspace: string

beforeAll(async () => {
  bundle = useBundle()
  workspace = mkdtempSync(join(tmpdir(), 'eag-drift-action-'))
  writeFileSync(join(workspace, 'eks-access.yaml'), MANIFEST)
  aws = await startFakeAws({ now: () => FAKE_NOW })
  gh = await startFakeGitHub({ tokens: { [TOKEN]: { access: 'read-write' } } })
  for (const arn of [role('admins'), user('dev')]) aws.iam.seed({ arn, createDate: '2020-01-01T00:00:00Z' })
})
afterAll(async () => {
  await aws?.close()
  await gh?.close()
  bundle.cleanup()
  rmSync(workspace, { recursive: true, force: true })
})

function seedLive(devOver: { username?: string; kubernetesGroups?: string[] }): void {
  aws.seedCluster({
    name: 'prod',
    region: 'eu-west-1',
    accountId: ACCOUNT,
    authenticationMode: 'API',
    entries: [
      { principalArn: role('admins'), tags: OWNED, accessPolicies: [{ policyArn: ADMIN, accessScope: { type: 'cluster' } }] },
      { principalArn: user('dev'), tags: OWNED, kubernetesGroups: ['devs'], ...devOver },
    ],
  })
}

async function runDrift(failOnDrift = false) {
  const runner = prepareRunner({
    eventName: 'schedule',
    event: { schedule: '17 6 * * *', repository: { full_name: 'acme/infra', default_branch: 'main' } },
    workspace,
    inputs: { command: 'drift', manifest: 'eks-access.yaml', 'github-token': TOKEN, comment: 'true', 'fail-on-drift': String(failOnDrift) },
    env: {
      ...gh.actionEnv({ idToken: false }),
      AWS_ENDPOINT_URL_EKS: aws.url,
      AWS_ENDPOINT_URL_STS: aws.url,
      AWS_ENDPOINT_URL_IAM: aws.url,
      AWS_ACCESS_KEY_ID: `AKIA${ACCOUNT}TEST`,
      AWS_SECRET_ACCESS_KEY: 'fake-secret-key',
      AWS_REGION: 'eu-west-1',
      AWS_EC2_METADATA_DISABLED: 'true',
    },
  })
  try {
    return await runBundledAction(join(bundle.dir, 'index.js'), runner)
  } finally {
    runner.cleanup()
  }
}

const driftIssues = () => gh.issues().filter((i) => i.labels.includes('eks-access-drift'))
const openDriftIssues = () => driftIssues().filter((i) => i.state === 'open')

describe('the drift action today: outputs, summary, fail-on-drift', () => {
  it('sets the drift outputs and writes the Markdown report to the summary', async () => {
    seedLive({ username: 'intruder' })
    const run = await runDrift()
    expect(run.status).toBe(0)
    expect(run.outputs).toMatchObject({ drift: 'true', 'drift-changed': '1', 'drift-unknown': '0', 'drift-pending': '0' })
    expect(run.summary).toContain('<!-- eks-access-gate:drift -->\n## EKS access drift')
  })

  it('fail-on-drift fails the step when drift exists, not when it is gone', async () => {
    seedLive({ username: 'intruder' })
    const failing = await runDrift(true)
    expect(failing.status).toBe(1)
    expect(failing.commands.some((c) => c.startsWith('::error::drift: 1 changed outside the repo'))).toBe(true)
    seedLive({ username: user('dev') })
    const clean = await runDrift(true)
    expect(clean.status).toBe(0)
    expect(clean.outputs['drift']).toBe('false')
  })
})

describe('the scheduled drift action keeps one issue', () => {
  let opened = 0
  it('opens the issue when drift appears', async () => {
    seedLive({ username: 'intruder' })
    const known = new Set(driftIssues().map((i) => i.number))
    expect(openDriftIssues()).toEqual([])
    const run = await runDrift()
    expect(run.status).toBe(0)
    expect(run.outputs).toMatchObject({ drift: 'true', 'drift-changed': '1', 'drift-unknown': '0', 'drift-pending': '0' })
    expect(run.summary).toContain('<!-- eks-access-gate:drift -->')
    const issues = driftIssues().filter((i) => !known.has(i.number))
    expect(issues).toHaveLength(1)
    expect(openDriftIssues()).toEqual(issues)
    expect(issues[0]).toMatchObject({ state: 'open', title: 'EKS access drift' })
    expect(issues[0]!.body.split('\n')[0]).toBe('<!-- eks-access-gate:drift -->')
    expect(issues[0]!.body).toContain(user('dev'))
    expect(`${run.stdout}${run.stderr}`).not.toContain(TOKEN)
    opened = issues[0]!.number
  })

  it('updates the same issue in place while drift lasts', async () => {
    seedLive({ username: 'intruder', kubernetesGroups: ['devs', 'admins'] })
    const before = openDriftIssues()[0]!.body // the fake hands out live objects: keep the text
    expect(before).not.toContain('admins')
    const run = await runDrift()
    expect(run.status).toBe(0)
    const issues = openDriftIssues()
    expect(issues).toHaveLength(1)
    expect(issues[0]!.number).toBe(opened)
    expect(issues[0]!.body).not.toBe(before)
    expect(issues[0]!.body.split('\n')[0]).toBe('<!-- eks-access-gate:drift -->')
    expect(issues[0]!.body).toContain('admins')
  })

  it('closes the issue with a comment when the drift is gone', async () => {
    seedLive({ username: user('dev') })
    const run = await runDrift()
    expect(run.status).toBe(0)
    expect(run.outputs).toMatchObject({ drift: 'false', 'drift-changed': '0', 'drift-unknown': '0', 'drift-pending': '0' })
    expect(openDriftIssues()).toEqual([])
    const issue = driftIssues().find((i) => i.number === opened)
    expect(issue).toMatchObject({ state: 'closed' })
    const comments = gh.comments(opened)
    expect(comments).toHaveLength(1)
    expect(comments[0]!.body).toMatch(/no drift/)
  })
})
