/**
 * Renders validation problems for people (text, with the source line and a caret), for machines
 * (the stable JSON of PRODUCT.md) and for the job summary (Markdown). Pure: strings in, string out.
 */
import { isAbsolute, relative, sep } from 'node:path'
import type { Problem } from '../types.js'
import { escapeMarkdown, escapeMarkdownValue, sanitizeForTerminal, text, truncateText } from './safe.js'

export { escapeMarkdown, sanitizeForTerminal, truncateText }

export interface TextOptions {
  /** How many manifest files were checked (for the summary line). */
  readonly fileCount: number
  /** ANSI colours: only on a TTY without NO_COLOR; the caller decides. */
  readonly color: boolean
  /** Working directory, to show absolute paths relative to it. */
  readonly cwd?: string
}

const ANSI = {
  reset: '\u001b[0m',
  bold: '\u001b[1m',
  dim: '\u001b[2m',
  red: '\u001b[31m',
  yellow: '\u001b[33m',
  green: '\u001b[32m',
  cyan: '\u001b[36m',
}

type Paint = (style: keyof typeof ANSI, text: string) => string

function painter(color: boolean): Paint {
  return color ? (style, text) => `${ANSI[style]}${text}${ANSI.reset}` : (_style, text) => text
}

/** The path as the user should see it: relative to the working directory, `/`-separated. */
export function displayPath(file: string, cwd?: string): string {
  const shown = cwd !== undefined && isAbsolute(file) ? relative(cwd, file) : file
  return shown.split(sep).join('/')
}

export function countProblems(problems: readonly Problem[]): { errors: number; warnings: number } {
  const errors = problems.filter((p) => p.severity === 'error').length
  return { errors, warnings: problems.length - errors }
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`

/** `2 errors, 1 warning in 3 files`, or `3 files valid` when there is nothing to report. */
export function summarizeProblems(problems: readonly Problem[], fileCount: number): string {
  if (problems.length === 0) return `${plural(fileCount, 'file')} valid`
  const { errors, warnings } = countProblems(problems)
  return `${plural(errors, 'error')}, ${plural(warnings, 'warning')} in ${plural(fileCount, 'file')}`
}

/** Text output: `FILE:LINE:COL: SEVERITY CODE: MESSAGE`, the source line, a caret, then a summary line. */
export function renderProblemsText(problems: readonly Problem[], sources: ReadonlyMap<string, string>, options: TextOptions): string {
  const paint = painter(options.color)
  const blocks = problems.map((p) => renderProblemBlock(p, sources, options.cwd, paint))
  const { errors, warnings } = countProblems(problems)
  const summary = summarizeProblems(problems, options.fileCount)
  const styled = errors > 0 ? paint('red', summary) : warnings > 0 ? paint('yellow', summary) : paint('green', summary)
  // A blank line sets the summary apart from the last source snippet.
  return [...blocks, ...(blocks.length > 0 ? [''] : []), paint('bold', styled)].join('\n') + '\n'
}

function renderProblemBlock(p: Problem, sources: ReadonlyMap<string, string>, cwd: string | undefined, paint: Paint): string {
  const where = sanitizeForTerminal(`${displayPath(p.file, cwd)}:${p.line}:${p.column}:`)
  const severity = paint(p.severity === 'error' ? 'red' : 'yellow', p.severity)
  const head = `${paint('bold', where)} ${severity} ${sanitizeForTerminal(p.code)}: ${sanitizeForTerminal(p.message)}`
  const snippet = sourceSnippet(sources.get(p.file), p.line, p.column, paint)
  return snippet === undefined ? head : `${head}\n${snippet}`
}

/** Widest source line shown; longer lines are cut to a window around the column. */
const MAX_SNIPPET = 160

/**
 * The offending line with a caret under the column, e.g.
 * ```
 *   12 |     acessPolicies:
 *      |     ^
 * ```
 * Tabs before the column are kept in the caret line so it stays aligned. Undefined when the
 * line is not in the source (an empty file, a problem about the file as a whole).
 */
export function sourceSnippet(text: string | undefined, line: number, column: number, paint: Paint = painter(false)): string | undefined {
  if (text === undefined || line < 1) return undefined
  const lines = text.replace(/^\uFEFF/, '').split('\n')
  const raw = lines[line - 1]
  if (raw === undefined) return undefined
  const full = raw.endsWith('\r') ? raw.slice(0, -1) : raw
  const index = Math.min(Math.max(column, 1), full.length + 1) - 1
  const start = full.length > MAX_SNIPPET ? Math.max(0, Math.min(index - MAX_SNIPPET / 2, full.length - MAX_SNIPPET)) : 0
  const cutLeft = start > 0
  const cutRight = start + MAX_SNIPPET < full.length
  const shown = (cutLeft ? '...' : '') + full.slice(start, start + MAX_SNIPPET) + (cutRight ? '...' : '')
  const before = (cutLeft ? '...' : '') + full.slice(start, index)
  const pad = before.replace(/[^\t]/g, ' ')
  const gutter = String(line)
  const blank = ' '.repeat(gutter.length)
  return [
    `${paint('dim', `  ${gutter} |`)} ${sanitizeForTerminal(shown)}`,
    `${paint('dim', `  ${blank} |`)} ${pad}${paint('cyan', '^')}`,
  ].join('\n')
}

/** The stable machine-readable shape of PRODUCT.md, with exactly these keys in this order. */
export function renderProblemsJson(ok: boolean, problems: readonly Problem[]): string {
  const shaped = problems.map((p) => ({
    severity: p.severity,
    code: p.code,
    message: p.message,
    file: p.file,
    line: p.line,
    column: p.column,
  }))
  return JSON.stringify({ ok, problems: shaped }, null, 2) + '\n'
}

/** At most this many rows in the table; the rest are counted in a closing line. */
export const MAX_SUMMARY_ROWS = 500

/**
 * The runner refuses a step summary over 1 MiB (GITHUB-RUNNER.md) and then shows none at all. A
 * message can quote a user value of any length (a 4 MB principalArn), so both the rows and each
 * message are capped; the budget leaves room for the heading and the closing line.
 */
export const MAX_SUMMARY_BYTES = 1024 * 1024 - 16 * 1024
export const MAX_SUMMARY_MESSAGE_CHARS = 2000

export interface MarkdownOptions {
  readonly fileCount: number
  readonly title: string
  readonly cwd?: string
}

/** Letters and digits in a row before a table cell gets a break opportunity (a zero-width space). */
const UNBROKEN_RUN = 30

/**
 * A table cell from untrusted text: src/render/safe.ts `text` (no link, mention, reference or
 * markup; `|` and `\` escaped so no value can open or close a cell; line breaks shown as `\n`),
 * plus a break opportunity in every long run of letters and digits, so the column wraps instead of
 * widening the table (`text` already lets an ARN break after each `:`). Only what must be is
 * escaped: `.`, `-`, `/`, `:` and `#` stay as they are in the Markdown source.
 */
function cellText(value: string, limit: number): string {
  // The escapes and entities of `text` hold no run of letters or digits this long: never split.
  return text(value, limit).replace(new RegExp(`[A-Za-z0-9]{${UNBROKEN_RUN}}(?=[A-Za-z0-9])`, 'g'), (run) => `${run}\u200b`)
}

const TABLE_HEAD = ['| Severity | Location | Code | Message |', '| --- | --- | --- | --- |']

/**
 * Location and code cells keep `file:line:col` and `kind:name` on one line: the zero-width space
 * `text` puts after a colon (so `:100:` is no emoji and `https:` no link) becomes a word joiner,
 * which neutralises the same patterns without offering a line break.
 */
function cellLabel(value: string, limit: number): string {
  return cellText(value, limit).replace(/:\u200b/g, ':\u2060')
}

function problemRow(p: Problem, cwd: string | undefined): string {
  const where = `${displayPath(p.file, cwd)}:${p.line}:${p.column}`
  return `| ${p.severity === 'error' ? 'error' : 'warning'} | ${cellLabel(where, 300)} | ${cellLabel(p.code, 200)} | ${cellText(p.message, MAX_SUMMARY_MESSAGE_CHARS)} |`
}

/**
 * The job summary: a heading with the counts and a table of problems whose message column wraps
 * (at a PR column's or the run page's width), everything user-controlled through `cellText`.
 */
export function renderProblemsMarkdown(problems: readonly Problem[], options: MarkdownOptions): string {
  const { errors } = countProblems(problems)
  const icon = errors > 0 ? '❌' : problems.length > 0 ? '⚠️' : '✅'
  const heading = `### ${icon} ${text(options.title)}: ${text(summarizeProblems(problems, options.fileCount))}`
  if (problems.length === 0) return `${heading}\n`
  const head = [heading, '', ...TABLE_HEAD]
  let bytes = Buffer.byteLength(head.join('\n'), 'utf8')
  const rows: string[] = []
  for (const p of problems.slice(0, MAX_SUMMARY_ROWS)) {
    const row = problemRow(p, options.cwd)
    const size = Buffer.byteLength(row, 'utf8') + 1
    if (bytes + size > MAX_SUMMARY_BYTES) break
    bytes += size
    rows.push(row)
  }
  const rest = problems.length - rows.length
  const more = rest > 0 ? ['', `… and ${rest} more (see the annotations or run \`eks-access-gate validate\`).`] : []
  return [...head, ...rows, ...more].join('\n') + '\n'
}

// ───────────────────────────── organisation rules changed by a pull request ─────────────────────────────

/** What a pull request's own rules file would change after merge (src/manifest/org-rules.ts `RulesChange`). */
export type RulesChangeNotice =
  | { readonly kind: 'changed'; readonly file: string; readonly added: readonly Problem[]; readonly removed: readonly Problem[] }
  | { readonly kind: 'deleted'; readonly file: string; readonly removed: readonly Problem[] }
  | { readonly kind: 'broken'; readonly file: string; readonly problems: readonly Problem[] }

/** Rows per list in the notice; the rest are counted. */
export const MAX_RULES_CHANGE_ROWS = 50

/** One line for the log and the terminal: that the PR's rules differ, and what they would change. */
export function describeRulesChange(change: RulesChangeNotice, baseSha: string): string {
  const base = `the verdict uses the rules at the base commit ${baseSha.slice(0, 12)}`
  switch (change.kind) {
    case 'changed':
      return `this pull request changes the organisation rules (${change.file}); after merge they would add ${plural(change.added.length, 'violation')} and remove ${change.removed.length}; ${base}`
    case 'deleted':
      return `this pull request deletes the organisation rules file (${change.file}); after merge ${plural(change.removed.length, 'violation')} would go; ${base}`
    case 'broken':
      return `this pull request's organisation rules file (${change.file}) is invalid (${plural(change.problems.length, 'problem')}); after merge every run would fail on it; ${base}`
  }
}

/**
 * The notice for the job summary and the PR comment: which violations the PR's own rules would add
 * or remove after merge, while the verdict uses the base commit's rules. Everything escaped.
 */
export function renderRulesChangeMarkdown(change: RulesChangeNotice, baseSha: string, options: { readonly cwd?: string } = {}): string {
  const file = `<code>${escapeMarkdownValue(truncateText(displayPath(change.file, options.cwd), 300))}</code>`
  const base = `<code>${escapeMarkdownValue(baseSha.slice(0, 12))}</code>`
  const heading = '#### ⚠️ This pull request changes the organisation rules'
  const verdict = `This run is judged by the rules at the base commit ${base}; a pull request cannot relax its own gate.`
  const lists: [string, readonly Problem[]][] =
    change.kind === 'changed'
      ? [
          ['would be added', change.added],
          ['would be removed', change.removed],
        ]
      : change.kind === 'deleted'
        ? [['would be removed', change.removed]]
        : [['problems in the changed rules file', change.problems]]
  const lead =
    change.kind === 'changed'
      ? `With ${file} as changed here, after merge ${plural(change.added.length, 'violation')} would be added and ${plural(change.removed.length, 'violation')} removed.`
      : change.kind === 'deleted'
        ? `This pull request deletes ${file}: after merge there are no organisation rules, and ${plural(change.removed.length, 'violation')} would go.`
        : `${file} as changed here is invalid: after merge every run would fail on ${change.problems.length === 1 ? 'this problem' : 'these problems'}.`
  const out = [heading, '', `${verdict} ${lead}`]
  for (const [title, problems] of lists) {
    if (problems.length === 0) continue
    out.push('', `**${text(title)}**`, '', ...TABLE_HEAD)
    for (const p of problems.slice(0, MAX_RULES_CHANGE_ROWS)) out.push(problemRow(p, options.cwd))
    if (problems.length > MAX_RULES_CHANGE_ROWS) out.push('', `… and ${problems.length - MAX_RULES_CHANGE_ROWS} more.`)
  }
  return out.join('\n') + '\n'
}
