import { validateSources } from '../../../src/manifest/validate.js'
import { evaluateOrgRules, parseRulesSource, type EvaluateOptions, type RuleSet } from '../../../src/rules/org/index.js'
import type { Manifest, Problem } from '../../../src/types.js'

export const NOW = new Date('2026-11-15T12:00:00Z')
export const RULES_FILE = '.github/eks-access-rules.yaml'

/** YAML with the common indentation removed, so tests can indent it with the code. */
export function yaml(text: string): string {
  const lines = text.replace(/^\n/, '').split('\n')
  const indent = Math.min(...lines.filter((l) => l.trim() !== '').map((l) => l.length - l.trimStart().length))
  return lines.map((l) => l.slice(indent)).join('\n')
}

export function manifestOf(files: Readonly<Record<string, string>>): Manifest {
  const out = validateSources(
    Object.entries(files).map(([file, text]) => ({ file, text: yaml(text) })),
    { now: NOW, expiryWarningDays: 7 },
  )
  return out.manifest
}

export function ruleSetOf(text: string): RuleSet {
  const r = parseRulesSource(RULES_FILE, yaml(text))
  if (!r.ok) throw new Error(`rules did not load: ${r.error.map(brief).join('; ')}`)
  return r.value
}

/** `file:line:col severity code` — what the tables compare. */
export function brief(p: Problem): string {
  return `${p.file}:${p.line}:${p.column} ${p.severity} ${p.code}`
}

export function evaluate(rules: string, files: Readonly<Record<string, string>>, opts: EvaluateOptions = {}): Problem[] {
  return evaluateOrgRules(ruleSetOf(rules), manifestOf(files), opts)
}

/** Wraps rule YAML (one rule, indented as a list item body) in a rules file. */
export function oneRule(body: string): string {
  return `version: 1\nrules:\n  - ${yaml(body).trimEnd().split('\n').join('\n    ')}\n`
}
