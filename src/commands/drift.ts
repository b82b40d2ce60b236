/**
 * `drift`: plan against live state (or `--state`), then classify every difference for a security
 * reader (src/drift/classify.ts): changed outside the repo, unknown access, pending. Nothing is
 * changed. Expired access is absent from the plan (its removal is pending), never a failure.
 *
 * Products: the report in `--format` on stdout, Markdown in the job summary, the outputs `drift`,
 * `drift-changed`, `drift-unknown`, `drift-pending`, and one GitHub write as data: the drift issue
 * (label `eks-access-drift`, body beginning with `<!-- eks-access-gate:drift -->`), open while drift
 * lasts, closed when it is gone. The CLI ignores the write; the runner adapter performs it.
 * Exit: 0, or 1 with `--fail-on-drift` when drift exists; 1 when a cluster could not be classified
 * (a partial picture would under-report); 1 for an invalid manifest; 2 for usage errors.
 */
import type { DriftRequest } from '../config/requests.js'
import { Outputs } from '../constants.js'
import { classifyDrift, DRIFT_LABEL, renderDrift, type DriftReport } from '../drift/index.js'
import { Outcomes, type GitHubWrite, type Note, type Outcome } from '../outcome.js'
import { renderProblemsText } from '../render/problems.js'
import type { CommandDeps } from './deps.js'
import { livePlanDeps, planAccess } from './plan-access.js'
import { rulesOptions } from './rules-options.js'

/** The drift issue's title; the issue is found by its label and first-line marker, not by title. */
export const DRIFT_ISSUE_TITLE = 'EKS access drift'

export async function driftCommand(request: DriftRequest, deps: CommandDeps): Promise<Outcome> {
  const ruleNotes: Note[] = []
  const outcome = await planAccess(
    {
      manifest: request.manifest,
      cwd: deps.cwd,
      now: deps.now(),
      expiryWarningDays: request.expiryWarningDays,
      rules: rulesOptions(request.rules, deps),
      ...(request.state === undefined ? {} : { state: request.state }),
      ...(request.clusterGlob === undefined ? {} : { clusterGlob: request.clusterGlob }),
    },
    livePlanDeps(request, deps),
  )
  switch (outcome.kind) {
    case 'usage':
      return Outcomes.usage(outcome.message, { notes: ruleNotes })
    case 'invalid':
      // Nothing was read: drift cannot be judged against a manifest that is wrong. No issue write
      // either: the issue reports drift, and a broken manifest is the pull request gate's job.
      return Outcomes.invalid(`${outcome.input === 'state' ? 'state snapshot' : 'manifest'} invalid: drift was not checked`, {
        problems: outcome.problems,
        notes: ruleNotes,
        stderr: renderProblemsText(outcome.problems, outcome.sources, {
          fileCount: outcome.sources.size,
          color: request.color,
          cwd: deps.cwd,
        }),
      })
    case 'planned': {
      const report = classifyDrift(outcome.plan, outcome.observed, outcome.manifest, outcome.dead.dead)
      const notes: Note[] = [...ruleNotes, ...outcome.deadAccessNotes.map((message) => ({ level: 'info' as const, message }))]
      const problems = outcome.plan.problems
      // Warnings (expiry, dead access) go to stderr as located lines, so stdout stays the report.
      // Dead access on an entry the manifest does not name has no file position: the report's
      // "Dead access" section already shows it.
      const located = problems.filter((p) => p.file !== '' && p.line > 0)
      const listing =
        located.length === 0
          ? undefined
          : renderProblemsText(located, outcome.sources, { fileCount: outcome.sources.size, color: request.color, cwd: deps.cwd })
      return driftOutcome(report, request, problems, notes, listing)
    }
  }
}

/** The report as an Outcome: products, outputs, the issue write and the verdict. */
export function driftOutcome(
  report: DriftReport,
  request: Pick<DriftRequest, 'format' | 'failOnDrift'>,
  problems: Outcome['problems'],
  notes: readonly Note[],
  stderr?: string,
): Outcome {
  const markdown = renderDrift(report, 'markdown')
  const unclassified = report.errors.length
  const parts = {
    problems,
    notes,
    stdout: renderDrift(report, request.format),
    ...(stderr === undefined ? {} : { stderr }),
    summary: markdown,
    outputs: {
      [Outputs.Drift]: String(report.drift),
      [Outputs.DriftChanged]: String(report.counts.changed),
      [Outputs.DriftUnknown]: String(report.counts.unknown),
      [Outputs.DriftPending]: String(report.counts.pending),
    },
    // A run that could not classify some cluster does not close the issue: "no drift" would be a
    // claim about clusters it never saw.
    writes: unclassified > 0 && !report.drift ? [] : [driftIssueWrite(report, markdown)],
  }
  if (unclassified > 0) {
    const names = report.errors.map((e) => e.cluster).join(', ')
    return Outcomes.failed(`drift not checked for ${unclassified} cluster${unclassified === 1 ? '' : 's'} (${names}): see the report`, {
      ...parts,
      failureReason: 'cluster-errors',
    })
  }
  if (report.drift && request.failOnDrift) {
    const c = report.counts
    return Outcomes.failed(`drift: ${c.changed} changed outside the repo, ${c.unknown} unknown, ${c.pending} pending`, {
      ...parts,
      failureReason: 'drift',
    })
  }
  return Outcomes.ok(parts)
}

/** The drift issue as data: open (created or updated) while drift lasts, closed when it is gone. */
export function driftIssueWrite(report: DriftReport, markdown: string): GitHubWrite {
  return { kind: 'issue', title: DRIFT_ISSUE_TITLE, body: markdown, labels: [DRIFT_LABEL], state: report.drift ? 'open' : 'closed' }
}
