import type { Plan } from '../../types.js'
import { renderJsonPlan } from './json.js'
import { renderMarkdownPlan } from './markdown.js'
import { assertNever, renderTextPlan } from './text.js'

export type PlanFormat = 'text' | 'markdown' | 'json'

export interface RenderOptions {
  /** text only: ANSI colours (the CLI turns them on for a TTY with NO_COLOR unset). */
  readonly color?: boolean
  /** markdown only: hard limit on the length (default 65,536, GitHub's comment limit). */
  readonly maxLength?: number
}

/** Renders a plan once; the caller writes it where it belongs (stdout, comment, job summary). */
export function renderPlan(plan: Plan, format: PlanFormat, opts: RenderOptions = {}): string {
  switch (format) {
    case 'text':
      return renderTextPlan(plan, opts.color === undefined ? {} : { color: opts.color })
    case 'markdown':
      return renderMarkdownPlan(plan, opts.maxLength === undefined ? {} : { maxLength: opts.maxLength })
    case 'json':
      return renderJsonPlan(plan)
    default:
      return assertNever(format)
  }
}

export { renderJsonPlan, stringifySorted } from './json.js'
export { DEFAULT_MAX_LENGTH, escapeMarkdown, renderMarker, renderMarkdownPlan } from './markdown.js'
export { renderTextPlan, showInvisible } from './text.js'
