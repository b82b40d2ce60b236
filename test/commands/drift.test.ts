import { describe, expect, it } from 'vitest'
import { driftCommand, DRIFT_ISSUE_TITLE } from '../../src/commands/drift.js'
import type { DriftRequest } from '../../src/config/requests.js'
import { DRIFT_LABEL, DRIFT_MARKER } from '../../src/drift/index.js'
import { exitCodeOf } from '../../src/outcome.js'
import type { ObservedEntry } from '../../src/types.js'
import { ADMIN_POLICY, cluster, deps, entry, iamPort, role, user, VIEW_POLICY, workdir } from './drift-support.js'

/**
 * The drift command over in-memory EKS and IAM ports (fixed clock 2026-06-15): one manifest, live
 * states that differ from it in one way each, and the verdicts, outputs and the issue write.
 */
const MANIFEST = `version: 1
clusters:
  prod: { region: eu-west-1, accountId: "111122223333" }
accessEntries:
  - principalArn: arn:aws:iam::111122223333:role/admins
    accessPolicies:
      - policyArn: AmazonEKSClusterAdminPolicy
        accessScope: { type: cluster }
  - principalArn: arn:aws:iam::111122223333:user/dev
    kubernetesGroups: [devs]
`
const admins = (): ObservedEntry =>
  entry(role('admins'), { accessPolicies: [{ policyArn: ADMIN_POLICY, accessScope: { type: 'cluster', namespaces: [] } }] })
const dev = (over: Partial<ObservedEntry> = {}): ObservedEntry => entry(user('dev'), { kubernetesGroups: ['devs'], ...over })

function request(over: Partial<DriftRequest> = {}): DriftRequest {
  return {
    command: 'drift',
    manifest: 'eks-access.yaml',
    rules: { path: '.github/eks-access-rules.yaml', explicit: false },
    failOnDrift: false,
    expiryWarningDays: 7,
    format: 'json',
    color: false,
    assumeRoles: false,
    clusterTimeoutSeconds: 300,
    ...over,
  }
}

const everyoneExists = {
  [role('admins')]: '2020-01-01T00:00:00Z',
  [user('dev')]: '2020-01-01T00:00:00Z',
  [role('ghost')]: '2020-01-01T00:00:00Z',
  [role('new')]: '2020-01-01T00:00:00Z',
}

describe('drift: classification, outputs and the issue write', () => {
  it.each([
    ['no drift', MANIFEST, [admins(), dev()], { changed: 0, unknown: 0, pending: 0 }],
    [
      'groups changed outside the repo',
      MANIFEST,
      [admins(), dev({ kubernetesGroups: ['devs', 'admins'] })],
      { changed: 1, unknown: 0, pending: 0 },
    ],
    ['username changed outside the repo', MANIFEST, [admins(), dev({ username: 'intruder' })], { changed: 1, unknown: 0, pending: 0 }],
    [
      'owned entry deleted outside the repo: pending (the next apply creates it)',
      MANIFEST,
      [admins()],
      { changed: 0, unknown: 0, pending: 1 },
    ],
    [
      'unknown access: an unowned entry the manifest does not name',
      MANIFEST,
      [
        admins(),
        dev(),
        entry(role('ghost'), { tags: {}, accessPolicies: [{ policyArn: VIEW_POLICY, accessScope: { type: 'cluster', namespaces: [] } }] }),
      ],
      { changed: 0, unknown: 1, pending: 0 },
    ],
    [
      'pending: the manifest names a new principal',
      `${MANIFEST}  - principalArn: arn:aws:iam::111122223333:role/new\n`,
      [admins(), dev()],
      { changed: 0, unknown: 0, pending: 1 },
    ],
    [
      'expired access: pending removal, never a failure',
      MANIFEST.replace('kubernetesGroups: [devs]', 'kubernetesGroups: [devs]\n    expiresAt: "2001-01-01"'),
      [admins(), dev()],
      { changed: 0, unknown: 0, pending: 1 },
    ],
  ] as const)('%s', async (_name, manifest, live, counts) => {
    const dir = workdir({ 'eks-access.yaml': manifest })
    const drifted = counts.changed + counts.unknown + counts.pending > 0
    const d = deps(dir, [cluster(live)], iamPort(everyoneExists))
    const outcome = await driftCommand(request(), d)
    expect(outcome.status).toBe('ok')
    expect(outcome.outputs).toEqual({
      drift: String(drifted),
      'drift-changed': String(counts.changed),
      'drift-unknown': String(counts.unknown),
      'drift-pending': String(counts.pending),
    })
    expect(JSON.parse(outcome.stdout ?? '')).toMatchObject({ drift: drifted, counts })
    expect(outcome.writes).toEqual([
      { kind: 'issue', title: DRIFT_ISSUE_TITLE, body: outcome.summary, labels: [DRIFT_LABEL], state: drifted ? 'open' : 'closed' },
    ])
    expect(outcome.summary?.split('\n')[0]).toBe(DRIFT_MARKER)
    // --fail-on-drift: exit 1 exactly when drift exists
    const failing = await driftCommand(request({ failOnDrift: true }), d)
    expect(exitCodeOf(failing)).toBe(drifted ? 1 : 0)
    if (drifted) expect(failing).toMatchObject({ status: 'failed', failureReason: 'drift' })
  })

  it('an expired entry is removed as pending with reason "expired" and a warning, not an error', async () => {
    const dir = workdir({
      'eks-access.yaml': MANIFEST.replace('kubernetesGroups: [devs]', 'kubernetesGroups: [devs]\n    expiresAt: "2001-01-01"'),
    })
    const outcome = await driftCommand(request(), deps(dir, [cluster([admins(), dev()])], iamPort(everyoneExists)))
    const report = JSON.parse(outcome.stdout ?? '')
    expect(report.pending[0].changes).toMatchObject([
      { action: 'delete', principalArn: user('dev'), reason: 'expired', expiresAt: '2001-01-01' },
    ])
    expect(outcome.problems).toMatchObject([{ severity: 'warning', code: 'expiry:expired' }])
    expect(outcome.problems[0]?.message).toContain('expired on 2001-01-02T00:00:00Z')
    expect(outcome.problems[0]?.message).toContain('access removed by the next apply; delete the entry from the manifest')
  })

  it.each(['text', 'markdown', 'json'] as const)('--format %s prints that rendering; the summary is always Markdown', async (format) => {
    const dir = workdir({ 'eks-access.yaml': MANIFEST })
    const outcome = await driftCommand(
      request({ format }),
      deps(dir, [cluster([admins(), dev({ username: 'intruder' })])], iamPort(everyoneExists)),
    )
    const first = (outcome.stdout ?? '').split('\n')[0]
    expect(first).toBe({ text: 'Drift: 1 changed outside the repo, 0 unknown, 0 pending', markdown: DRIFT_MARKER, json: '{' }[format])
    expect(outcome.summary?.startsWith(`${DRIFT_MARKER}\n## EKS access drift`)).toBe(true)
  })

  it('reports orphaned and stale principals (one IAM read per principal) and notes other accounts as not checked', async () => {
    const dir = workdir({ 'eks-access.yaml': MANIFEST })
    const calls: string[] = []
    const iam = iamPort({ [role('admins')]: '2020-01-01T00:00:00Z', [user('dev')]: '2026-03-01T00:00:00Z' }, calls)
    const live = [admins(), dev(), entry(role('gone'), { tags: {} }), entry(role('x', '999988887777'), { tags: {} })]
    const outcome = await driftCommand(request(), deps(dir, [cluster(live)], iam))
    const report = JSON.parse(outcome.stdout ?? '')
    expect(report.dead.map((d: { kind: string; principalArn: string }) => [d.kind, d.principalArn])).toEqual([
      ['orphaned', role('gone')],
      ['stale', user('dev')],
    ])
    expect(calls.sort()).toEqual([role('admins'), role('gone'), user('dev')].sort())
    // the orphaned entry is live only: reported at its cluster's key; the stale one at its principalArn
    expect(outcome.problems.map((p) => [p.code, p.line, p.column])).toEqual([
      ['dead-access:orphaned', 3, 3],
      ['dead-access:stale', 9, 19],
    ])
    expect(outcome.notes.map((n) => n.message)).toEqual([
      "dead access not checked for 1 entry on prod: principals of other accounts (the plan role reads its own account's IAM only)",
    ])
  })

  it('offline (--state): no IAM, with a note', async () => {
    const dir = workdir({
      'eks-access.yaml': MANIFEST,
      'state.json': JSON.stringify({ version: 1, clusters: [cluster([admins(), dev()].map(({ createdAt: _c, ...e }) => e))] }),
    })
    const outcome = await driftCommand(request({ state: 'state.json' }), deps(dir, [], iamPort({})))
    expect(outcome.status).toBe('ok')
    expect(outcome.outputs.drift).toBe('false')
    expect(outcome.notes.map((n) => n.message)).toEqual([
      'dead access not checked: IAM is not read when planning from a state snapshot (--state)',
    ])
  })

  it('a cluster that cannot be read fails the run and does not close the issue', async () => {
    const dir = workdir({ 'eks-access.yaml': MANIFEST })
    const outcome = await driftCommand(request(), deps(dir, [], iamPort({})))
    expect(outcome).toMatchObject({ status: 'failed', failureReason: 'cluster-errors' })
    expect(outcome.writes).toEqual([])
    expect(outcome.outputs.drift).toBe('false')
  })

  it('an invalid manifest is exit 1 with located problems and no AWS read', async () => {
    const dir = workdir({ 'eks-access.yaml': MANIFEST.replace('[devs]', '[system:masters]') })
    const outcome = await driftCommand(request(), deps(dir, [], iamPort({})))
    expect(exitCodeOf(outcome)).toBe(1)
    expect(outcome.stderr).toMatch(/eks-access\.yaml:\d+:\d+: error /)
    expect(outcome.writes).toEqual([])
  })

  it('a missing manifest is a usage error (exit 2)', async () => {
    const dir = workdir({})
    expect(exitCodeOf(await driftCommand(request(), deps(dir, [], iamPort({}))))).toBe(2)
  })
})
