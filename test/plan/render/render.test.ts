import { describe, expect, it } from 'vitest'
import { renderPlan, stringifySorted, type PlanFormat } from '../../../src/plan/render/index.js'
import type { Plan } from '../../../src/types.js'
import { SAMPLES, bigPlan, emptyPlan, fullPlan, hostilePlan } from './samples.js'

const FORMATS: PlanFormat[] = ['text', 'markdown', 'json']

/** The same plan rebuilt with every object's keys inserted in reverse order. */
function reverseKeys<T>(value: T): T {
  if (Array.isArray(value)) return value.map(reverseKeys) as T
  if (value === null || typeof value !== 'object') return value
  const out: Record<string, unknown> = {}
  for (const k of Object.keys(value).reverse()) out[k] = reverseKeys((value as Record<string, unknown>)[k])
  return out as T
}

describe('determinism', () => {
  it.each(FORMATS.flatMap((f) => Object.keys(SAMPLES).map((s) => [f, s] as const)))(
    '%s render of the %s plan is byte-identical across calls and key orders',
    (format, sample) => {
      const plan = SAMPLES[sample as keyof typeof SAMPLES]
      const first = renderPlan(plan, format)
      expect(renderPlan(plan, format)).toBe(first)
      expect(renderPlan(reverseKeys(plan), format)).toBe(first)
      expect(renderPlan(structuredClone(plan), format)).toBe(first)
    },
  )

  it('truncated Markdown is deterministic too', () => {
    const plan = bigPlan(5000, 7)
    expect(renderPlan(plan, 'markdown')).toBe(renderPlan(structuredClone(plan), 'markdown'))
  })
})

describe('text colours', () => {
  it.each([
    ['no options', {}],
    ['color: false', { color: false }],
  ])('with %s the text has no ESC character, even from hostile values', (_name, opts) => {
    for (const plan of [fullPlan, hostilePlan, emptyPlan]) expect(renderPlan(plan, 'text', opts)).not.toContain('\u001b')
  })

  it('with color: true the signs are coloured and hostile ESC stays escaped', () => {
    const text = renderPlan(fullPlan, 'text', { color: true })
    expect(text).toContain('\u001b[32m+   create arn:aws:iam::111122223333:role/sre-oncall')
    expect(text).toContain('\u001b[31m-   delete ')
    expect(text).toContain('\u001b[35m-/+ replace ')
    expect(text).toContain('\u001b[33m~   update ')
    const hostile = renderPlan(hostilePlan, 'text', { color: true })
    expect(hostile).not.toContain('\u001b[31mred')
    expect(hostile).toContain('\\u001B[31mred')
    // Without the colour codes it is exactly the plain text.
    expect(text.replace(/\u001b\[[0-9;]*m/g, '')).toBe(renderPlan(fullPlan, 'text'))
  })
})

describe('text content', () => {
  const text = renderPlan(fullPlan, 'text')
  it.each([
    ['cluster header', 'Cluster prod-eu (EKS cluster prod, eu-west-1, account 111122223333)'],
    ['auth-mode step flagged irreversible', '!   authentication mode CONFIG_MAP → API_AND_CONFIG_MAP (IRREVERSIBLE'],
    ['replace flagged as an access gap', '-/+ replace arn:aws:iam::111122223333:role/batch-node: type STANDARD → EC2_LINUX (ACCESS GAP'],
    [
      'in-place scope change',
      '~   associate arn:aws:iam::111122223333:role/team-a AmazonEKSEditPolicy: namespaces [team-a, team-a-*] → cluster scope (in place, no access gap)',
    ],
    ['expiry reason', '[expired 2026-10-31]'],
    ['adoption', 'adopt: now managed by eks-access-gate'],
    ['escalation', '!   escalation: cluster admin granted: arn:aws:iam::111122223333:role/sre-oncall'],
    ['cluster error', '  error AccessDeniedException: User: arn:aws:sts::'],
    ['unmanaged entry', '    arn:aws:iam::111122223333:role/eks-nodegroup-role (EC2_LINUX): node entry'],
    ['problem line', 'eks-access.yaml:24:5: warning expiry:soon: access of'],
    ['manifest commit', 'Manifest commit a1b2c3d4e5f60718293a4b5c6d7e8f9012345678'],
  ])('shows the %s', (_name, expected) => {
    expect(text).toContain(expected)
  })

  it('ends with the summary line', () => {
    expect(text.trimEnd().split('\n').at(-1)).toBe(
      'Plan: 2 to create, 2 to update, 1 to replace, 1 to delete, 3 to associate, 1 to disassociate, 5 unchanged. 1 cluster with errors.',
    )
  })
})

describe('markdown content', () => {
  const md = renderPlan(fullPlan, 'markdown')
  it('starts with the marker carrying the plan hash', () => {
    expect(md.split('\n')[0]).toBe(`<!-- eks-access-gate {"v":1,"planHash":"${fullPlan.planHash}"} -->`)
  })
  it.each([
    ['cluster admin granted', '⚠️ **Cluster admin granted** on <code>prod-eu</code>'],
    ['scope widened', '⚠️ **Scope widened** on <code>prod-eu</code>'],
    ['other-account principal', '⚠️ **Principal from another account** on <code>prod-eu</code>'],
    ['replace access gap', '⚠️ **Access gap** on <code>prod-eu</code>'],
    ['irreversible auth-mode step', '⚠️ **Irreversible authentication-mode step** on <code>prod-eu</code>'],
  ])('calls out %s before the summary table', (_name, expected) => {
    expect(md).toContain(expected)
    expect(md.indexOf(expected)).toBeLessThan(md.indexOf('| Cluster |'))
  })
  it('does not call out effects that are not escalations', () => {
    expect(md).not.toContain('**New principal**')
    expect(md).not.toContain('**Access removed**')
  })
  it('shows the manifest commit only when set', () => {
    expect(md).toContain('Manifest commit <code>a1b2c3d4e5f60718293a4b5c6d7e8f9012345678</code>')
    const { manifestCommit: _omit, ...noCommit } = fullPlan
    expect(renderPlan(noCommit, 'markdown')).not.toContain('Manifest commit')
  })
})

describe('JSON', () => {
  it('sorts keys at every level, including integer-like ones, with a trailing newline', () => {
    expect(stringifySorted({ b: 1, a: { '10': 'x', '2': 'y', B: 'z' }, c: [] })).toBe(
      '{\n  "a": {\n    "10": "x",\n    "2": "y",\n    "B": "z"\n  },\n  "b": 1,\n  "c": []\n}',
    )
    const json = renderPlan(emptyPlan, 'json')
    expect(json.endsWith('}\n')).toBe(true)
    expect(json.split('\n')[1]).toBe('  "clusters": [],')
  })

  it('includes manifestCommit when set and omits it otherwise', () => {
    expect(JSON.parse(renderPlan(fullPlan, 'json')).manifestCommit).toBe(fullPlan.manifestCommit)
    expect(renderPlan(emptyPlan, 'json')).not.toContain('manifestCommit')
  })

  it.each(Object.entries(SAMPLES))('round-trips the %s plan', (_name, plan) => {
    expect(JSON.parse(renderPlan(plan, 'json')) as Plan).toEqual(plan)
  })
})
