/** `validate`: the manifest against the schema and the rules EKS enforces; every problem at once. */
import type { ValidateRequest } from '../config/requests.js'
import { Outputs, PRODUCT } from '../constants.js'
import { Outcomes, type Note, type Outcome } from '../outcome.js'
import { renderProblemsJson, renderProblemsMarkdown, renderProblemsText, summarizeProblems } from '../render/problems.js'
import { escapeMarkdown } from '../render/safe.js'
import type { CommandDeps } from './deps.js'
import { rulesNotes } from './rules-note.js'

export async function validate(request: ValidateRequest, deps: CommandDeps): Promise<Outcome> {
  const rules = rulesNotes(request.rules, deps)
  if (!rules.ok) return Outcomes.usage(rules.error)
  const notes: Note[] = [...(request.notice === undefined ? [] : [{ level: 'info' as const, message: request.notice }]), ...rules.value]

  const checked = await deps.validate({
    manifest: request.manifest,
    cwd: deps.cwd,
    now: deps.now(),
    expiryWarningDays: request.expiryWarningDays,
  })
  if (checked.kind === 'usage') return Outcomes.usage(checked.message, { notes })

  const { problems, sources } = checked
  const fileCount = Math.max(checked.manifest.files.length, sources.size)
  const stdout =
    request.format === 'json'
      ? renderProblemsJson(checked.ok, problems)
      : renderProblemsText(problems, sources, { fileCount, color: request.color, cwd: deps.cwd })
  const table = renderProblemsMarkdown(problems, { fileCount, title: `${PRODUCT} validate` })
  const parts = {
    problems,
    stdout,
    summary: request.notice === undefined ? table : `> ${escapeMarkdown(request.notice)}\n\n${table}`,
    // The logical cluster names, so a later job can fan out over them with a matrix.
    outputs: { [Outputs.Clusters]: JSON.stringify(checked.manifest.clusters.map((c) => c.key)) },
    notes,
  }
  return checked.ok ? Outcomes.ok(parts) : Outcomes.invalid(`manifest invalid: ${summarizeProblems(problems, fileCount)}`, parts)
}
