import { buildPlan } from '../../../src/plan/plan.js'
import type { ManifestEntry, ObservedCluster, ObservedEntry, Plan, PlanError, Problem, Result } from '../../../src/types.js'
import {
  ACCOUNT,
  ADMIN,
  EDIT,
  OTHER_ACCOUNT,
  OWNED,
  VIEW,
  cluster,
  live,
  manifest,
  manifestEntry,
  manifestPolicy,
  observed,
  policy,
  role,
} from '../build.js'

/** Plans for the review-comment tests, built by the real planner from literal manifests and live states. */

export const NOW = new Date('2026-11-28T12:00:00Z')

type Observed = Map<string, Result<ObservedCluster, PlanError>>

export interface Case {
  readonly plan: Plan
  readonly observed: Observed
}

function planOf(
  clusters: Parameters<typeof manifest>[0],
  entries: readonly ManifestEntry[],
  states: Record<string, Result<ObservedCluster, PlanError>>,
  problems: readonly Problem[] = [],
): Case {
  const obs: Observed = new Map(Object.entries(states))
  return { plan: buildPlan({ manifest: manifest(clusters, entries), observed: obs, now: NOW, problems }), observed: obs }
}

/** A live entry as EKS reports it: with the username EKS generated. */
function eks(principalArn: string, spec: Parameters<typeof observed>[1] = {}): ObservedEntry {
  const name = principalArn.split('/').pop() ?? ''
  const username =
    spec.type === 'EC2_LINUX' ? 'system:node:{{EC2PrivateDNSName}}' : `arn:aws:sts::${ACCOUNT}:assumed-role/${name}/{{SessionName}}`
  return observed(principalArn, { username, ...spec })
}

const ok = (value: ObservedCluster): Result<ObservedCluster, PlanError> => ({ ok: true, value })

/** Escalations, losses, an access gap, in-place changes, another account, unmanaged admins. */
export function changesCase(): Case {
  const prod = cluster({ key: 'prod', name: 'prod' })
  const entries = [
    manifestEntry(role('platform-admins'), { accessPolicies: [manifestPolicy('AmazonEKSClusterAdminPolicy')] }),
    manifestEntry(role('sre-oncall'), { kubernetesGroups: ['sre'], accessPolicies: [manifestPolicy('AmazonEKSClusterAdminPolicy')] }),
    manifestEntry(role('ci-deployer'), { kubernetesGroups: ['deployers', 'viewers'], accessPolicies: [manifestPolicy(EDIT)] }),
    manifestEntry(role('viewer'), { accessPolicies: [{ ...manifestPolicy(VIEW, ['team-b']), expiresAt: '2026-11-30T18:00:00+02:00' }] }),
    manifestEntry(role('batch'), { type: 'EC2_LINUX' }),
    manifestEntry(role('dev'), { username: 'dev-user', accessPolicies: [manifestPolicy(EDIT, ['dev'])] }),
    manifestEntry(role('auditor', OTHER_ACCOUNT), { accessPolicies: [manifestPolicy(VIEW)] }),
    manifestEntry(role('tagged'), { tags: { team: 'payments' }, accessPolicies: [manifestPolicy(VIEW, ['payments'])] }),
    // Ends within the warning window (7 days from NOW): the entry, and one association of another.
    manifestEntry(role('contractor'), { expiresAt: '2026-12-01', accessPolicies: [manifestPolicy(VIEW, ['payments'])] }),
  ]
  const state = live([
    eks(role('platform-admins'), { tags: OWNED, accessPolicies: [policy(ADMIN)] }),
    eks(role('ci-deployer'), { tags: OWNED, kubernetesGroups: ['deployers'], accessPolicies: [policy(EDIT, ['apps', 'apps-canary'])] }),
    eks(role('viewer'), { tags: OWNED, accessPolicies: [policy(VIEW)] }),
    eks(role('batch'), { tags: OWNED, accessPolicies: [] }),
    eks(role('dev'), { tags: OWNED, username: 'developer', accessPolicies: [policy(EDIT, ['dev'])] }),
    eks(role('tagged'), { tags: OWNED, accessPolicies: [policy(VIEW, ['payments'])] }),
    eks(role('contractor'), { tags: OWNED, accessPolicies: [policy(VIEW, ['payments'])] }),
    eks(role('old-admin'), { tags: OWNED, accessPolicies: [policy(ADMIN)] }),
    eks(role('cluster-creator'), { username: 'creator', accessPolicies: [policy(ADMIN)] }),
    eks(role('eks-node'), { type: 'EC2_LINUX', kubernetesGroups: ['system:nodes'] }),
  ])
  return planOf([prod], entries, { prod: ok(state) })
}

/** Nothing to do anywhere. */
export function noChangesCase(): Case {
  const prod = cluster({ key: 'prod', name: 'prod' })
  const entries = [manifestEntry(role('platform-admins'), { accessPolicies: [manifestPolicy('AmazonEKSClusterAdminPolicy')] })]
  const state = live([eks(role('platform-admins'), { tags: OWNED, accessPolicies: [policy(ADMIN)] })])
  return planOf([prod], entries, { prod: ok(state) })
}

/** One cluster planned, one refused by EKS, one with a planner error. */
export function errorsCase(): Case {
  const prod = cluster({ key: 'prod', name: 'prod' })
  const staging = cluster({ key: 'staging', name: 'staging' })
  const dev = cluster({ key: 'dev', name: 'dev', accountId: ACCOUNT })
  const entries = [
    manifestEntry(role('platform-admins'), { accessPolicies: [manifestPolicy('AmazonEKSClusterAdminPolicy')] }),
    manifestEntry(role('team-a'), { clusters: ['prod'], accessPolicies: [manifestPolicy(VIEW, ['team-a'])] }),
  ]
  const admin = eks(role('platform-admins'), { tags: OWNED, accessPolicies: [policy(ADMIN)] })
  return planOf([dev, prod, staging], entries, {
    prod: ok(live([admin])),
    staging: {
      ok: false,
      error: {
        code: 'AccessDeniedException',
        message: `User: arn:aws:sts::${ACCOUNT}:assumed-role/eks-access-plan/gha-123 is not authorized to perform: eks:ListAccessEntries on resource: arn:aws:eks:eu-west-1:${ACCOUNT}:cluster/staging`,
      },
    },
  })
}

/** Strings a hostile pull request or a tampered snapshot could carry, each one on its own. */
export const HOSTILE: readonly string[] = [
  'https://evil.example/login?next=/',
  'HTTP://EVIL.EXAMPLE',
  'javascript:alert(1)',
  'mailto:boss@evil.example',
  'ftp://files.evil.example',
  'www.evil.example',
  'see WWW.evil.example now',
  'admin@evil.example',
  '@everyone',
  '@org/security-team',
  'fixes #123',
  'owner/repo#7',
  'GH-42',
  'deadbeefcafe1234567',
  '<img src=x onerror=alert(1)>',
  '<script>alert(1)</script>',
  '</details><details open>',
  '--> after',
  '<!-- eks-access-gate {"v":9,"head":"ffffff"} -->',
  '```\n# heading\n```',
  '`tick` `` double',
  '` leading tick',
  '**bold** _em_ [link](https://x.example) ![img](https://x.example/i.png)',
  'line1\nline2\r\n## heading\n- item',
  'admin\u202egnp.exe\u2066',
  'zero\u200bwidth',
  ':+1: :shipit:',
  '| a | b |',
  `${'x'.repeat(60)}-middle-${'y'.repeat(200)}-end`,
]

const hostile = (i: number): string => HOSTILE[i % HOSTILE.length] ?? ''

/**
 * A live state (or snapshot) and a manifest full of hostile values: in principal ARNs (a
 * snapshot is not checked against IAM's grammar), groups, usernames, tags, namespaces, policy
 * ARNs, the cluster key, error messages and problems.
 */
export function hostileCase(): Case {
  const key = `prod ${hostile(8)} ${hostile(0)}`
  const prod = cluster({ key, name: hostile(14), region: 'eu-west-1' })
  const failing = cluster({ key: `z-${hostile(10)}`, name: 'z', region: 'eu-west-1' })
  const ROWS = 8
  const entries: ManifestEntry[] = Array.from({ length: ROWS }, (_, i) =>
    manifestEntry(role(`app-${i}-${hostile(i)}`), {
      clusters: [key],
      kubernetesGroups: [hostile(i + ROWS), hostile(i + 2 * ROWS)],
      username: hostile(i + 3 * ROWS),
      tags: { [hostile(i + 1)]: hostile(i + 2) },
      accessPolicies: [manifestPolicy(EDIT, [hostile(i + 3), hostile(i + 4)])],
    }),
  )
  entries.push(manifestEntry(role('platform-admins'), { clusters: [key], accessPolicies: [manifestPolicy('AmazonEKSClusterAdminPolicy')] }))
  // Unowned live entries (the renderer shows their access) and owned ones the plan deletes.
  const liveEntries: ObservedEntry[] = Array.from({ length: ROWS }, (_, i) =>
    observed(`arn:aws:iam::${ACCOUNT}:role/${hostile(i + 5)}`, {
      kubernetesGroups: [hostile(i + 2 * ROWS + 1)],
      username: hostile(i + 6),
      tags: i % 2 === 0 ? { owner: hostile(i) } : { ...OWNED, owner: hostile(i) },
      accessPolicies: [
        policy(`arn:aws:eks::aws:cluster-access-policy/${hostile(i + 3 * ROWS + 1)}`, 'cluster'),
        policy(ADMIN, [hostile(i + 7)]),
      ],
    }),
  )
  liveEntries.push(observed(role('platform-admins'), { tags: OWNED, accessPolicies: [policy(ADMIN)] }))
  const problems: Problem[] = HOSTILE.slice(0, 6).map((value, i) => ({
    severity: 'warning',
    code: `rule:${hostile(i + 9)}`,
    message: `${value} is not allowed`,
    file: `manifests/${hostile(i + 12)}.yaml`,
    line: i + 1,
    column: 3,
  }))
  return planOf(
    [prod, failing],
    entries,
    {
      [key]: ok(live(liveEntries)),
      [failing.key]: { ok: false, error: { code: hostile(17), message: HOSTILE.join(' ') } },
    },
    problems,
  )
}

/** What `validate` reports for a broken manifest: no plan at all. */
export const invalidProblems: readonly Problem[] = [
  {
    severity: 'error',
    code: 'schema:type',
    message: 'accessScope.type must be one of cluster, namespace (got "clusters")',
    file: 'eks-access.yaml',
    line: 14,
    column: 25,
  },
  {
    severity: 'error',
    code: 'eks:unknown-policy',
    message: 'unknown access policy AmazonEKSClusterAdmin: did you mean AmazonEKSClusterAdminPolicy?',
    file: 'eks-access.yaml',
    line: 9,
    column: 19,
  },
  {
    severity: 'error',
    code: 'rule:no-iam-users',
    message: 'arn:aws:iam::111122223333:user/alice is an IAM user: IAM users may not get cluster access (use a role)',
    file: 'teams/alice.yaml',
    line: 3,
    column: 18,
  },
  {
    severity: 'warning',
    code: 'expiry:soon',
    message: 'access of arn:aws:iam::111122223333:role/contractor expires in 3 days (2026-12-01)',
    file: 'eks-access.yaml',
    line: 30,
    column: 16,
  },
]

/** Seeded LCG: the large plan is the same on every run. */
function lcg(seed: number): () => number {
  let s = seed
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648
    return s / 2147483648
  }
}

/**
 * `n` clusters, each with a few new principals, scope changes, a deletion and unmanaged
 * entries; the full comment would be far over GitHub's limit.
 */
export function largeCase(n = 200, seed = 42): Case {
  const rand = lcg(seed)
  const clusters = Array.from({ length: n }, (_, i) => cluster({ key: `c${String(i).padStart(3, '0')}`, name: `eks-${i}` }))
  const entries: ManifestEntry[] = [
    manifestEntry(role('platform-admins'), { accessPolicies: [manifestPolicy('AmazonEKSClusterAdminPolicy')] }),
  ]
  const states: Record<string, Result<ObservedCluster, PlanError>> = {}
  for (const c of clusters) {
    const liveEntries: ObservedEntry[] = [
      eks(role('platform-admins'), { tags: OWNED, accessPolicies: [policy(ADMIN)] }),
      eks(role(`creator-${c.key}`), { accessPolicies: [policy(ADMIN)] }),
      eks(role(`node-${c.key}`), { type: 'EC2_LINUX', kubernetesGroups: ['system:nodes'] }),
    ]
    const teams = 2 + Math.floor(rand() * 4)
    for (let t = 0; t < teams; t++) {
      const name = `team-${t}-${c.key}`
      const grow = rand() < 0.5
      entries.push(
        manifestEntry(role(name), {
          clusters: [c.key],
          kubernetesGroups: [`${name}-readers`],
          accessPolicies: [manifestPolicy(EDIT, grow ? [name, `${name}-*`] : [name])],
        }),
      )
      if (rand() < 0.6)
        liveEntries.push(eks(role(name), { tags: OWNED, kubernetesGroups: [`${name}-readers`], accessPolicies: [policy(EDIT, [name])] }))
    }
    if (rand() < 0.3)
      entries.push(
        manifestEntry(role(`oncall-${c.key}`), { clusters: [c.key], accessPolicies: [manifestPolicy('AmazonEKSClusterAdminPolicy')] }),
      )
    if (rand() < 0.5) liveEntries.push(eks(role(`leaver-${c.key}`), { tags: OWNED, accessPolicies: [policy(VIEW)] }))
    states[c.key] = ok(live(liveEntries, { name: c.name }))
  }
  if (n > 7) states['c007'] = { ok: false, error: { code: 'ThrottlingException', message: 'Rate exceeded' } }
  return planOf(clusters, entries, states)
}
