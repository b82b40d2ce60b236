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
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
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

const HTML_ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }

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
