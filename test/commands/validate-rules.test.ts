import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { CommandDeps } from '../../src/commands/deps.js'
import { plan } from '../../src/commands/plan.js'
import { rulesOptions } from '../../src/commands/rules-options.js'
import { validate } from '../../src/commands/validate.js'
import { actionRequest, parseActionInputs } from '../../src/config/index.js'
import type { PlanRequest, RulesRef, ValidateRequest } from '../../src/config/requests.js'
import type { GitReader } from '../../src/git/show.js'
import { validateManifests } from '../../src/manifest/validate.js'
import { expectGolden } from '../cli/golden.js'
import { createTrees, RELAXED_RULES, STRICT_RULES } from '../support/rules-trees.js'

/**
 * validate and plan with organisation rules, through the real validate stage: text, JSON, summary and
 * notes; on a pull request the base commit's rules decide and the PR's change is announced.
 */
const NOW = new Date('2026-11-15T12:00:00Z')
const BASE = 'c'.repeat(40)
const RULES = '.github/eks-access-rules.yaml'
const golden = join(import.meta.dirname, 'golden')

const trees = createTrees('eag-rules-cmd-')
afterAll(trees.cleanup)
const tree = trees.tree

const MANIFEST = [
  'version: 1',
  'clusters:',
  '  prod-eu:',
  '    region: eu-west-1',
  '    accountId: "111122223333"',
  'accessEntries:',
  '  - principalArn: arn:aws:iam::111122223333:role/platform-admin',
  '    clusters: [prod-eu]',
  '    tags: { owner: platform }',
  '    accessPolicies:',
  '      - policyArn: AmazonEKSClusterAdminPolicy',
  '        accessScope: { type: cluster }',
  '  - principalArn: arn:aws:iam::111122223333:user/alice',
  '    clusters: [prod-eu]',
  '    tags: { owner: team-a }',
  '    accessPolicies:',
  '      - policyArn: AmazonEKSViewPolicy',
  '        accessScope: { type: cluster }',
  '',
].join('\n')
const STRICT = STRICT_RULES
const RELAXED = RELAXED_RULES

function deps(cwd: string, baseRules?: CommandDeps['baseRules']): CommandDeps {
  const unused = (): never => {
    throw new Error('no AWS in these tests')
  }
  return {
    cwd,
    env: {},
    now: () => NOW,
    logger: { info: () => {}, warning: () => {}, error: () => {}, debug: () => {} },
    isFile: () => false,
    validate: validateManifests,
    eks: unused,
    eksForCluster: unused,
    ...(baseRules === undefined ? {} : { baseRules }),
  }
}

const request = (rules: RulesRef, format: 'text' | 'json' = 'text'): ValidateRequest => ({
  command: 'validate',
  manifest: 'eks-access.yaml',
  rules,
  expiryWarningDays: 7,
  format,
  color: false,
})
const workspace: RulesRef = { path: RULES, explicit: false }

/** git holding only the base commit. */
const gitWith = (files: Record<string, string>): GitReader => ({
  hasCommit: async (sha) => sha === BASE,
  readFileAt: async (sha, path) => {
    if (sha !== BASE) return { kind: 'failed', message: 'not here' }
    const text = files[path]
    return text === undefined ? { kind: 'absent' } : { kind: 'found', bytes: new TextEncoder().encode(text) }
  },
})

describe('validate with organisation rules', () => {
  it('prints a violation as FILE:LINE:COL: error rule:<id>: MESSAGE with its source line, and fails', async () => {
    const cwd = tree({ 'eks-access.yaml': MANIFEST, [RULES]: STRICT })
    const out = await validate(request(workspace), deps(cwd))
    expect(out.status).toBe('invalid')
    expect(out.message).toBe('manifest invalid: 1 error, 0 warnings in 1 file')
    expect(out.stdout).toBe(
      [
        'eks-access.yaml:13:19: error rule:no-iam-users: Grant access to a role: principal "arn:aws:iam::111122223333:user/alice" matches denied pattern "arn:aws:iam::*:user/*"',
        '  13 |   - principalArn: arn:aws:iam::111122223333:user/alice',
        '     |                   ^',
        '',
        '1 error, 0 warnings in 1 file',
        '',
      ].join('\n'),
    )
    expect(out.notes).toEqual([])
    expect(out.summary).toContain('| error | eks-access.yaml:\u206013:\u206019 | rule:\u2060no-iam-users |')
  })

  it('passes with warnings only (exit 0), and lists them in JSON', async () => {
    const cwd = tree({
      'eks-access.yaml': MANIFEST.replace('user/alice', 'role/alice').replace('    tags: { owner: team-a }\n', ''),
      [RULES]: STRICT,
    })
    const out = await validate(request(workspace, 'json'), deps(cwd))
    expect(out.status).toBe('ok')
    expect(JSON.parse(out.stdout ?? '')).toEqual({
      ok: true,
      problems: [
        {
          severity: 'warning',
          code: 'rule:owner',
          message: 'missing required tag "owner"',
          file: 'eks-access.yaml',
          line: 13,
          column: 5,
        },
      ],
    })
  })

  it('a broken rules file: its problems with excerpts from the rules file, exit 1', async () => {
    const broken = STRICT.replace('kind: denied-principals', 'kind: denied-principal')
    const cwd = tree({ 'eks-access.yaml': MANIFEST, [RULES]: broken })
    const out = await validate(request(workspace), deps(cwd))
    expect(out.status).toBe('invalid')
    expect(out.stdout).toMatch(
      /^\.github\/eks-access-rules\.yaml:4:11: error schema:enum: rule "no-iam-users": invalid kind "denied-principal"/,
    )
    expect(out.stdout).toContain('  4 |     kind: denied-principal\n    |           ^\n')
    expect(out.stdout).toMatch(/1 error, 0 warnings in 1 file\n$/)
  })

  it('a missing --rules file is usage (exit 2)', async () => {
    const cwd = tree({ 'eks-access.yaml': MANIFEST })
    const out = await validate(request({ path: 'rules.yaml', explicit: true }), deps(cwd))
    expect(out.status).toBe('usage')
    expect(out.message).toMatch(/^rules file "rules\.yaml" not found/)
  })
})

describe('validate on a pull request', () => {
  const pr: RulesRef = { path: RULES, explicit: false, atBase: { event: 'pull_request', sha: BASE } }

  it('fails on the base rules although the PR relaxes them, and announces the change (golden summary)', async () => {
    const cwd = tree({ 'eks-access.yaml': MANIFEST, [RULES]: RELAXED })
    const out = await validate(request(pr), deps(cwd, { git: gitWith({ [RULES]: STRICT }) }))
    expect(out.status).toBe('invalid')
    expect(out.problems.map((p) => p.code)).toEqual(['rule:no-iam-users'])
    expect(out.notes).toEqual([
      { level: 'info', message: `organisation rules: 2 rules from ${RULES} at the base commit cccccccccccc (read via git)` },
      {
        level: 'warning',
        message: `this pull request changes the organisation rules (${RULES}); after merge they would add 0 violations and remove 1; the verdict uses the rules at the base commit cccccccccccc`,
      },
    ])
    expectGolden(join(golden, 'validate-rules-changed.md'), out.summary ?? '')
  })

  it('no notice when the PR leaves the rules file alone', async () => {
    const cwd = tree({ 'eks-access.yaml': MANIFEST, [RULES]: STRICT })
    const out = await validate(request(pr), deps(cwd, { git: gitWith({ [RULES]: STRICT }) }))
    expect(out.notes.map((n) => n.level)).toEqual(['info'])
    expect(out.summary).not.toContain('changes the organisation rules')
  })

  it('cannot read the base: a usage failure, not the PR`s rules', async () => {
    const cwd = tree({ 'eks-access.yaml': MANIFEST, [RULES]: RELAXED })
    const out = await validate(request(pr), deps(cwd))
    expect(out.status).toBe('usage')
    expect(out.message).toMatch(/cannot read the rules file .* at the base commit cccccccccccc/)
  })
})

describe('plan judges with the same rules', () => {
  const planRequest = (rules: RulesRef): PlanRequest => ({
    command: 'plan',
    manifest: 'eks-access.yaml',
    rules,
    expiryWarningDays: 7,
    format: 'json',
    color: false,
    state: 'state.json',
    assumeRoles: false,
    clusterTimeoutSeconds: 300,
  })

  it('an error-severity violation fails plan like any validate error (nothing is read)', async () => {
    // no state.json: reading it would be a usage error, so `invalid` proves the plan stopped first
    const cwd = tree({ 'eks-access.yaml': MANIFEST, [RULES]: STRICT })
    const out = await plan(planRequest(workspace), deps(cwd))
    expect(out.status).toBe('invalid')
    expect(out.problems.map((p) => p.code)).toContain('rule:no-iam-users')
  })

  it('a missing explicit rules file is usage for plan too', async () => {
    const cwd = tree({ 'eks-access.yaml': MANIFEST })
    const out = await plan(planRequest({ path: 'nope.yaml', explicit: true }), deps(cwd))
    expect(out.status).toBe('usage')
  })

  it('on a pull request plan reads the base rules', async () => {
    const cwd = tree({ 'eks-access.yaml': MANIFEST, [RULES]: RELAXED })
    const out = await plan(
      planRequest({ path: RULES, explicit: false, atBase: { event: 'pull_request', sha: BASE } }),
      deps(cwd, { git: gitWith({ [RULES]: STRICT }) }),
    )
    expect(out.status).toBe('invalid')
    expect(out.problems.map((p) => p.code)).toContain('rule:no-iam-users')
  })
})

describe('plan on a pull request that changes the rules: the comment says so', () => {
  const atBase: RulesRef = { path: RULES, explicit: false, atBase: { event: 'pull_request', sha: BASE } }
  const HEAD = 'd'.repeat(40)
  const prPlan = (format: 'json' | 'markdown' = 'json'): PlanRequest => ({
    command: 'plan',
    manifest: 'eks-access.yaml',
    rules: atBase,
    expiryWarningDays: 7,
    format,
    color: false,
    state: 'state.json',
    assumeRoles: false,
    clusterTimeoutSeconds: 300,
    pullRequest: { number: 7, head: HEAD, shard: '*', comment: true },
  })
  /** The live cluster: only platform-admin, so the plan creates alice's entry. */
  const STATE = JSON.stringify({
    version: 1,
    clusters: [
      {
        name: 'prod-eu',
        region: 'eu-west-1',
        accountId: '111122223333',
        authenticationMode: 'API',
        entries: [
          {
            principalArn: 'arn:aws:iam::111122223333:role/platform-admin',
            type: 'STANDARD',
            username: 'arn:aws:sts::111122223333:assumed-role/platform-admin/{{SessionName}}',
            kubernetesGroups: [],
            tags: { 'managed-by': 'eks-access-gate', owner: 'platform' },
            accessPolicies: [
              { policyArn: 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy', accessScope: { type: 'cluster' } },
            ],
          },
        ],
      },
    ],
  })
  const commentOf = (out: Awaited<ReturnType<typeof plan>>): string => {
    const [write] = out.writes
    if (write?.kind !== 'sticky-comment') throw new Error('no sticky comment')
    return write.body
  }

  it('invalid on the base rules: the comment lists the error and that the PR`s rules would remove it', async () => {
    const cwd = tree({ 'eks-access.yaml': MANIFEST, [RULES]: RELAXED })
    const out = await plan(prPlan(), deps(cwd, { git: gitWith({ [RULES]: STRICT }) }))
    expect(out.status).toBe('invalid')
    const body = commentOf(out)
    expect(body).toContain('**This pull request changes the organisation rules** (`.github/eks-access-rules.yaml`)')
    expect(body).toContain('judged by the rules at the base commit `cccccccccccc`')
    expect(body).toContain('After merge its rules would add 0 violations and remove 1 violation.')
    const removed = body.slice(body.indexOf('**Violations the new rules would remove** (1)'))
    expect(removed).toMatch(/^\*\*Violations the new rules would remove\*\* \(1\)\n\n- ❌ `eks-access.yaml:13:19` `rule:no-iam-users`: /)
    expect(body).not.toContain('would add** (')
    // the summary is the comment; the log says it in one line, as validate does
    expect(out.summary).toBe(body)
    expect(out.notes).toContainEqual({
      level: 'warning',
      message: `this pull request changes the organisation rules (${RULES}); after merge they would add 0 violations and remove 1; the verdict uses the rules at the base commit cccccccccccc`,
    })
  })

  it('planned: the notice sits above the plan, with the violations the new rules would add (golden)', async () => {
    const valid = MANIFEST.replace('user/alice', 'role/alice')
    const stricter = `${STRICT}  - { id: no-alice, kind: denied-principals, principals: ["arn:aws:iam::*:role/alice"], message: "No alice" }\n`
    const cwd = tree({ 'eks-access.yaml': valid, [RULES]: stricter, 'state.json': STATE })
    const out = await plan(prPlan(), deps(cwd, { git: gitWith({ [RULES]: STRICT }) }))
    expect(out.status).toBe('ok')
    const body = commentOf(out)
    expect(body).toContain('After merge its rules would add 1 violation and remove 0 violations.')
    expect(body).toContain('**Violations the new rules would add** (1)')
    expect(body).toContain('`rule:no-alice`: No alice')
    expect(body.indexOf('changes the organisation rules')).toBeLessThan(body.indexOf('#### `prod-eu`'))
    // the JSON plan on stdout is unchanged by the notice (its verdict used the base rules)
    expect(JSON.parse(out.stdout ?? '').problems).toEqual([])
    expectGolden(join(golden, 'plan-rules-changed-comment.md'), body)
  })

  it('no notice when the PR leaves the rules file alone', async () => {
    const valid = MANIFEST.replace('user/alice', 'role/alice')
    const cwd = tree({ 'eks-access.yaml': valid, [RULES]: STRICT, 'state.json': STATE })
    const out = await plan(prPlan(), deps(cwd, { git: gitWith({ [RULES]: STRICT }) }))
    expect(out.status).toBe('ok')
    expect(commentOf(out)).not.toContain('organisation rules')
    expect(out.notes.filter((n) => n.level === 'warning')).toEqual([])
  })
})

describe('the request and options for the rules', () => {
  const readEvent = () => ({ pull_request: { base: { sha: BASE }, head: { sha: 'd'.repeat(40) } }, repository: { default_branch: 'main' } })
  const inputs = (name: string): string => ({ command: 'validate', rules: RULES })[name] ?? ''

  it.each([
    ['pull_request', { event: 'pull_request', sha: BASE }],
    ['pull_request_target', { event: 'pull_request_target', sha: BASE }],
    ['push', undefined],
    ['schedule', undefined],
  ])('the action on %s: rules at the base commit of the payload, or from the working tree', (event, atBase) => {
    const config = parseActionInputs(
      inputs,
      { GITHUB_EVENT_NAME: event, GITHUB_EVENT_PATH: '/event.json', GITHUB_REF: 'refs/heads/x' },
      readEvent,
    )
    if (!config.ok) throw new Error(config.error.message)
    const req = actionRequest(config.value, {})
    if (req.command !== 'validate') throw new Error(req.command)
    expect(req.rules).toEqual({ path: RULES, explicit: false, ...(atBase === undefined ? {} : { atBase }) })
  })

  it('a pull request whose payload lacks the base sha still asks for the base (and so fails), never the working tree', () => {
    const config = parseActionInputs(inputs, { GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: '/e.json' }, () => ({}))
    if (!config.ok) throw new Error(config.error.message)
    const req = actionRequest(config.value, {})
    expect(req.command === 'validate' && req.rules.atBase).toEqual({ event: 'pull_request', sha: undefined })
    expect(rulesOptions(req.command === 'validate' ? req.rules : workspace, {}).source).toEqual({ kind: 'base', baseSha: undefined })
  })

  it('rulesOptions hands the adapter`s readers to the base source', () => {
    const git = gitWith({})
    const contents = async (): Promise<string | undefined> => undefined
    expect(
      rulesOptions({ path: 'r.yaml', explicit: true, atBase: { event: 'pull_request', sha: BASE } }, { baseRules: { git, contents } }),
    ).toEqual({
      path: 'r.yaml',
      explicit: true,
      source: { kind: 'base', baseSha: BASE, git, contents },
    })
    expect(rulesOptions({ path: 'r.yaml', explicit: true }, { baseRules: { git } })).toEqual({
      path: 'r.yaml',
      explicit: true,
      source: { kind: 'workspace' },
    })
  })
})
