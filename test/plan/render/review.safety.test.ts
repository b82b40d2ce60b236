import { describe, expect, it } from 'vitest'
import { buildPlan } from '../../../src/plan/plan.js'
import { renderReviewComment } from '../../../src/plan/render/review.js'
import { code, htmlCode, neutralize, shorten, text } from '../../../src/render/safe.js'
import type { ObservedCluster, PlanError, Result } from '../../../src/types.js'
import { ADMIN, EDIT, OWNED, cluster, live, manifest, manifestEntry, manifestPolicy, observed, policy, role } from '../build.js'
import { HOSTILE, NOW, hostileCase } from './review-cases.js'

/**
 * Untrusted text can never become a link, a mention, a reference, an emoji or markup. GitHub
 * leaves code spans alone, so the checks strip well-formed code spans (CommonMark rules) and
 * require the rest, where GitHub's autolinker and filters do run, to hold none of the patterns
 * they act on.
 */

const MARKER = '<!-- eks-access-gate {"v":2} -->'

/** Removes code spans as CommonMark finds them (a backtick run closed by a run of the same length). */
function stripCodeSpans(md: string): string {
  let out = ''
  let i = 0
  while (i < md.length) {
    const ch = md[i]
    if (ch === '\\' && i + 1 < md.length) {
      out += md.slice(i, i + 2)
      i += 2
      continue
    }
    if (ch !== '`') {
      out += ch
      i++
      continue
    }
    let n = 0
    while (md[i + n] === '`') n++
    let j = i + n
    let close = -1
    while (j < md.length) {
      if (md[j] !== '`') {
        j++
        continue
      }
      let m = 0
      while (md[j + m] === '`') m++
      if (m === n) {
        close = j
        break
      }
      j += m
    }
    if (close < 0) {
      out += md.slice(i, i + n)
      i += n
    } else {
      out += '⟨code⟩'
      i = close + n
    }
  }
  return out
}

/** What GitHub would act on outside code; each entry names why it is there. */
const FORBIDDEN: readonly [string, RegExp][] = [
  ['URL with a scheme', /\b[a-z][a-z0-9+.-]*:\/\//i],
  ['javascript: or mailto:', /\b(javascript|mailto):(?!\u200b)/i],
  ['www. host', /\bwww\./i],
  ['@mention or e-mail', /@[a-z0-9]/i],
  ['#123 reference', /#\d/],
  ['GH-123 reference', /\bGH-\d/i],
  ['commit-like hex', /[0-9a-f]{7,}/i],
  ['emoji short code', /:[a-z0-9_+-]+:/i],
  ['HTML other than ours', /<(?!\/?(details|summary|br|code)>)(?!details><summary>)[a-z!/]/i],
  ['bidi control', /[\u202a-\u202e\u2066-\u2069]/],
]

function expectSafe(md: string): void {
  const [first, ...rest] = md.split('\n')
  expect(first).toBe(MARKER)
  const body = rest.join('\n')
  // No marker or comment delimiter anywhere after the first line, not even inside code.
  expect(body).not.toMatch(/<!--|-->/)
  // Numeric entities (&#96;) decode to one character: they are not references.
  const outside = stripCodeSpans(body).replace(/&#\d+;/g, '&')
  for (const [why, pattern] of FORBIDDEN) expect(outside.match(pattern)?.[0], why).toBeUndefined()
  // Every backtick belongs to a code span (or is escaped): no value opened or closed one.
  const stray = outside.replace(/\\`/g, '').indexOf('`')
  expect(stray < 0 ? '' : outside.slice(Math.max(0, stray - 80), stray + 40)).toBe('')
  // No value started a line of its own: every line is one we write.
  for (const line of rest) {
    expect(line, line).toMatch(
      /^(|#{3,4} .*|\*\*.*|- .*| {2}(before|after|_|\*\*What).*|> .*|<details.*|<\/details>|EKS cluster .*|\d+ (to|unchanged).*|No changes.*|👑.*|❌.*|⚠️.*|⏳.*|ℹ️.*|To finish.*)$/u,
    )
  }
}

describe('review comment safety', () => {
  it('neutralises a hostile live state and manifest everywhere', () => {
    expectSafe(renderReviewComment({ ...hostileCase(), context: { marker: MARKER, shard: '@org/team #1 https://x.example' } }))
  })

  // Each hostile value alone, in every position a value can take: cluster key and name, principal,
  // group, username, namespace, tag, policy ARN, error code and message, problem file/code/message, note, shard.
  it.each(HOSTILE.map((v) => [JSON.stringify(v).slice(0, 40), v]))('neutralises %s in every position', (_label, value) => {
    const key = `k ${value}`
    const c = cluster({ key, name: value })
    const bad = cluster({ key: `z ${value}`, name: 'z' })
    const entries = [
      manifestEntry(role(`new-${value}`), {
        kubernetesGroups: [value],
        username: value,
        tags: { [value]: value },
        accessPolicies: [manifestPolicy(EDIT, [value]), manifestPolicy(`arn:aws:eks::aws:cluster-access-policy/${value}`)],
      }),
      manifestEntry(role('admins'), { accessPolicies: [manifestPolicy('AmazonEKSClusterAdminPolicy')] }),
    ]
    const state = live(
      [
        observed(`arn:aws:iam::111122223333:role/${value}`, {
          username: value,
          kubernetesGroups: [value],
          tags: { x: value },
          accessPolicies: [policy(ADMIN, [value])],
        }),
        observed(`arn:aws:iam::111122223333:role/gone-${value}`, { tags: OWNED, accessPolicies: [policy(EDIT, [value])] }),
        observed(role('admins'), { tags: OWNED, accessPolicies: [policy(ADMIN)] }),
      ],
      { authenticationMode: 'API_AND_CONFIG_MAP' },
    ) // authentication-mode notes name the cluster key
    const obs = new Map<string, Result<ObservedCluster, PlanError>>([
      [key, { ok: true, value: state }],
      [bad.key, { ok: false, error: { code: value, message: value } }],
    ])
    const problem = { severity: 'error' as const, code: value, message: value, file: value, line: 1, column: 1 }
    const plan = buildPlan({ manifest: manifest([c, bad], entries), observed: obs, now: NOW, problems: [problem] })
    expect(plan.clusters.find((p) => p.cluster === key)?.notes?.length).toBe(1)
    const md = renderReviewComment({
      plan,
      observed: obs,
      context: { marker: MARKER, shard: value, headSha: value, notes: [value], planFileHint: value },
    })
    expectSafe(md)
    // Invalid-manifest form too, with the value in every field of a problem.
    expectSafe(renderReviewComment({ problems: [problem], context: { marker: MARKER, notes: [value] } }))
    // A pull request that changes the rules file: its name, the base sha and the violations listed.
    for (const change of [
      { kind: 'changed' as const, file: value, added: [problem], removed: [problem] },
      { kind: 'deleted' as const, file: value, removed: [problem] },
      { kind: 'broken' as const, file: value, problems: [problem] },
    ])
      expectSafe(renderReviewComment({ plan, observed: obs, context: { marker: MARKER, rulesChange: { change, baseSha: value } } }))
    // With many clusters every cluster is collapsed and its key sits in an HTML <summary>.
    expectSafe(renderReviewComment({ plan, observed: obs, context: { marker: MARKER } }, { collapseClusters: 0 }))
    // Summarised clusters (one line each) are safe too.
    expectSafe(renderReviewComment({ plan, observed: obs, context: { marker: MARKER } }, { maxLength: 2_500 }))
  })

  it('refuses a marker that is not one line (the caller owns it; a newline would let a body fake it)', () => {
    expect(() => renderReviewComment({ context: { marker: '<!-- x -->\n<!-- y -->' } })).toThrow(/single line/)
  })
})

describe('safe.ts', () => {
  it.each([
    ['plain', 'team-a', '`team-a`'],
    ['backtick inside', 'a`b', '``a`b``'],
    ['double backtick inside', 'a``b`c', '```a``b`c```'],
    ['leading backtick', '`a', '`` `a ``'],
    ['trailing backtick', 'a`', '`` a` ``'],
    ['spaces both ends', ' a ', '`  a  `'],
    ['empty', '', '` `'],
    ['newline made visible', 'a\nb', '`a\\nb`'],
    ['bidi made visible', 'a\u202eb', '`a\\u202Eb`'],
    ['comment open split', '<!-- x', '`<!\u2060-- x`'],
    ['comment close split', 'x -->', '`x --\u2060>`'],
  ])('code: %s', (_name, value, expected) => {
    expect(code(value)).toBe(expected)
  })

  it.each([
    ['scheme', 'https://x.example', 'https:\u200b//x.example'],
    ['any scheme', 'javascript:alert', 'javascript:\u200balert'],
    ['www', 'www.x.example', 'www\u200b.x.example'],
    ['mention', '@octocat', '@\u200boctocat'],
    ['issue', '#12', '#\u200b12'],
    ['GH ref', 'GH-12', 'GH-\u200b12'],
    ['sha', 'deadbeefcafe12', 'deadbe\u200befcafe\u200b12'],
    ['six hex is fine', 'abcdef', 'abcdef'],
  ])('neutralize: %s', (_name, value, expected) => {
    expect(neutralize(value)).toBe(expected)
  })

  it.each([
    ['markup escaped', '*a* [b](c) <i>', '\\*a\\* \\[b\\]\\(c\\) &lt;i&gt;'],
    ['entities', 'a & "b"', 'a &amp; &quot;b&quot;'],
    ['backticks escaped', 'a`b', 'a\\`b'],
    ['neutralised', 'see @x #1', 'see @\u200bx #\u200b1'],
  ])('text: %s', (_name, value, expected) => {
    expect(text(value)).toBe(expected)
  })

  it('htmlCode escapes and neutralises for HTML blocks', () => {
    expect(htmlCode('<b>@x</b>')).toBe('<code>&lt;b&gt;@\u200bx&lt;/b&gt;</code>')
  })

  it.each([
    ['short kept', 'abc', 10, 'abc'],
    ['middle ellipsis', 'abcdefghijklmnop', 10, 'abcdef…nop'],
    ['code points, not halves of a pair', '😀'.repeat(20), 10, `${'😀'.repeat(6)}…${'😀'.repeat(3)}`],
  ])('shorten: %s', (_name, value, limit, expected) => {
    const out = shorten(value, limit)
    expect(out).toBe(expected)
    expect([...out].length).toBeLessThanOrEqual(limit)
  })

  it('bounds every untrusted value shown: a 1,000-character value is cut to 80', () => {
    const long = `${'a'.repeat(500)}${'b'.repeat(500)}`
    expect([...code(long)].length).toBeLessThanOrEqual(82)
    expect(code(long)).toMatch(/^`a+…b+`$/)
  })
})
