/**
 * Organisation rules (PRODUCT.md "Organisation rules"): one module per rule kind (kinds.ts lists them),
 * the rules-file loader, the evaluation stage and the base-branch gate. Pure except `loadRulesFile`
 * (disk) and `readRulesAtBase` (git / contents API through what it is given).
 *
 *   parseRulesSource | loadRulesFile → RuleSet → evaluateOrgRules(ruleSet, manifest) → Problem[]
 *   pull_request: readRulesAtBase → parseRulesSource → evaluateOrgRules; compareRuleVerdicts(base, head)
 */
export { DEFAULT_RULES_FILE, compileRulesSchema, loadRulesFile, parseRulesSource, rulesSchema, type RulesFileOutcome } from './load.js'
export { evaluateOrgRules, interpolate, PLACEHOLDERS } from './evaluate.js'
export { RULE_KINDS, RULE_KINDS_BY_NAME, COMMON_MEMBERS } from './kinds.js'
export { compileCel, celEntry, celCluster } from './cel.js'
export { compareRuleVerdicts, readRulesAtBase, type BaseRulesRead, type ContentsReader, type RuleVerdictDiff } from './base.js'
export type { CompiledRule, EvaluateOptions, RuleSet, Violation, EntryView, ClusterView, RuleCommon } from './types.js'
