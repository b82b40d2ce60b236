/**
 * Everything that makes untrusted text (manifest values, AWS names, anything a pull request
 * controls) safe to show, in one place: terminal sanitising, Markdown escaping and truncation.
 * The problem renderer (render/problems.ts) and the plan renderers (plan/render/*) use only these.
 */

/*
 * One set of dangerous characters for every output: C0/C1 controls (ESC starts terminal sequences,
 * CR/LF start new lines), bidi overrides and isolates (they reorder what a reviewer reads, "Trojan
 * Source"), zero-width and other invisible format characters, and line/paragraph separators.
 */
const INVISIBLE =
  /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u115f\u1160\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\u3164\ufeff\ufff9-\ufffb]/gu

/** Tab and newline are layout, not attacks, in the problem listing (its own lines come from us). */
const LAYOUT = new Set(['\t', '\n'])

/**
 * For the terminal listing of problems: every invisible or control character becomes `?`, except
 * tab and newline, so nothing can move the cursor, recolour the screen or reorder the text.
 */
export function sanitizeForTerminal(text: string): string {
  return text.replace(INVISIBLE, (ch) => (LAYOUT.has(ch) ? ch : '?'))
}

const NAMED_ESCAPES: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' }

/**
 * For values inside a plan: invisible and control characters as visible escapes (`\n`, `\u001B`,
 * `\u202E`), so a value can never start a line, move the cursor or reorder the text around it.
 */
export function showInvisible(value: string): string {
  return value.replace(INVISIBLE, (ch) => {
    const named = NAMED_ESCAPES[ch]
    if (named !== undefined) return named
    return `\\u${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`
  })
}

/**
 * Markdown for a table cell or heading built from messages (job summary of problems): line breaks
 * become spaces, invisible characters `?`, and every ASCII punctuation character is
 * backslash-escaped (CommonMark allows it for all of them, and GFM tables honour `\|`). So no
 * value can open a link or autolink (`https\:`, `www\.`), an HTML tag, a code span, emphasis, a new
 * table cell, an `\@mention` or a `\#123` reference.
 */
export function escapeMarkdown(text: string): string {
  return sanitizeForTerminal(text.replace(/\r\n|\r|\n|\t/g, ' ')).replace(/[!-/:-@[-`{-~]/g, (c) => `\\${c}`)
}

/**
 * Markdown for a value inside the plan (names, ARNs, tags): invisible characters as visible
 * escapes, `& < > "` as entities (no HTML, no comment end `-->`), Markdown punctuation with a
 * backslash (no emphasis, links, code spans, strikethrough or `|` cell breaks). Keeps `.`, `:`
 * and `/` readable, so ARNs stay copyable; use it inside `<code>` or with escapeMarkdownText.
 */
export function escapeMarkdownValue(value: string): string {
  return showInvisible(value)
    .replace(/[\\`*_[\]|~!#()]/g, (ch) => `\\${ch}`)
    .replace(/[&<>"]/g, (ch) => HTML_ENTITIES[ch] ?? ch)
}

/**
 * A value in running Markdown text: escapeMarkdownValue and a zero-width space after each `@`, so
 * GitHub does not notify `@user` or `@org/team` from a bot comment.
 */
export function escapeMarkdownText(value: string): string {
  return escapeMarkdownValue(value).replace(/@/g, '@&#8203;')
}

/** `text` cut to `max` characters (never half a surrogate pair), with an ellipsis when cut. */
export function truncateText(text: string, max: number): string {
  if (text.length <= max) return text
  const cut = text.slice(0, max - 1)
  return `${/[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut}…`
}

// ───────────── the review comment's two forms (src/plan/render/review.ts) ─────────────

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

/** Entities for HTML-significant characters (each escaper picks the ones its context needs). */
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
