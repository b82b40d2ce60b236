/** The rules file is checked like a manifest: YAML, schema, did-you-mean, located problems; broken ≠ "no rules". */
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { compileRulesSchema, loadRulesFile, parseRulesSource, RULE_KINDS } from '../../../src/rules/org/index.js'
import rulesSchema from '../../../schemas/eks-access-rules.schema.json' with { type: 'json' }
import { brief, RULES_FILE } from './support.js'

const F = RULES_FILE

function problemsOf(text: string | Uint8Array): { at: string; message: string }[] {
  const r = parseRulesSource(F, text)
  if (r.ok) return []
  return r.error.map((p) => ({ at: brief(p), message: p.message }))
}

describe('rules-file problems', () => {
  it.each([
    {
      name: 'unknown kind with did-you-mean, at the value',
      text: 'version: 1\nrules:\n  - id: a\n    kind: denied-principal\n    principals: ["*"]\n',
      at: `${F}:4:11 error schema:enum`,
      says: /invalid kind "denied-principal"; expected one of: .*; did you mean "denied-principals"\?/,
    },
    {
      name: 'unknown parameter with did-you-mean, at the key',
      text: 'version: 1\nrules:\n  - id: a\n    kind: denied-principals\n    principal: ["*"]\n    principals: ["*"]\n',
      at: `${F}:5:5 error schema:unknown-key`,
      says: /^unknown key "principal" in rule "a"; did you mean "principals"\?/,
    },
    {
      name: 'a parameter of another kind is unknown here',
      text: 'version: 1\nrules:\n  - id: a\n    kind: cluster-admins\n    min: 1\n    principals: ["*"]\n',
      at: `${F}:6:5 error schema:unknown-key`,
      says: /unknown key "principals"/,
    },
    {
      name: 'wrong type, at the value',
      text: 'version: 1\nrules:\n  - id: a\n    kind: cluster-admins\n    min: "two"\n',
      at: `${F}:5:10 error schema:type`,
      says: /min must be a whole number, not the string "two"/,
    },
    {
      name: 'wrong severity with did-you-mean',
      text: 'version: 1\nrules:\n  - id: a\n    kind: denied-principals\n    severity: warnng\n    principals: ["*"]\n',
      at: `${F}:5:15 error schema:enum`,
      says: /did you mean "warning"\?/,
    },
    {
      name: 'missing required parameter, at the rule',
      text: 'version: 1\nrules:\n  - id: a\n    kind: denied-principals\n',
      at: `${F}:3:5 error schema:required`,
      says: /missing required key "principals" in rule "a"/,
    },
    {
      name: 'duplicate key, at the second occurrence',
      text: 'version: 1\nrules:\n  - id: a\n    kind: denied-principals\n    principals: ["*"]\n    principals: ["x"]\n',
      at: `${F}:6:5 error yaml:duplicate-key`,
      says: /duplicate key "principals" \(first defined at line 5\)/,
    },
    {
      name: 'duplicate rule id, at the second id',
      text: 'version: 1\nrules:\n  - { id: a, kind: denied-principals, principals: ["*"] }\n  - { id: a, kind: forbidden-groups, groups: ["x"] }\n',
      at: `${F}:4:11 error rules:duplicate-id`,
      says: /duplicate rule id "a" \(first at line 3\)/,
    },
    {
      name: 'unknown placeholder with did-you-mean',
      text: 'version: 1\nrules:\n  - id: a\n    kind: denied-principals\n    message: "{principalArm} is denied"\n    principals: ["*"]\n',
      at: `${F}:5:14 error rules:placeholder`,
      says: /unknown placeholder \{principalArm\} in message; did you mean \{principalArn\}\?/,
    },
    {
      name: 'unknown policy name with did-you-mean',
      text: 'version: 1\nrules:\n  - id: a\n    kind: policy-holders\n    policy: AmazonEKSClusterAdmin\n    principals: ["*"]\n',
      at: `${F}:5:13 error rules:policy`,
      says: /unknown access policy "AmazonEKSClusterAdmin" \(did you mean "AmazonEKSClusterAdminPolicy"\?\)/,
    },
    {
      name: 'min above max',
      text: 'version: 1\nrules:\n  - id: a\n    kind: cluster-admins\n    min: 3\n    max: 1\n',
      at: `${F}:5:10 error rules:range`,
      says: /min 3 is greater than max 1/,
    },
    {
      name: 'cluster-admins with neither bound',
      text: 'version: 1\nrules:\n  - id: a\n    kind: cluster-admins\n',
      at: `${F}:3:5 error rules:range`,
      says: /needs min, max or both/,
    },
    { name: 'wrong version', text: 'version: 2\nrules: []\n', at: `${F}:1:10 error schema:const`, says: /version must be 1/ },
    { name: 'empty file', text: '', at: `${F}:1:1 error file:empty`, says: /a rules file starts with "version: 1"/ },
    { name: 'YAML syntax', text: 'version: 1\nrules: [\n', at: `${F}:3:1 error yaml:syntax`, says: /YAML/ },
    {
      name: 'bad id',
      text: 'version: 1\nrules:\n  - { id: "has space", kind: denied-principals, principals: ["*"] }\n',
      at: `${F}:3:11 error schema:pattern`,
      says: /invalid id "has space"/,
    },
  ])('$name', ({ text, at, says }) => {
    const problems = problemsOf(text)
    expect(problems.map((p) => p.at)).toEqual([at])
    expect(problems[0]?.message).toMatch(says)
  })

  it('rejects invalid UTF-8 and oversized files like a manifest', () => {
    expect(problemsOf(new Uint8Array([0x76, 0x3a, 0xff, 0x0a])).map((p) => p.at)).toEqual([`${F}:1:3 error file:encoding`])
    expect(problemsOf('#'.repeat(5 * 1024 * 1024 + 1)).map((p) => p.at)).toEqual([`${F}:1:1 error file:too-large`])
  })

  it('accepts a BOM and an empty rule list', () => {
    const r = parseRulesSource(F, '\uFEFFversion: 1\nrules: []\n')
    expect(r.ok && r.value.rules).toEqual([])
  })
})

describe('schema', () => {
  it('is a valid 2020-12 schema that lists every kind', () => {
    expect(() => compileRulesSchema({ validateSchema: true })).not.toThrow()
    const kinds = (rulesSchema.$defs.rule.properties.kind as { enum: string[] }).enum
    expect(kinds).toEqual(RULE_KINDS.map((k) => k.kind))
    for (const k of RULE_KINDS) {
      const def = (rulesSchema.$defs as unknown as Record<string, { properties?: Record<string, unknown> }>)[k.kind]
      expect(Object.keys(def?.properties ?? {}).sort()).toEqual(
        ['clusters', 'files', 'id', 'kind', 'message', 'severity', ...k.params].sort(),
      )
    }
  })

  it('loads the annotated example, which uses every kind', async () => {
    const out = await loadRulesFile({ path: 'examples/eks-access-rules.yaml', cwd: join(import.meta.dirname, '../../..') })
    expect(out.kind).toBe('loaded')
    if (out.kind !== 'loaded') return
    expect(out.result.ok ? [] : out.result.error.map(brief)).toEqual([])
    const kinds = new Set(out.result.ok ? out.result.value.rules.map((r) => r.kind) : [])
    expect([...kinds].sort()).toEqual(RULE_KINDS.map((k) => k.kind).sort())
  })
})

describe('loadRulesFile (disk edge)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'eag-rules-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('a missing default file means no rules; a missing --rules file is a usage error', async () => {
    expect(await loadRulesFile({ cwd: dir })).toEqual({ kind: 'absent' })
    const explicit = await loadRulesFile({ cwd: dir, path: 'rules.yaml' })
    expect(explicit.kind).toBe('usage')
    expect(explicit.kind === 'usage' && explicit.message).toMatch(/rules file "rules.yaml" not found/)
  })

  it('reads the default file with paths relative to cwd; a broken file is problems, not "no rules"', async () => {
    mkdirSync(join(dir, '.github'))
    writeFileSync(join(dir, '.github/eks-access-rules.yaml'), 'version: 1\nrules:\n  - { id: a, kind: nope }\n')
    const out = await loadRulesFile({ cwd: dir })
    expect(out.kind === 'loaded' && !out.result.ok && out.result.error.map(brief)).toEqual([`${F}:3:20 error schema:enum`])
    writeFileSync(join(dir, '.github/eks-access-rules.yaml'), 'version: 1\nrules:\n  - { id: a, kind: forbidden-groups, groups: [x] }\n')
    const good = await loadRulesFile({ cwd: dir })
    expect(good.kind === 'loaded' && good.result.ok && good.result.value.rules.map((r) => r.id)).toEqual(['a'])
    expect(good.kind === 'loaded' && { file: good.file, text: good.text }).toEqual({
      file: F,
      text: 'version: 1\nrules:\n  - { id: a, kind: forbidden-groups, groups: [x] }\n',
    })
  })
})
