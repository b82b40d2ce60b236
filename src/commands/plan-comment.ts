/**
 * The sticky pull-request comment of a plan, as one string: the hidden marker on the FIRST line
 * (head commit, shard, one hash per cluster), the review comment (src/plan/render/review.ts),
 * and the reviewed-change digests at the END (apply reads both back). Never longer than GitHub's
 * 65,536 characters: the renderer gets whatever the marker and the digests leave.
 */
import type { PullRequestPlan } from '../config/requests.js'
import { MAX_BODY_CHARACTERS } from '../github/port.js'
import { formatMarker, formatReviewedDigests, markerDataFor } from '../plan/marker.js'
import { renderReviewComment, type ReviewContext } from '../plan/render/review.js'
import type { ObservedCluster, Plan, PlanError, Problem, Result } from '../types.js'

/** How long a head commit is shown in the comment's title (the marker keeps the full sha). */
const SHORT_SHA = 12

/** Where the comment says the full plan is, when it had to be shortened. */
export const PLAN_FILE_HINT = 'the plan-file output of this run (the JSON plan; upload it with actions/upload-artifact to keep it)'

export interface CommentInput {
  readonly pr: Pick<PullRequestPlan, 'head' | 'shard'>
  /** Notes shown at the top (e.g. why the plan was made offline). */
  readonly notes?: readonly string[]
  /** The pull request changes the organisation rules file (validate's `RulesReport.change`, base origin). */
  readonly rulesChange?: ReviewContext['rulesChange'] /** What could not be planned from, for the invalid comment's headline (default the manifest). */
  readonly invalidInput?: ReviewContext['invalidInput']
}

function context(marker: string, input: CommentInput): ReviewContext {
  return {
    marker,
    ...(input.pr.shard === '*' ? {} : { shard: input.pr.shard }),
    headSha: input.pr.head.slice(0, SHORT_SHA),
    planFileHint: PLAN_FILE_HINT,
    ...(input.notes === undefined || input.notes.length === 0 ? {} : { notes: input.notes }),
    ...(input.rulesChange === undefined ? {} : { rulesChange: input.rulesChange }),
    ...(input.invalidInput === undefined ? {} : { invalidInput: input.invalidInput }),
  }
}

/** The marker line: what `upsertStickyComment` finds the comment by. */
export function planMarkerLine(plan: Plan, pr: Pick<PullRequestPlan, 'head' | 'shard'>): string {
  return formatMarker(markerDataFor(plan, pr.head, pr.shard))
}

/** marker + review comment + digests, within GitHub's limit. */
export function planCommentBody(
  plan: Plan,
  observed: ReadonlyMap<string, Result<ObservedCluster, PlanError>>,
  input: CommentInput,
): string {
  const marker = planMarkerLine(plan, input.pr)
  const digests = formatReviewedDigests(plan, input.pr.head)
  const tail = digests === '' ? '' : `\n${digests}\n`
  const review = renderReviewComment({ plan, observed, context: context(marker, input) }, { maxLength: MAX_BODY_CHARACTERS - tail.length })
  return `${review}${tail}`
}

/**
 * The comment for a manifest that could not be planned: every error (file:line, code, message)
 * instead of an empty plan, so the author sees in the pull request what to fix. The marker names
 * no cluster, so apply never takes it for a reviewed plan of anything.
 */
export function invalidCommentBody(empty: Plan, problems: readonly Problem[], input: CommentInput): string {
  const marker = planMarkerLine(empty, input.pr)
  return renderReviewComment({ problems, context: context(marker, input) }, { maxLength: MAX_BODY_CHARACTERS })
}
