import { authenticationModeGuidance } from '../../../src/onboarding/auth-mode.js'
import type { AccessScope, Change, ClusterPlan, EntryFields, Plan } from '../../../src/types.js'

/**
 * Hand-written Plans for the renderer tests: plain literals, no dependency on the diff.
 * Counts in `summary` follow PRODUCT.md's counting rules for the changes listed.
 */

const P = 'arn:aws:eks::aws:cluster-access-policy/'
const ACCT = '111122223333'
const role = (name: string, account = ACCT): string => `arn:aws:iam::${account}:role/${name}`
const cluster: AccessScope = { type: 'cluster', namespaces: [] }
const ns = (...namespaces: string[]): AccessScope => ({ type: 'namespace', namespaces })
const fields = (f: Partial<EntryFields> = {}): EntryFields => ({
  type: 'STANDARD',
  kubernetesGroups: [],
  tags: {},
  ...f,
})
const OWNED = { 'managed-by': 'eks-access-gate' }

const HASH_FULL = 'a3f1c2e4b5d6978812ab34cd56ef7890a1b2c3d4e5f60718293a4b5c6d7e8f90'
const HASH_EMPTY = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'
const HASH_HOSTILE = '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef'

const prodChanges: Change[] = [
  {
    action: 'update',
    principalArn: role('app-deployer'),
    before: fields({ username: 'deployer', kubernetesGroups: ['deployers'], tags: OWNED }),
    after: fields({ username: 'app-deployer', kubernetesGroups: ['deployers', 'viewers'], tags: { ...OWNED, owner: 'platform' } }),
    updateEntry: true,
    tagsToSet: { owner: 'platform' },
    adopt: false,
  },
  {
    action: 'replace',
    principalArn: role('batch-node'),
    before: fields({ tags: OWNED }),
    after: fields({ type: 'EC2_LINUX', tags: OWNED }),
    accessGap: true,
  },
  {
    action: 'delete',
    principalArn: role('contractor'),
    reason: 'expired',
    expiresAt: '2026-10-31',
    before: fields({ kubernetesGroups: ['contractors'], tags: OWNED }),
    accessPolicies: [{ policyArn: `${P}AmazonEKSEditPolicy`, accessScope: ns('contractors') }],
  },
  {
    action: 'update',
    principalArn: role('legacy-ci'),
    before: fields({ username: 'ci' }),
    after: fields({ username: 'ci', tags: OWNED }),
    updateEntry: false,
    tagsToSet: OWNED,
    adopt: true,
  },
  {
    action: 'disassociate',
    principalArn: role('legacy-ci'),
    policyArn: `${P}AmazonEKSAdminPolicy`,
    accessScope: cluster,
  },
  {
    action: 'create',
    principalArn: role('sre-oncall'),
    after: fields({ kubernetesGroups: ['sre'], tags: { ...OWNED, team: 'sre' } }),
  },
  {
    action: 'associate',
    principalArn: role('sre-oncall'),
    policyArn: `${P}AmazonEKSClusterAdminPolicy`,
    accessScope: cluster,
    inPlace: false,
  },
  {
    action: 'associate',
    principalArn: role('team-a'),
    policyArn: `${P}AmazonEKSEditPolicy`,
    accessScope: cluster,
    previousScope: ns('team-a', 'team-a-*'),
    inPlace: true,
  },
  {
    action: 'create',
    principalArn: role('auditor', '444455556666'),
    after: fields({ tags: OWNED }),
  },
  {
    action: 'associate',
    principalArn: role('auditor', '444455556666'),
    policyArn: `${P}AmazonEKSViewPolicy`,
    accessScope: cluster,
    inPlace: false,
  },
]

const prod: ClusterPlan = {
  cluster: 'prod-eu',
  name: 'prod',
  region: 'eu-west-1',
  accountId: ACCT,
  authenticationMode: { from: 'CONFIG_MAP', to: 'API_AND_CONFIG_MAP', irreversible: true },
  // The guidance the diff adds for this step (src/onboarding/auth-mode.ts), verbatim.
  notes: [authenticationModeGuidance('prod-eu', 'CONFIG_MAP', 'API_AND_CONFIG_MAP')?.note ?? ''],
  changes: prodChanges,
  errors: [],
  effects: [
    { principalArn: role('app-deployer'), kind: 'groups-added', escalation: true, detail: 'joins group viewers' },
    { principalArn: role('batch-node'), kind: 'access-gap', escalation: false, detail: 'type STANDARD → EC2_LINUX' },
    { principalArn: role('contractor'), kind: 'access-removed', escalation: false, detail: 'expired 2026-10-31' },
    { principalArn: role('legacy-ci'), kind: 'policy-revoked', escalation: false, detail: 'AmazonEKSAdminPolicy' },
    {
      principalArn: role('sre-oncall'),
      kind: 'cluster-admin-granted',
      escalation: true,
      detail: 'AmazonEKSClusterAdminPolicy at cluster scope',
    },
    { principalArn: role('sre-oncall'), kind: 'new-principal', escalation: false, detail: 'new access entry' },
    {
      principalArn: role('team-a'),
      kind: 'scope-widened',
      escalation: true,
      detail: 'AmazonEKSEditPolicy: namespaces team-a, team-a-* → cluster',
    },
    {
      principalArn: role('auditor', '444455556666'),
      kind: 'other-account-principal',
      escalation: true,
      detail: 'account 444455556666 is not the cluster account 111122223333',
    },
  ],
  unmanaged: [
    { principalArn: role('cluster-creator'), type: 'STANDARD', reason: 'unowned' },
    { principalArn: role('eks-nodegroup-role'), type: 'EC2_LINUX', reason: 'node-type' },
  ],
  unchanged: 2,
}

const staging: ClusterPlan = {
  cluster: 'staging-eu',
  name: 'staging-eu',
  region: 'eu-west-1',
  accountId: ACCT,
  changes: [],
  errors: [
    {
      code: 'AccessDeniedException',
      message: `User: arn:aws:sts::${ACCT}:assumed-role/eks-access-plan/gha is not authorized to perform: eks:ListAccessEntries`,
    },
  ],
  effects: [],
  unmanaged: [],
  unchanged: 0,
}

const dev: ClusterPlan = {
  cluster: 'dev-us',
  name: 'dev',
  region: 'us-east-1',
  accountId: '777788889999',
  changes: [],
  errors: [],
  effects: [],
  unmanaged: [{ principalArn: role('experiments', '777788889999'), type: 'STANDARD', reason: 'prune-none' }],
  unchanged: 3,
}

/** Every change kind, an in-place scope change, expiry, an auth-mode step, a failing cluster, escalations. */
export const fullPlan: Plan = {
  version: 1,
  summary: { create: 2, update: 2, replace: 1, delete: 1, associate: 3, disassociate: 1, unchanged: 5 },
  clusters: [dev, prod, staging],
  problems: [
    {
      severity: 'warning',
      code: 'expiry:soon',
      message: `access of ${role('team-a')} expires in 3 days (2026-11-30)`,
      file: 'eks-access.yaml',
      line: 24,
      column: 5,
    },
  ],
  manifestCommit: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678',
  planHash: HASH_FULL,
}

export const emptyPlan: Plan = {
  version: 1,
  summary: { create: 0, update: 0, replace: 0, delete: 0, associate: 0, disassociate: 0, unchanged: 0 },
  clusters: [],
  problems: [],
  planHash: HASH_EMPTY,
}

/** Strings a hostile pull request could put in a manifest or provoke in an error message. */
export const HOSTILE = {
  pipe: 'a|b||c',
  backticks: 'x`y``z',
  fence: '```\n# escaped?\n```',
  script: '<script>alert(1)</script>',
  commentEnd: '--> <!-- -->',
  newlines: 'line1\nline2\r\n## heading\n| a | b |',
  markdown: '*bold* _it_ [link](https://evil.example) ![img](x) ~~s~~ # h \\',
  html: '<img src=x onerror=alert(1)> &amp; <details>',
  ansi: '\u001b[31mred\u001b[0m\u0007',
  bidi: 'admin\u202Egnp.exe\u2066',
  mention: '@everyone @org/security #1',
} as const

const h = HOSTILE
const hostileChanges: Change[] = [
  {
    action: 'create',
    principalArn: `arn:aws:iam::${ACCT}:role/${h.pipe}${h.backticks}${h.script}`,
    after: fields({
      username: `${h.markdown}${h.mention}`,
      kubernetesGroups: [h.fence, h.newlines],
      tags: { [h.commentEnd]: h.html, [h.ansi]: h.bidi },
    }),
  },
  {
    action: 'associate',
    principalArn: `arn:aws:iam::${ACCT}:role/${h.pipe}${h.backticks}${h.script}`,
    policyArn: `arn:aws:eks::aws:cluster-access-policy/${h.fence}`,
    accessScope: ns(h.fence, h.commentEnd, h.newlines),
    inPlace: false,
  },
  {
    action: 'update',
    principalArn: role(h.newlines),
    before: fields({ username: h.ansi, kubernetesGroups: [h.script] }),
    after: fields({ username: h.bidi, kubernetesGroups: [h.script, h.markdown] }),
    updateEntry: true,
    tagsToSet: { [h.pipe]: h.fence },
    adopt: false,
  },
  {
    action: 'replace',
    principalArn: role(h.commentEnd),
    before: fields({ type: h.html }),
    after: fields({ type: h.fence }),
    accessGap: true,
    reason: 'expired',
    expiresAt: h.newlines,
  },
]

export const hostilePlan: Plan = {
  version: 1,
  summary: { create: 1, update: 1, replace: 1, delete: 0, associate: 1, disassociate: 0, unchanged: 0 },
  clusters: [
    {
      cluster: `${h.pipe}${h.script}`,
      name: h.backticks,
      region: h.newlines,
      accountId: h.commentEnd,
      changes: hostileChanges,
      errors: [{ code: h.pipe, message: `${h.newlines}${h.fence}${h.commentEnd}${h.ansi}` }],
      effects: [{ principalArn: h.mention, kind: 'cluster-admin-granted', escalation: true, detail: `${h.script}${h.newlines}` }],
      unmanaged: [{ principalArn: `${h.newlines}${h.fence}`, type: h.markdown, reason: 'unowned' }],
      unchanged: 0,
    },
  ],
  problems: [{ severity: 'error', code: h.pipe, message: `${h.newlines}${h.script}`, file: h.commentEnd, line: 1, column: 2 }],
  manifestCommit: `${h.commentEnd}${h.backticks}`,
  planHash: HASH_HOSTILE,
}

/**
 * A plan with `changes` associate changes spread over `clusters` clusters; every
 * `escalationEvery`-th change of a cluster also has an escalating effect.
 */
export function bigPlan(changes: number, clusters = 1, escalationEvery = 1000): Plan {
  const per = Math.ceil(changes / clusters)
  const clusterPlans: ClusterPlan[] = []
  for (let c = 0; c < clusters; c++) {
    const count = Math.min(per, changes - c * per)
    const list: Change[] = []
    for (let i = 0; i < count; i++) {
      list.push({
        action: 'associate',
        principalArn: role(`team-${String(c).padStart(4, '0')}-${String(i).padStart(5, '0')}`),
        policyArn: `${P}AmazonEKSEditPolicy`,
        accessScope: ns(`ns-${i}`),
        inPlace: false,
      })
    }
    clusterPlans.push({
      cluster: `cluster-${String(c).padStart(4, '0')}`,
      name: `eks-${c}`,
      region: 'eu-west-1',
      accountId: ACCT,
      changes: list,
      errors: [],
      effects: list
        .filter((_, i) => i % escalationEvery === 0)
        .map((ch) => ({ principalArn: ch.principalArn, kind: 'policy-granted' as const, escalation: true, detail: 'AmazonEKSEditPolicy' })),
      unmanaged: [],
      unchanged: 1,
    })
  }
  return {
    version: 1,
    summary: { create: 0, update: 0, replace: 0, delete: 0, associate: changes, disassociate: 0, unchanged: clusters },
    clusters: clusterPlans,
    problems: [],
    planHash: HASH_FULL,
  }
}

export const SAMPLES = { full: fullPlan, empty: emptyPlan, hostile: hostilePlan } as const
