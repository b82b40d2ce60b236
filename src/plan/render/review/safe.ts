import { showInvisible } from '../text.js'

/**
 * Untrusted text (anything read from EKS, a snapshot or a manifest) in the review comment. Two
 * forms, and no third:
 *
 * - `code(v)`: a Markdown code span. GitHub makes no link, mention, issue reference, emoji or
 *   markup inside code, so the value is shown literally (copyable) except that control and
 *   invisible characters are made visible, the comment delimiters `<!--` / `-->` are split with a
 *   word joiner (no marker text in the raw body), and the fence is longer than any backtick run.
 * - `text(v)` / `htmlCode(v)`: running prose and HTML (`<summary>`). Markup is escaped with
 *   entities and backslashes, and every pattern GitHub's autolinker or reference filters act on
 *   (`scheme:`, `www.`, `@name`, `#123`, `GH-123`, commit-like hex) is split with a zero-width
 *   space, since those filters run on the final HTML text, after Markdown escapes are gone.
 *
 * Both shorten values longer than a bound with a middle ellipsis (head and tail of an ARN are
 * the parts that tell two apart); the full value is only in the JSON plan.
 */

/** Longest untrusted value shown in full (code points, after invisible characters are made visible). */
export const VALUE_LIMIT = 80
/** Longest message (errors, problems) shown in full. */
export const MESSAGE_LIMIT = 400

const ZWSP = '\u200b'
const WORD_JOINER = '\u2060'

/** `head…tail` when longer than `limit` code points; never splits a surrogate pair. */
export function shorten(value: string, limit: number = VALUE_LIMIT): string {
  const points = [...value]
  if (points.length <= limit) return value
  const keep = Math.max(2, limit - 1)
  const head = Math.ceil(keep * 0.6)
  return `${points.slice(0, head).join('')}…${points.slice(points.length - (keep - head)).join('')}`
}

/** A Markdown code span showing `value` literally (shortened, invisibles made visible). */
export function code(value: string, limit: number = VALUE_LIMIT): string {
  const body = shorten(showInvisible(value), limit)
    .replace(/<!--/g, `<!${WORD_JOINER}--`)
    .replace(/--(?=>)/g, `--${WORD_JOINER}`)
  let longest = 0
  for (const run of body.match(/`+/g) ?? []) longest = Math.max(longest, run.length)
  const fence = '`'.repeat(longest + 1)
  // CommonMark strips one space from each side when both are there: pad so that stripping
  // removes our padding, and so that a value starting or ending in a backtick cannot join the fence.
  const pad = body.startsWith('`') || body.endsWith('`') || (body.startsWith(' ') && body.endsWith(' ')) ? ' ' : ''
  return body === '' ? '` `' : `${fence}${pad}${body}${pad}${fence}`
}

const HTML_ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
}

/** Splits what GitHub's autolinker, mention, reference and commit filters would match. */
export function neutralize(value: string): string {
  return (
    value
      // any scheme (`https:`, `mailto:`, `javascript:`) and emoji short codes: nothing after a colon is a link
      .replace(/:(?=\S)/g, `:${ZWSP}`)
      .replace(/\b(www)\./gi, `$1${ZWSP}.`)
      .replace(/@/g, `@${ZWSP}`)
      .replace(/#/g, `#${ZWSP}`)
      .replace(/\b(GH)-(?=\d)/gi, `$1-${ZWSP}`)
      // commit SHAs are linked from 7 hex digits on: no hex run of 7 survives
      .replace(/[0-9a-f]{7,}/gi, (run) => (run.match(/.{1,6}/g) ?? [run]).join(ZWSP))
  )
}

/** Untrusted value in running Markdown text: no markup, link, mention or reference. */
export function text(value: string, limit: number = MESSAGE_LIMIT): string {
  return neutralize(shorten(showInvisible(value), limit))
    .replace(/[\\`*_[\]|~!(){}]/g, (ch) => `\\${ch}`)
    .replace(/[&<>"']/g, (ch) => HTML_ENTITIES[ch] ?? ch)
}

/** Untrusted value inside an HTML block (`<summary>`), where Markdown is not parsed. */
export function htmlCode(value: string, limit: number = VALUE_LIMIT): string {
  // Backticks too: were the block ever read as Markdown, no code span could open.
  const escaped = neutralize(shorten(showInvisible(value), limit)).replace(/[&<>"'`]/g, (ch) => HTML_ENTITIES[ch] ?? ch)
  return `<code>${escaped}</code>`
}
