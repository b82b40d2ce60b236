import { describe, expect, it } from 'vitest'
import { COLLAPSE_CLUSTERS, REVIEW_MAX_LENGTH, renderReviewComment, type ReviewInput } from '../../../src/plan/render/review.js'
import type { ClusterPlan, Plan } from '../../../src/types.js'
import { changesCase, errorsCase, invalidProblems, largeCase, noChangesCase } from './review-cases.js'
import { demoInput } from './review-fixtures.js'

const MARKER = '<!-- eks-access-gate {"v":2,"head":"0123456"} -->'
const ctx = { marker: MARKER }

/** The list items of the "who gains and who loses" part (they are the only items with before/after lines). */
function rowHeads(md: string): string[] {
  const lines = md.split('\n')
  return lines.filter((l, i) => l.startsWith('- ') && (lines[i + 1] ?? '').startsWith('  before:'))
}

describe('renderReviewComment: what a reviewer reads first', () => {
  it('starts with the marker verbatim, then the title, then one line of counts without zeros', () => {
    const lines = renderReviewComment({ ...demoInput(), context: ctx }).split('\n')
    expect(lines[0]).toBe(MARKER)
    expect(lines[1]).toBe('### eks-access-gate plan')
    expect(lines[3]).toBe(
      '**1 to create · 1 to delete · 3 to associate** · 👑 1 new cluster admin · ⚠️ 3 principals gain access · 🔻 1 principal loses access',
    )
    expect(lines[3]).not.toMatch(/\b0 /)
  })

  it.each([
    ['no changes', noChangesCase(), '**No changes**'],
    ['failed clusters counted', errorsCase(), '**1 to create · 1 to associate** · ⚠️ 1 principal gains access · ❌ 2 clusters not planned'],
  ])('count line: %s', (_name, input, line) => {
    expect(renderReviewComment({ ...input, context: ctx }).split('\n')[3]).toBe(line)
  })

  it('title carries the shard and the head commit', () => {
    const md = renderReviewComment({ ...noChangesCase(), context: { marker: MARKER, shard: 'prod-*', headSha: 'abc1234' } })
    expect(md.split('\n')[1]).toBe('### eks-access-gate plan · shard `prod-*` · at `abc1234`')
  })

  it('shows the notes the caller passes', () => {
    const md = renderReviewComment({
      ...noChangesCase(),
      context: { marker: MARKER, notes: ['The rules file changed in this pull request.'] },
    })
    expect(md).toContain('> [!NOTE]\n> The rules file changed in this pull request.\n')
  })
})

describe('renderReviewComment: who gains and who loses what', () => {
  const md = renderReviewComment({ ...changesCase(), context: ctx })
  const rows = rowHeads(md)

  it('lists each changing principal once per cluster', () => {
    const principals = rows.map((r) => /`([^`]+)`/.exec(r)?.[1])
    expect(principals).toEqual([
      'role/ci-deployer',
      'role/sre-oncall',
      'arn:aws:iam::444455556666:role/auditor',
      'role/batch',
      'role/old-admin',
      'role/viewer',
      'role/dev',
      'role/tagged',
    ])
    expect(new Set(principals).size).toBe(principals.length)
  })

  it('puts escalations first, then access gaps, losses and in-place changes, each marked', () => {
    expect(rows.map((r) => r.split(' ')[1])).toEqual(['⚠️', '⚠️', '⚠️', '⛔', '🔻', '🔻', '🔁', '🏷️'])
    expect(rows[1]).toContain('**becomes cluster admin**')
    expect(rows[2]).toContain('(from another account)')
    expect(rows[3]).toContain('**access gap**')
    expect(rows[4]).toContain('**loses all access**')
    expect(rows[0]).toContain('changed in place')
  })

  it('shows access before and after: policy and scope, groups, username', () => {
    expect(md).toContain(
      '- ⚠️ `role/ci-deployer` **gains access** · changed in place<br>\n' +
        '  before: AmazonEKSEditPolicy in ns `apps`, `apps-canary` · groups `deployers`<br>\n' +
        '  after: **AmazonEKSEditPolicy cluster-wide** · **groups `deployers`, `viewers`**\n',
    )
    expect(md).toContain(
      '  before: AmazonEKSEditPolicy in ns `dev` · username `developer`<br>\n  after: AmazonEKSEditPolicy in ns `dev` · **username `dev-user`**\n',
    )
    expect(md).toContain('  before: AmazonEKSClusterAdminPolicy cluster-wide<br>\n  after: _no access (entry deleted)_\n')
  })

  it('names every cluster admin after the plan, managed or not, new ones marked', () => {
    expect(md).toContain(
      '👑 **Cluster admins after this plan:** `role/cluster-creator` (unmanaged), `role/platform-admins`, `role/sre-oncall` (new)\n',
    )
  })

  it('says so loudly when no cluster admin is left', () => {
    const { plan, observed } = noChangesCase()
    const cluster = plan.clusters[0] as ClusterPlan
    const change = {
      action: 'delete' as const,
      principalArn: 'arn:aws:iam::111122223333:role/platform-admins',
      before: { type: 'STANDARD', kubernetesGroups: [], tags: {} },
      accessPolicies: [],
    }
    const stripped: Plan = { ...plan, clusters: [{ ...cluster, changes: [change] }] }
    expect(renderReviewComment({ plan: stripped, observed, context: ctx })).toContain('👑 **Cluster admins after this plan: ⚠️ none**')
  })

  it('shows the access of unmanaged entries in a collapsed block', () => {
    expect(md).toContain(
      '<details><summary>2 unmanaged entries, left alone</summary>\n\n- `role/cluster-creator`: AmazonEKSClusterAdminPolicy cluster-wide<br>',
    )
    expect(md).toContain('- `role/eks-node`: type `EC2_LINUX` · groups `system:nodes`<br>')
  })

  it('keeps the per-call diff in a collapsed block, as wrapping list items (no code block)', () => {
    expect(md).toContain('<details><summary>11 API calls</summary>')
    expect(md).toContain('- ⛔ replace `role/batch`: type `STANDARD` → `EC2_LINUX`, deleted then re-created (no access in between)')
    expect(md).not.toContain('```')
  })

  it('without the live state, shows what the calls say and says that the rest is unknown', () => {
    const { plan } = changesCase()
    const partial = renderReviewComment({ plan, context: ctx })
    expect(partial).toContain('_(live state not given: unchanged access not shown)_')
    expect(partial).toContain('👑 **Cluster admins after this plan:** not known (no live state given)')
    expect(rowHeads(partial)).toHaveLength(rows.length)
  })

  it('warns of an irreversible authentication-mode step', () => {
    const { plan, observed } = noChangesCase()
    const cluster: ClusterPlan = {
      ...(plan.clusters[0] as ClusterPlan),
      authenticationMode: { from: 'CONFIG_MAP', to: 'API_AND_CONFIG_MAP', irreversible: true },
    }
    const md2 = renderReviewComment({ plan: { ...plan, clusters: [cluster] }, observed, context: ctx })
    expect(md2).toContain('⚠️ **Irreversible:** authentication mode `CONFIG_MAP` → `API_AND_CONFIG_MAP` (EKS never switches back)\n')
    expect(md2.split('\n')[3]).toBe('**⚠️ 1 authentication-mode step**')
    expect(md2).toContain('<br>\n⚠️ authentication-mode step · 1 unchanged\n')
  })

  it('shows access that expires soon when the plan carries it', () => {
    const { plan, observed } = noChangesCase()
    const cluster = {
      ...(plan.clusters[0] as ClusterPlan),
      expiring: [{ principalArn: 'arn:aws:iam::111122223333:role/contractor', expiresAt: '2026-12-01', endsAt: '2026-12-01T23:59:59Z' }],
    }
    const md2 = renderReviewComment({ plan: { ...plan, clusters: [cluster] }, observed, context: ctx })
    expect(md2).toContain('⏳ **Expiring soon**\n\n- `role/contractor`: all access ends `2026-12-01T23:59:59Z`\n')
  })

  it.each([
    [
      'where the cluster stands on one line, the next steps collapsed, quoted commands as code',
      'cluster prod: this apply switches CONFIG_MAP → API_AND_CONFIG_MAP (irreversible). Next: run `eks-access-gate import-aws-auth --residual`, then set API',
      'ℹ️ **Authentication mode:** This apply switches CONFIG\\_MAP → API\\_AND\\_CONFIG\\_MAP \\(irreversible\\).\n\n' +
        '<details><summary>What to do</summary>\n\nNext: run `eks-access-gate import-aws-auth --residual`, then set API\n\n</details>\n',
    ],
    [
      'one sentence: no collapsed part',
      'cluster prod is on API_AND_CONFIG_MAP',
      'ℹ️ **Authentication mode:** This cluster is on API\\_AND\\_CONFIG\\_MAP\n\n####',
    ],
    [
      'a note that does not start with its cluster is shown whole (never split inside a value)',
      'something else. Second `sentence`',
      'ℹ️ **Authentication mode:** something else. Second `sentence`\n\n####',
    ],
  ])('shows authentication-mode guidance per cluster: %s', (_what, note, expected) => {
    const { plan, observed } = noChangesCase()
    const first = plan.clusters[0] as ClusterPlan
    const clusters = [
      { ...first, notes: [note] },
      { ...first, cluster: 'zz' },
    ]
    const md2 = renderReviewComment({ plan: { ...plan, clusters }, observed, context: ctx })
    expect(md2).toContain(expected)
    expect(md2.match(/ℹ️/g)).toHaveLength(1)
  })
})

describe('renderReviewComment: failures', () => {
  it('an invalid state snapshot says so, not that the manifest is invalid', () => {
    const md = renderReviewComment({ problems: invalidProblems, context: { ...ctx, invalidInput: 'state' } })
    expect(md).toContain('❌ **The state snapshot is invalid: nothing was planned.**')
    expect(md).toContain('**Manifest and state snapshot problems: 3 errors, 1 warning**')
    expect(md).not.toContain('The manifest is invalid')
  })

  it('lists the errors of an invalid manifest (file:line:col, code, message) instead of an empty body', () => {
    const md = renderReviewComment({ problems: invalidProblems, context: ctx })
    expect(md).toContain('❌ **The manifest is invalid: nothing was planned.**')
    expect(md).toContain('- ❌ `eks-access.yaml:14:25` `schema:type`: accessScope.type must be one of cluster, namespace')
    expect(md).toContain('**Manifest problems: 3 errors, 1 warning**')
    // errors before warnings
    expect(md.indexOf('⚠️ `eks-access.yaml:30:16`')).toBeGreaterThan(md.indexOf('❌ `teams/alice.yaml:3:18`'))
  })

  it('caps a long problem list and says how to see all', () => {
    const many = Array.from({ length: 120 }, (_, i) => ({ ...invalidProblems[0]!, line: i + 1 }))
    const md = renderReviewComment({ problems: many, context: ctx })
    expect(md).toContain('- …and 70 more (`eks-access-gate validate` lists them all)')
  })

  it('says why a cluster could not be planned and what to do', () => {
    const md = renderReviewComment({ ...errorsCase(), context: ctx })
    expect(md).toContain('❌ **This cluster could not be planned.** Nothing will be applied to it.')
    expect(md).toMatch(/- `AccessDeniedException`: User: .*<br>\n {2}\*\*What to do:\*\* check that the cluster's `planRoleArn` trusts/)
  })
})

describe('renderReviewComment: size', () => {
  it('collapses every cluster beyond the threshold, with counts and escalations in the summary', () => {
    const md = renderReviewComment({ ...largeCase(COLLAPSE_CLUSTERS + 1), context: ctx })
    expect(md).not.toContain('\n#### ')
    expect(md).toMatch(/<details><summary><code>c000<\/code> · \d+ to create.* · ⚠️ \d+ principals? gains? access/)
  })

  it('collapses the rows after the escalations in a cluster with many principals', () => {
    const md = renderReviewComment({ ...changesCase(), context: ctx }, { collapseRows: 3 })
    expect(md).toContain('<details><summary>4 more principals</summary>')
    expect(md.indexOf('role/batch')).toBeLessThan(md.indexOf('<details><summary>4 more principals'))
  })

  const large = (): ReviewInput => ({ ...largeCase(), context: { marker: MARKER, planFileHint: 'the plan-file artifact of this run' } })

  it('keeps a 200-cluster plan under the limit and summarises, never drops, a cluster', () => {
    const input = large()
    const md = renderReviewComment(input)
    expect(md.length).toBeLessThanOrEqual(REVIEW_MAX_LENGTH)
    expect(md.length).toBeLessThanOrEqual(65_536)
    expect(md.length).toBeGreaterThan(REVIEW_MAX_LENGTH - 5_000)
    for (const c of input.plan?.clusters ?? []) expect(md).toMatch(new RegExp(`(<code>|\`)${c.cluster}(</code>|\`)`))
    expect(md).toMatch(
      /Shortened to fit GitHub's comment limit: API calls or unmanaged entries left out for \d+ clusters; \d+ of 200 clusters summarised in one line\./,
    )
    expect(md).toContain('The full plan: the plan-file artifact of this run, or `eks-access-gate plan --format json`.')
    expect(md).toMatch(/\n- `c199`: .*⚠️/)
  })

  it.each([30_000, 10_000, 4_000, 1_500, 200])('never exceeds maxLength %i (UTF-16 code units)', (maxLength) => {
    const md = renderReviewComment(large(), { maxLength })
    expect(md.length).toBeLessThanOrEqual(maxLength)
    expect(md.startsWith(`${MARKER}\n`)).toBe(true)
  })

  it('counts the clusters too many for one line each together, rather than cutting text', () => {
    const md = renderReviewComment(large(), { maxLength: 4_000 })
    expect(md).toMatch(/\n- …and \d+ more clusters: \*\*\d+ to create .*⚠️ \d+ principals gain access.*\n$/)
    expect(md).toMatch(/clusters only counted together\./)
    expect(md).toContain('- `c000`: ')
  })

  it('counts UTF-16 code units: astral characters in values do not break the limit', () => {
    const input = large()
    const plan = input.plan as Plan
    const wide: Plan = { ...plan, clusters: plan.clusters.map((c) => ({ ...c, cluster: `${c.cluster}-${'😀'.repeat(30)}` })) }
    const md = renderReviewComment({ ...input, plan: wide })
    expect(md.length).toBeLessThanOrEqual(REVIEW_MAX_LENGTH)
  })

  it('adds no note when everything fits', () => {
    expect(renderReviewComment({ ...changesCase(), context: ctx })).not.toContain('Shortened')
  })
})
