import path from 'node:path'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import type { Manifest, Problem } from '../../src/types.js'

const eksRules = vi.hoisted(() => ({ result: [] as Problem[], calls: [] as { manifest: Manifest; ctx: unknown }[] }))
vi.mock('../../src/rules/eks/index.js', () => ({
  checkEksRules: (manifest: Manifest, ctx: unknown) => {
    eksRules.calls.push({ manifest, ctx })
    return eksRules.result
  },
}))

const { validateManifests, validateSources, generateSyntheticManifests } = await import('../../src/manifest/validate.js')

const fixtures = path.join(import.meta.dirname, 'fixtures')
const ctx = { now: new Date('2026-11-01T00:00:00Z'), expiryWarningDays: 7 }
const problem = (file: string, line: number, column: number, code: string, severity: Problem['severity'] = 'error'): Problem => ({
  severity,
  code,
  message: `${code} message`,
  file,
  line,
  column,
})

beforeEach(() => {
  eksRules.result = []
  eksRules.calls = []
})

describe('validateManifests', () => {
  it('validates several files from a glob and merges them', async () => {
    const out = await validateManifests({ manifest: 'multi/*.yaml', cwd: fixtures, ...ctx })
    if (out.kind !== 'checked') throw new Error(out.message)
    expect(out.ok).toBe(true)
    expect(out.problems).toEqual([])
    expect(out.manifest.files).toEqual(['multi/a-clusters.yaml', 'multi/b-team.yaml', 'multi/c-team.yaml'])
    expect(out.manifest.clusters.map((c) => c.key)).toEqual(['gov', 'prod-eu'])
    expect(out.manifest.accessEntries).toHaveLength(2)
    expect([...out.sources.keys()]).toEqual(out.manifest.files)
    // the EKS layer sees the merged manifest and the built-in catalogue by default
    const call = eksRules.calls[0]
    expect(call?.manifest).toBe(out.manifest)
    expect(call?.ctx).toMatchObject({
      now: ctx.now,
      expiryWarningDays: 7,
      catalogue: expect.arrayContaining([expect.objectContaining({ name: 'AmazonEKSViewPolicy' })]),
    })
  })

  it('reports a cluster defined in two files at the second', async () => {
    const out = await validateManifests({ manifest: 'dup/*.yaml', cwd: fixtures, ...ctx })
    if (out.kind !== 'checked') throw new Error(out.message)
    expect(out.ok).toBe(false)
    expect(out.problems).toMatchObject([
      { code: 'manifest:duplicate-cluster', file: 'dup/two.yaml', line: 4, column: 3, message: expect.stringContaining('dup/one.yaml:3') },
    ])
  })

  it.each([
    ['no match', 'nothing/*.yaml', /matches no file/],
    ['directory', 'dir.yaml', /is a directory/],
  ])('passes a usage error through (%s)', async (_, manifest, msg) => {
    const out = await validateManifests({ manifest, cwd: fixtures, ...ctx })
    expect(out.kind).toBe('usage')
    expect(out.kind === 'usage' && out.message).toMatch(msg)
    expect(eksRules.calls).toEqual([])
  })

  it('uses an injected catalogue', async () => {
    const catalogue = [{ name: 'Custom', arn: 'arn:aws:eks::aws:cluster-access-policy/Custom' }]
    await validateManifests({ manifest: 'multi/a-clusters.yaml', cwd: fixtures, ...ctx, catalogue })
    expect(eksRules.calls[0]?.ctx).toMatchObject({ catalogue })
  })
})

describe('validateSources', () => {
  it('collects every layer, sorted by file, line, column, code', () => {
    eksRules.result = [problem('a.yaml', 5, 19, 'eks:principal-arn'), problem('a.yaml', 1, 1, 'eks:b', 'warning')]
    const out = validateSources(
      [
        { file: 'b.yaml', text: 'version: [1\n' },
        { file: 'a.yaml', text: 'version: 1\naccessEntries:\n  - principalArn: x\n    tpye: STANDARD\n  - principalArn: y\n' },
      ],
      ctx,
    )
    expect(out.problems.map((p) => `${p.file}:${p.line}:${p.column} ${p.code}`)).toEqual([
      'a.yaml:1:1 eks:b',
      'a.yaml:4:5 schema:unknown-key',
      'a.yaml:5:19 eks:principal-arn',
      'b.yaml:2:1 yaml:syntax',
    ])
    expect(out.ok).toBe(false)
    expect(out.manifest.files).toEqual(['a.yaml', 'b.yaml'])
    expect(out.sources.get('b.yaml')).toBe('version: [1\n')
  })

  it.each<[string, Problem[], boolean]>([
    ['no problems', [], true],
    ['warnings only', [problem('m.yaml', 1, 1, 'expiry:soon', 'warning')], true],
    ['an error', [problem('m.yaml', 1, 1, 'eks:x', 'warning'), problem('m.yaml', 1, 1, 'eks:y')], false],
  ])('ok is false exactly when some problem is an error (%s)', (_, result, ok) => {
    eksRules.result = result
    expect(validateSources([{ file: 'm.yaml', text: 'version: 1\n' }], ctx).ok).toBe(ok)
  })

  it('drops EKS echoes of a cluster or entry the schema already rejected', () => {
    const text = `version: 1
clusters:
  prod: { region: eu-west-1, accountId: 111122223333 }
  dev: { region: eu-west-1, accountId: "111122223333" }
accessEntries:
  - principalArn: arn:a
    clusters: [prod, dev, "pr*", "qa-*"]
  - principalArn: arn:b
    clusters: dev
`
    eksRules.result = [
      problem('m.yaml', 7, 16, 'manifest:unknown-cluster'), // "prod": rejected by the schema
      problem('m.yaml', 7, 22, 'manifest:unknown-cluster'), // "dev": a real finding, kept
      problem('m.yaml', 7, 27, 'manifest:unmatched-selector', 'warning'), // "pr*" matches the rejected "prod"
      problem('m.yaml', 7, 34, 'manifest:unmatched-selector', 'warning'), // "qa-*": a real finding, kept
      problem('m.yaml', 4, 3, 'manifest:cluster-without-entries', 'warning'), // its entry arn:b was rejected
    ]
    const codes = validateSources([{ file: 'm.yaml', text }], ctx).problems.map((p) => `${p.line}:${p.column} ${p.code}`)
    expect(codes).toEqual(['3:41 schema:type', '7:22 manifest:unknown-cluster', '7:34 manifest:unmatched-selector', '9:15 schema:type'])
  })

  it('keeps checking an entry whose schema finding is on an optional member or an unknown key', () => {
    const text = `version: 1
accessEntries:
  - principalArn: arn:b
    tpye: STANDARD
    kubernetesGroups: [ops, ops]
`
    validateSources([{ file: 'm.yaml', text }], ctx)
    expect(eksRules.calls[0]?.manifest.accessEntries.map((e) => e.principalArn)).toEqual(['arn:b'])
  })

  it('generates a valid synthetic manifest for the benchmark', () => {
    const files = generateSyntheticManifests(5, 40)
    expect(files).toHaveLength(5)
    const out = validateSources(files, ctx)
    expect(out.problems).toEqual([])
    expect(out.manifest.accessEntries).toHaveLength(40)
    expect(out.manifest.clusters).toHaveLength(10)
  })
})
