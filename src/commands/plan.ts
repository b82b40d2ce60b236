/** `plan`: validate, read each selected cluster (live or from a snapshot) and diff; nothing is changed. */
import { resolve } from 'node:path'
import type { PlanRequest } from '../config/requests.js'
import { Outputs, PRODUCT } from '../constants.js'
import { Outcomes, type GitHubWrite, type Note, type Outcome } from '../outcome.js'
import { MARKER_PREFIX } from '../plan/marker.js'
import { buildPlan } from '../plan/plan.js'
import { renderPlan } from '../plan/render/index.js'
import { renderProblemsText } from '../render/problems.js'
import { escapeMarkdown } from '../render/safe.js'
import type { CommandDeps } from './deps.js'
import { invalidCommentBody, planCommentBody } from './plan-comment.js'
import { livePlanDeps, planAccess } from './plan-access.js'
import { rulesOptions } from './rules-options.js'
import { rulesNotes } from './validate.js'
import type { RulesReport } from '../manifest/validate.js'
import type { CommentInput } from './plan-comment.js'

// The pipeline stage, kept importable from here for bench/ and tests.
export { planAccess, selectPlannedClusters, type PlanDeps, type PlanOptions, type PlanOutcome } from './plan-access.js'

export async function plan(request: PlanRequest, deps: CommandDeps): Promise<Outcome> {
  const notes: Note[] = request.notice === undefined ? [] : [{ level: 'info', message: request.notice }]
  const pr = request.pullRequest
  // On a pull request the notice is a note inside the comment; elsewhere it leads the summary.
  const withNotice = (markdown: string): string =>
    request.notice === undefined || pr !== undefined ? markdown : `> ${escapeMarkdown(request.notice)}\n\n${markdown}`
  const now = deps.now()
  const outcome = await planAccess(
    {
      manifest: request.manifest,
      cwd: deps.cwd,
      now,
      expiryWarningDays: request.expiryWarningDays,
      rules: rulesOptions(request.rules, deps),
      ...(request.state === undefined ? {} : { state: request.state }),
      ...(request.clusterGlob === undefined ? {} : { clusterGlob: request.clusterGlob }),
      ...(request.manifestCommit === undefined ? {} : { manifestCommit: request.manifestCommit }),
    },
    livePlanDeps(request, deps),
  )
  const comment: CommentInput | undefined =
    pr === undefined
      ? undefined
      : {
          pr,
          ...(request.notice === undefined ? {} : { notes: [request.notice] }),
          ...rulesChangeOf(outcome.kind === 'usage' ? undefined : outcome.rules),
        }
  // Which rules decided and what the PR's own rules would change, in the log as validate says it.
  if (outcome.kind !== 'usage') notes.push(...rulesNotes(outcome.rules))
  switch (outcome.kind) {
    case 'usage': {
      // The shared stage words the filter as the CLI flag; the action names its input.
      const name = request.clusterFilterName
      const message = name === undefined ? outcome.message : outcome.message.replace(/^--cluster /, `${name} `)
      return Outcomes.usage(message, { notes, summary: withNotice(`### ❌ ${escapeMarkdown(`${PRODUCT} plan: ${message}`)}\n`) })
    }
    case 'invalid': {
      // Nothing was read from AWS: an invalid manifest is reported like `validate` does, and the
      // JSON form stays a plan (no clusters) so scripts can read `problems` from one shape.
      const empty = buildPlan({ manifest: outcome.manifest, observed: new Map(), now, problems: outcome.problems, clusters: [] })
      const listing = renderProblemsText(outcome.problems, outcome.sources, {
        fileCount: outcome.sources.size,
        color: request.color,
        cwd: deps.cwd,
      })
      // On a pull request the comment lists the errors, so the author sees what to fix.
      const body =
        comment === undefined
          ? renderPlan(empty, 'markdown')
          : invalidCommentBody(empty, outcome.problems, {
              ...comment,
              ...(outcome.input === undefined ? {} : { invalidInput: outcome.input }),
            })
      const what = outcome.input === 'state' ? 'state snapshot' : 'manifest'
      return Outcomes.invalid(`${what} invalid: the plan was not computed`, {
        problems: outcome.problems,
        notes,
        ...(request.format === 'json' ? { stdout: renderPlan(empty, 'json') } : { stderr: listing }),
        summary: withNotice(body),
        writes: commentWrites(request, body),
      })
    }
    case 'planned': {
      const p = outcome.plan
      const clusterErrors = p.clusters.filter((c) => c.errors.length > 0).length
      const json = renderPlan(p, 'json')
      const markdown = comment === undefined ? renderPlan(p, 'markdown') : planCommentBody(p, outcome.observed, comment)
      const planFile = request.planFile === undefined ? undefined : resolve(deps.cwd, request.planFile)
      const parts = {
        problems: p.problems,
        notes: [...notes, ...outcome.deadAccessNotes.map((message) => ({ level: 'info' as const, message }))],
        stdout: renderPlan(p, request.format, { color: request.format === 'text' && request.color }),
        summary: withNotice(markdown),
        writes: commentWrites(request, markdown),
        outputs: {
          [Outputs.HasChanges]: String(
            p.summary.create + p.summary.update + p.summary.replace + p.summary.delete + p.summary.associate + p.summary.disassociate > 0,
          ),
          [Outputs.Summary]: JSON.stringify(p.summary),
          [Outputs.Clusters]: JSON.stringify(p.clusters.map((c) => c.cluster)),
          ...(planFile === undefined ? {} : { [Outputs.PlanFile]: planFile }),
        },
        files: planFile === undefined ? [] : [{ path: planFile, text: json }],
      }
      return clusterErrors > 0
        ? Outcomes.invalid(`the plan has errors in ${clusterErrors} of ${p.clusters.length} clusters`, parts)
        : Outcomes.ok(parts)
    }
  }
}

/** The PR's change to the organisation rules file, for the comment (only when the base commit's rules decided). */
function rulesChangeOf(rules: RulesReport | undefined): Pick<CommentInput, 'rulesChange'> {
  if (rules?.change === undefined || rules.origin.kind !== 'base') return {}
  return { rulesChange: { change: rules.change, baseSha: rules.origin.sha } }
}

/** The sticky comment, when this plan is for a pull request that may be commented on. */
function commentWrites(request: PlanRequest, body: string): GitHubWrite[] {
  const pr = request.pullRequest
  if (pr === undefined || !pr.comment) return []
  return [{ kind: 'sticky-comment', issueNumber: pr.number, marker: MARKER_PREFIX, body }]
}
