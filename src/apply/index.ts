/**
 * The apply engine's public surface (what src/commands/apply.ts and the action wire up).
 *
 *   const review = compareWithReviewed(plan, readReviewedPlan(stickyCommentBody))   // plan/marker.ts
 *   const result = await applyPlan({ plan, contexts, idempotencySeed: sha, review }, { apiFor, now, sleep }, { clusterConcurrency })
 *   renderApplyText(result) / renderApplyMarkdown(result); exit result.exitCode
 */
export { applyCluster, refusedCluster } from './engine.js'
export { applyPlan, type ApplyPlanDeps, type ApplyPlanInput, type ApplyPlanOptions, type ClusterContext } from './apply-plan.js'
export { renderApplyMarkdown, renderApplyText, formatCounts, type ApplyRenderOptions } from './render.js'
export { groupSteps, type Step, type StepKind } from './steps.js'
export type * from './types.js'
