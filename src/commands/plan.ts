/** `plan`: validate, read each selected cluster (live or from a snapshot) and diff; nothing is changed. */
import { resolve } from 'node:path'
import type { PlanRequest } from '../config/requests.js'
import { Outputs } from '../constants.js'
import { Outcomes, type Outcome } from '../outcome.js'
import { buildPlan } from '../plan/plan.js'
import { renderPlan } from '../plan/render/index.js'
import { renderProblemsText } from '../render/problems.js'
import type { CommandDeps } from './deps.js'
import { livePlanDeps, planAccess } from './plan-access.js'
import { rulesNotes } from './rules-note.js'

// The pipeline stage, kept importable from here for bench/ and tests.
export { planAccess, selectPlannedClusters, type PlanDeps, type PlanOptions, type PlanOutcome } from './plan-access.js'

export async function plan(request: PlanRequest, deps: CommandDeps): Promise<Outcome> {
  const rules = rulesNotes(request.rules, deps)
  if (!rules.ok) return Outcomes.usage(rules.error)
  const notes = rules.value
  const now = deps.now()
  const outcome = await planAccess(
    {
      manifest: request.manifest,
      cwd: deps.cwd,
      now,
      expiryWarningDays: request.expiryWarningDays,
      ...(request.state === undefined ? {} : { state: request.state }),
      ...(request.clusterGlob === undefined ? {} : { clusterGlob: request.clusterGlob }),
      ...(request.manifestCommit === undefined ? {} : { manifestCommit: request.manifestCommit }),
    },
    livePlanDeps(request, deps),
  )
  switch (outcome.kind) {
    case 'usage':
      return Outcomes.usage(outcome.message, { notes })
    case 'invalid': {
      // Nothing was read from AWS: an invalid manifest is reported like `validate` does, and the
      // JSON form stays a plan (no clusters) so scripts can read `problems` from one shape.
      const empty = buildPlan({ manifest: outcome.manifest, observed: new Map(), now, problems: outcome.problems, clusters: [] })
      const listing = renderProblemsText(outcome.problems, outcome.sources, {
        fileCount: outcome.sources.size,
        color: request.color,
        cwd: deps.cwd,
      })
      return Outcomes.invalid('manifest invalid: the plan was not computed', {
        problems: outcome.problems,
        notes,
        ...(request.format === 'json' ? { stdout: renderPlan(empty, 'json') } : { stderr: listing }),
        summary: renderPlan(empty, 'markdown'),
      })
    }
    case 'planned': {
      const p = outcome.plan
      const clusterErrors = p.clusters.filter((c) => c.errors.length > 0).length
      const json = renderPlan(p, 'json')
      const planFile = request.planFile === undefined ? undefined : resolve(deps.cwd, request.planFile)
      const parts = {
        problems: p.problems,
        notes: [...notes, ...outcome.deadAccessNotes.map((message) => ({ level: 'info' as const, message }))],
        stdout: renderPlan(p, request.format, { color: request.format === 'text' && request.color }),
        summary: renderPlan(p, 'markdown'),
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
