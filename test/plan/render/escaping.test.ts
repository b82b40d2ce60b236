import { describe, expect, it } from 'vitest'
import { code, escapeMarkdown, escapeText, fenceFor, renderMarker } from '../../../src/plan/render/markdown.js'
import { renderPlan } from '../../../src/plan/render/index.js'
import { showInvisible } from '../../../src/plan/render/text.js'
import type { Change, ClusterPlan, Plan } from '../../../src/types.js'
import { HOSTILE, emptyPlan, hostilePlan } from './samples.js'

describe('showInvisible', () => {
  it.each([
    ['a\nb', 'a\\nb'],
    ['a\r\nb', 'a\\r\\nb'],
    ['\t', '\\t'],
    ['\u001b[31m', '\\u001B[31m'],
    ['\u0000\u007f\u009b', '\\u0000\\u007F\\u009B'],
    ['abc\u202Efed', 'abc\\u202Efed'],
    ['\u2066x\u2069', '\\u2066x\\u2069'],
    ['zero\u200Bwidth\uFEFF', 'zero\\u200Bwidth\\uFEFF'],
    ['line\u2028sep', 'line\\u2028sep'],
    ['plain ARN arn:aws:iam::1:role/x → ü', 'plain ARN arn:aws:iam::1:role/x → ü'],
  ])('%j → %j', (input, expected) => {
    expect(showInvisible(input)).toBe(expected)
  })
})

describe('escapeMarkdown', () => {
  it.each([
    ['a|b', 'a\\|b'],
    ['`x`', '\\`x\\`'],
    ['<script>', '&lt;script&gt;'],
    ['-->', '--&gt;'],
    ['a & b', 'a &amp; b'],
    ['"q"', '&quot;q&quot;'],
    ['*b* _i_', '\\*b\\* \\_i\\_'],
    ['[l](u)', '\\[l\\]\\(u\\)'],
    ['~~s~~', '\\~\\~s\\~\\~'],
    ['# h', '\\# h'],
    ['![i]', '\\!\\[i\\]'],
    ['back\\slash', 'back\\\\slash'],
    ['a\nb', 'a\\\\nb'],
    ['```', '\\`\\`\\`'],
    ['team-a', 'team-a'],
  ])('%j → %j', (input, expected) => {
    expect(escapeMarkdown(input)).toBe(expected)
  })

  it('breaks @mentions in running text but not in code', () => {
    expect(escapeText('@everyone')).toBe('@&#8203;everyone')
    expect(code('@everyone')).toBe('<code>@everyone</code>')
  })
})

describe('renderMarker', () => {
  it.each([
    ['abc', '<!-- eks-access-gate {"v":1,"planHash":"abc"} -->'],
    ['x-->y', '<!-- eks-access-gate {"v":1,"planHash":"x--\\u003ey"} -->'],
    ['<!--', '<!-- eks-access-gate {"v":1,"planHash":"\\u003c!--"} -->'],
    ['a\nb', '<!-- eks-access-gate {"v":1,"planHash":"a\\nb"} -->'],
  ])('marker for %j stays one closed comment with parseable JSON', (hash, expected) => {
    const marker = renderMarker(hash)
    expect(marker).toBe(expected)
    expect(marker.indexOf('-->')).toBe(marker.length - 3)
    const json = marker.slice('<!-- eks-access-gate '.length, -' -->'.length)
    expect(JSON.parse(json)).toEqual({ v: 1, planHash: hash })
  })
})

describe('fenceFor', () => {
  it.each([
    [['plain'], '```'],
    [['a ``` b'], '````'],
    [['x `````` y', '``'], '```````'],
  ])('%j → %s', (lines, fence) => {
    expect(fenceFor(lines)).toBe(fence)
  })
})

// ───────────────────────── a hostile value in every user-controlled position ─────────────────────────

type Place = (value: string) => Plan

const base = (cluster: Partial<ClusterPlan>, plan: Partial<Plan> = {}): Plan => ({
  ...emptyPlan,
  summary: { ...emptyPlan.summary, create: 1, associate: 1 },
  clusters: [
    {
      cluster: 'prod',
      name: 'prod',
      region: 'eu-west-1',
      accountId: '111122223333',
      changes: [],
      errors: [],
      effects: [],
      unmanaged: [],
      unchanged: 0,
      ...cluster,
    },
  ],
  ...plan,
})
const create = (over: { principalArn?: string; username?: string; groups?: string[]; tags?: Record<string, string> }): Change => ({
  action: 'create',
  principalArn: over.principalArn ?? 'arn:aws:iam::111122223333:role/x',
  after: {
    type: 'STANDARD',
    ...(over.username !== undefined ? { username: over.username } : {}),
    kubernetesGroups: over.groups ?? [],
    tags: over.tags ?? {},
  },
})

const PLACES: [string, Place][] = [
  ['principal ARN', (v) => base({ changes: [create({ principalArn: v })] })],
  ['username', (v) => base({ changes: [create({ username: v })] })],
  ['group', (v) => base({ changes: [create({ groups: [v] })] })],
  ['tag key', (v) => base({ changes: [create({ tags: { [v]: 'x' } })] })],
  ['tag value', (v) => base({ changes: [create({ tags: { k: v } })] })],
  [
    'namespace',
    (v) =>
      base({
        changes: [
          {
            action: 'associate',
            principalArn: 'arn:x',
            policyArn: 'AmazonEKSEditPolicy',
            accessScope: { type: 'namespace', namespaces: [v] },
            inPlace: false,
          },
        ],
      }),
  ],
  ['cluster name', (v) => base({ cluster: v, name: v })],
  ['region and account', (v) => base({ region: v, accountId: v })],
  ['error message', (v) => base({ errors: [{ code: v, message: v }] })],
  ['unmanaged entry', (v) => base({ unmanaged: [{ principalArn: v, type: v, reason: 'unowned' }] })],
  ['escalation', (v) => base({ effects: [{ principalArn: v, kind: 'scope-widened', escalation: true, detail: v }] })],
  ['problem', (v) => base({}, { problems: [{ severity: 'error', code: v, message: v, file: v, line: 1, column: 1 }] })],
  ['manifest commit', (v) => base({}, { manifestCommit: v })],
]

/** Every line the Markdown renderer writes starts with one of these (or is inside a diff block). */
const OWN_LINE_STARTS = [
  '<!-- eks-access-gate ',
  '## ',
  '### ',
  '**',
  '| ',
  '|---',
  '- ',
  '> ',
  '<details',
  '<summary>',
  '</details>',
  'Manifest commit ',
  'No changes.',
  'No clusters selected.',
  '_',
]

function checkMarkdownStructure(md: string): void {
  const lines = md.split('\n')
  expect(lines[0]).toMatch(/^<!-- eks-access-gate \{"v":1,"planHash":"[^"]*"\} -->$/)
  let fence: string | undefined
  const outside: string[] = []
  for (const line of lines) {
    if (fence !== undefined) {
      if (line === fence) fence = undefined
      // Inside the diff block every line starts with our sign or our "more" note.
      else expect(line, line).toMatch(/^(\+|-|~|!|… )/)
      continue
    }
    const open = /^(`{3,})diff$/.exec(line)
    if (open) {
      fence = open[1]
      continue
    }
    outside.push(line)
    if (line === '') continue
    expect(
      OWN_LINE_STARTS.some((s) => line.startsWith(s)),
      `unexpected line: ${line}`,
    ).toBe(true)
    if (line.startsWith('|')) {
      // Unescaped pipes: 10 for the 9 columns of the table.
      expect(line.replace(/\\\|/g, '').split('|').length - 1, line).toBe(10)
    }
  }
  expect(fence, 'diff block left open').toBeUndefined()
  // Outside the diff block (which GitHub shows verbatim) there is no HTML from a value, and
  // the marker is the only comment: the only place `-->` appears.
  const rendered = outside.join('\n')
  expect(rendered.split('-->').length).toBe(2)
  expect(rendered).not.toMatch(/<(script|img|b>)/i)
  for (const line of outside) {
    expect(line.match(/<code>/g)?.length ?? 0, line).toBe(line.match(/<\/code>/g)?.length ?? 0)
    // No value closes our <code> early: nothing but escaped text between <code> and </code>.
    for (const inner of line.matchAll(/<code>(.*?)<\/code>/g)) expect(inner[1]).not.toMatch(/[<>]/)
  }
  expect(rendered.match(/<details/g)?.length ?? 0).toBe(rendered.match(/<\/details>/g)?.length ?? 0)
}

describe.each(Object.entries(HOSTILE))('hostile value %s', (_name, value) => {
  it.each(PLACES)('in the %s cannot break the Markdown', (_place, place) => {
    const md = renderPlan(place(value), 'markdown')
    checkMarkdownStructure(md)
  })

  it.each(PLACES)('in the %s cannot break the text or add escape codes', (_place, place) => {
    const plan = place(value)
    const text = renderPlan(plan, 'text')
    expect(text).not.toContain('\u001b')
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/)
    // Same number of lines as the same plan with a harmless value.
    const harmless = renderPlan(place('harmless'), 'text')
    expect(text.split('\n').length).toBe(harmless.split('\n').length)
  })
})

describe('the hostile sample', () => {
  it('renders Markdown with intact structure', () => {
    checkMarkdownStructure(renderPlan(hostilePlan, 'markdown'))
  })

  it('keeps a ``` inside a value within the diff block', () => {
    const md = renderPlan(hostilePlan, 'markdown')
    expect(md).toContain('\n````diff\n')
    expect(md).toContain('groups [```\\n# escaped?\\n```')
  })

  it('round-trips every hostile value through JSON unchanged', () => {
    const back = JSON.parse(renderPlan(hostilePlan, 'json')) as Plan
    expect(back).toEqual(hostilePlan)
  })
})
