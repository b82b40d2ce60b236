/** `validate`: the manifest against the schema, the rules EKS enforces and the organisation rules; every problem at once. */
import type { ValidateRequest } from '../config/requests.js'
import { Outputs, PRODUCT } from '../constants.js'
import type { CheckedOutcome, RulesReport } from '../manifest/validate.js'
import { Outcomes, type Note, type Outcome } from '../outcome.js'
import {
  describeRulesChange,
  renderProblemsJson,
  renderProblemsMarkdown,
  renderProblemsText,
  renderRulesChangeMarkdown,
  summarizeProblems,
} from '../render/problems.js'
import { escapeMarkdown } from '../render/safe.js'
import type { CommandDeps } from './deps.js'
import { rulesOptions } from './rules-options.js'

export async function validate(request: ValidateRequest, deps: CommandDeps): Promise<Outcome> {
  const notice: Note[] = request.notice === undefined ? [] : [{ level: 'info', message: request.notice }]
  const checked = await deps.validate({
    manifest: request.manifest,
    cwd: deps.cwd,
    now: deps.now(),
    expiryWarningDays: request.expiryWarningDays,
    rules: rulesOptions(request.rules, deps),
  })
  if (checked.kind === 'usage') return Outcomes.usage(checked.message, { notes: notice })

  const { problems, sources } = checked
  const fileCount = manifestFileCount(checked)
  const stdout =
    request.format === 'json'
      ? renderProblemsJson(checked.ok, problems)
      : renderProblemsText(problems, sources, { fileCount, color: request.color, cwd: deps.cwd })
  const table = renderProblemsMarkdown(problems, { fileCount, title: `${PRODUCT} validate` })
  const rules = checked.rules
  const change =
    rules?.change !== undefined && rules.origin.kind === 'base' ? renderRulesChangeMarkdown(rules.change, rules.origin.sha) : ''
  const summary = [request.notice === undefined ? '' : `> ${escapeMarkdown(request.notice)}\n\n`, table, change === '' ? '' : `\n${change}`]
  const parts = {
    problems,
    stdout,
    summary: summary.join(''),
    // The logical cluster names, so a later job can fan out over them with a matrix.
    outputs: { [Outputs.Clusters]: JSON.stringify(checked.manifest.clusters.map((c) => c.key)) },
    notes: [...notice, ...rulesNotes(rules)],
  }
  return checked.ok ? Outcomes.ok(parts) : Outcomes.invalid(`manifest invalid: ${summarizeProblems(problems, fileCount)}`, parts)
}

/** Manifest files checked (the rules file's text is among the sources, for excerpts, but is not one of them). */
function manifestFileCount(checked: CheckedOutcome): number {
  const rulesFile = checked.rules?.file
  const extra = rulesFile !== undefined && checked.sources.has(rulesFile) && !checked.manifest.files.includes(rulesFile) ? 1 : 0
  return Math.max(checked.manifest.files.length, checked.sources.size - extra)
}

/**
 * On a pull request, which rules decided (the base commit's) and, when the PR changes the rules
 * file, what that change would do after merge. Elsewhere the rules need no note: their problems say it.
 */
export function rulesNotes(rules: RulesReport | undefined): Note[] {
  if (rules === undefined || rules.origin.kind !== 'base') return []
  const { sha, via } = rules.origin
  const at = `at the base commit ${sha.slice(0, 12)} (read via ${via === 'git' ? 'git' : 'the contents API'})`
  const used: Note =
    rules.file === undefined
      ? { level: 'info', message: `organisation rules: no rules file ${at}, so no organisation rules apply to this pull request` }
      : {
          level: 'info',
          message: rules.broken
            ? `organisation rules: the rules file ${rules.file} ${at} is invalid`
            : `organisation rules: ${rules.evaluated} rule${rules.evaluated === 1 ? '' : 's'} from ${rules.file} ${at}`,
        }
  return rules.change === undefined ? [used] : [used, { level: 'warning', message: describeRulesChange(rules.change, sha) }]
}
