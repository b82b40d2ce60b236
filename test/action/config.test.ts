import { describe, expect, it } from 'vitest'
import { actionRequest, liveUnavailableReason, parseActionInputs, pullRequestOf, type PullRequestContext } from '../../src/config/index.js'

const HEAD = 'c'.repeat(40)
const OIDC = { ACTIONS_ID_TOKEN_REQUEST_URL: 'http://127.0.0.1/t?a=1', ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'req' }
const payload = (headRepo: string | null = 'acme/infra') => ({
  number: 7,
  repository: { full_name: 'acme/infra', default_branch: 'main' },
  pull_request: {
    number: 7,
    head: { sha: HEAD, repo: headRepo === null ? null : { full_name: headRepo } },
    base: { sha: 'b'.repeat(40), repo: { full_name: 'acme/infra' } },
  },
})
const pr = (headRepo: string | undefined): PullRequestContext => ({ number: 7, headSha: HEAD, headRepo, baseRepo: 'acme/infra' })

describe('pullRequestOf', () => {
  it('reads number, head sha and both repositories', () => {
    expect(pullRequestOf(payload('contributor/infra'))).toEqual({ ok: true, value: pr('contributor/infra') })
    expect(pullRequestOf(payload(null))).toEqual({ ok: true, value: pr(undefined) })
  })

  it.each([undefined, {}, { pull_request: { number: 7, head: { sha: 'not-a-sha' } } }])('rejects %j', (p) => {
    expect(pullRequestOf(p).ok).toBe(false)
  })
})

describe('liveUnavailableReason', () => {
  it.each<[string, string | undefined, Record<string, string>, RegExp | undefined]>([
    ['pull_request', 'acme/infra', OIDC, undefined],
    [
      'pull_request',
      'contributor/infra',
      OIDC,
      /^this pull request comes from the fork contributor\/infra: .*read-only token and no OIDC token/,
    ],
    ['pull_request', undefined, OIDC, /comes from a fork that no longer exists/],
    ['pull_request_target', 'contributor/infra', OIDC, undefined],
    ['pull_request', 'acme/infra', {}, /^the job has no GitHub OIDC token \(add `permissions: id-token: write`/],
    ['pull_request_target', 'acme/infra', {}, /no GitHub OIDC token/],
  ])('%s from %s with %j', (event, headRepo, env, expected) => {
    const reason = liveUnavailableReason(event, pr(headRepo), env)
    if (expected === undefined) expect(reason).toBeUndefined()
    else expect(reason).toMatch(expected)
  })
})

describe('actionRequest on pull requests', () => {
  const inputs = (values: Record<string, string>) => (name: string) => values[name] ?? ''
  const requestFor = (values: Record<string, string>, env: Record<string, string>, headRepo = 'acme/infra') => {
    const r = parseActionInputs(inputs(values), { GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: '/e.json', ...env }, () =>
      payload(headRepo),
    )
    if (!r.ok) throw new Error(r.error.message)
    return actionRequest(r.value, { planFile: '/tmp/plan.json' })
  }

  it('plans live with OIDC roles and a comment for the head, shard "*"', () => {
    expect(requestFor({}, OIDC)).toMatchObject({
      command: 'plan',
      assumeRoles: true,
      clusterFilterName: 'the clusters input',
      pullRequest: { number: 7, head: HEAD, shard: '*', comment: true },
    })
  })

  it('the clusters input is the shard; comment: false turns the comment off', () => {
    expect(requestFor({ clusters: 'prod-*', comment: 'false' }, OIDC)).toMatchObject({
      clusterGlob: 'prod-*',
      pullRequest: { shard: 'prod-*', comment: false },
    })
  })

  it('a fork validates with a notice saying why', () => {
    const r = requestFor({}, {}, 'contributor/infra')
    expect(r.command).toBe('validate')
    expect('notice' in r && r.notice).toMatch(/^The live plan was skipped: this pull request comes from the fork .* set the `state` input/)
  })

  it('a fork with a state snapshot plans offline, without a comment', () => {
    const r = requestFor({ state: 'state.json' }, {}, 'contributor/infra')
    expect(r).toMatchObject({ command: 'plan', state: 'state.json', pullRequest: { comment: false } })
    expect('notice' in r && r.notice).toMatch(/This run planned offline against the state snapshot state\.json\.$/)
  })

  it.each(['a<b', 'x\ny', 'prod-->'])('rejects a clusters input that could end the marker: %j', (clusters) => {
    const r = parseActionInputs(inputs({ clusters }), { GITHUB_EVENT_NAME: 'schedule' }, () => undefined)
    expect(r.ok ? '' : r.error.message).toContain('clusters must be cluster names or globs without')
  })
})
