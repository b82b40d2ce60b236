import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  MAX_SUMMARY_BYTES,
  MAX_SUMMARY_ROWS,
  displayPath,
  escapeMarkdown,
  renderProblemsJson,
  renderProblemsMarkdown,
  renderProblemsText,
  sanitizeForTerminal,
  sourceSnippet,
  summarizeProblems,
} from '../../src/render/problems.js'
import type { Problem } from '../../src/types.js'
import { expectGolden } from './golden.js'

const fixtures = join(import.meta.dirname, '..', 'fixtures', 'validate')

const source = [
  'version: 1',
  'clusters:',
  '  prod-eu: { region: eu-west-1, accountId: "111122223333" }',
  'accessEntries:',
  '  - principalArn: arn:aws:sts::111122223333:assumed-role/admin/me',
  '    acessPolicies: []',
  '\t- bad: tab',
  '',
].join('\n')

const problems: Problem[] = [
  {
    severity: 'error',
    code: 'eks/assumed-role-principal',
    message: 'STS assumed-role ARNs cannot be access entries',
    file: 'team/eks-access.yaml',
    line: 5,
    column: 19,
  },
  {
    severity: 'error',
    code: 'schema/unknown-key',
    message: 'unknown key "acessPolicies" (did you mean "accessPolicies"?)',
    file: 'team/eks-access.yaml',
    line: 6,
    column: 5,
  },
  { severity: 'warning', code: 'syntax/tab', message: 'tab before the item', file: 'team/eks-access.yaml', line: 7, column: 2 },
  { severity: 'warning', code: 'cluster/unused', message: 'cluster "prod-eu" has no entries', file: 'other.yaml', line: 3, column: 3 },
]
const sources = new Map([['team/eks-access.yaml', source]])

describe('renderProblemsText', () => {
  it('prints FILE:LINE:COL: SEVERITY CODE: MESSAGE, the source line, a caret and a summary (golden)', () => {
    expectGolden(join(fixtures, 'render-text.txt'), renderProblemsText(problems, sources, { fileCount: 3, color: false }))
  })

  it('puts the caret under the column, keeping tabs so it stays aligned', () => {
    expect(sourceSnippet(source, 6, 5)).toBe('  6 |     acessPolicies: []\n    |     ^')
    expect(sourceSnippet(source, 7, 2)).toBe('  7 | \t- bad: tab\n    | \t^')
    expect(sourceSnippet('a: 1\r\nbb: 2\r\n', 2, 3)).toBe('  2 | bb: 2\n    |   ^')
    expect(sourceSnippet('\uFEFFversion: 2\n', 1, 10)).toBe('  1 | version: 2\n    |          ^')
  })

  it('clamps a column past the end of the line and skips lines that are not in the file', () => {
    expect(sourceSnippet('ab\n', 1, 99)).toBe('  1 | ab\n    |   ^')
    expect(sourceSnippet('ab\n', 5, 1)).toBeUndefined()
    expect(sourceSnippet('ab\n', 0, 1)).toBeUndefined()
    expect(sourceSnippet(undefined, 1, 1)).toBeUndefined()
  })

  it('cuts a long line to a window around the column', () => {
    const line = `${'a'.repeat(300)}X${'b'.repeat(300)}`
    const snippet = sourceSnippet(line, 1, 301) as string
    const [text, caret] = snippet.split('\n') as [string, string]
    expect(text.length).toBeLessThan(200)
    expect(text).toContain('...')
    expect(text.indexOf('X')).toBe(caret.indexOf('^'))
  })

  it('summarises counts, or says the files are valid', () => {
    expect(summarizeProblems([], 3)).toBe('3 files valid')
    expect(summarizeProblems([], 1)).toBe('1 file valid')
    expect(summarizeProblems(problems, 3)).toBe('2 errors, 2 warnings in 3 files')
    expect(summarizeProblems(problems.slice(0, 1), 1)).toBe('1 error, 0 warnings in 1 file')
    expect(renderProblemsText([], new Map(), { fileCount: 2, color: false })).toBe('2 files valid\n')
  })

  it('uses ANSI colours only when asked', () => {
    expect(renderProblemsText(problems, sources, { fileCount: 3, color: false })).not.toContain('\u001b[')
    const coloured = renderProblemsText(problems, sources, { fileCount: 3, color: true })
    expect(coloured).toContain('\u001b[31merror\u001b[0m')
    expect(coloured).toContain('\u001b[33mwarning\u001b[0m')
  })

  it('neutralises terminal escapes and bidi overrides from the manifest', () => {
    const hostile: Problem = { severity: 'error', code: 'x', message: 'bad \u001b[2Jvalue\u202e', file: 'a.yaml', line: 1, column: 1 }
    const out = renderProblemsText([hostile], new Map([['a.yaml', 'k: "\u001b]0;pwned\u0007"\n']]), { fileCount: 1, color: false })
    expect(out).not.toMatch(/[\u001b\u0007\u202e]/)
    expect(sanitizeForTerminal('a\tb\u0000c')).toBe('a\tb?c')
  })

  it('shows absolute paths relative to the working directory', () => {
    expect(displayPath('/repo/sub/a.yaml', '/repo')).toBe('sub/a.yaml')
    expect(displayPath('sub/a.yaml', '/repo')).toBe('sub/a.yaml')
  })
})

describe('renderProblemsJson', () => {
  it('has exactly {ok, problems: [{severity, code, message, file, line, column}]}', () => {
    const extra = { ...problems[0], internal: 'not public' } as Problem
    const parsed = JSON.parse(renderProblemsJson(false, [extra])) as unknown
    expect(parsed).toStrictEqual({
      ok: false,
      problems: [
        {
          severity: 'error',
          code: 'eks/assumed-role-principal',
          message: 'STS assumed-role ARNs cannot be access entries',
          file: 'team/eks-access.yaml',
          line: 5,
          column: 19,
        },
      ],
    })
    expect(Object.keys((parsed as { problems: object[] }).problems[0] as object)).toEqual([
      'severity',
      'code',
      'message',
      'file',
      'line',
      'column',
    ])
    expect(JSON.parse(renderProblemsJson(true, []))).toStrictEqual({ ok: true, problems: [] })
  })
})

describe('renderProblemsMarkdown', () => {
  it('lists problems in a table, escaping only what must be (golden; rendered at 780 px the message column wraps)', () => {
    expectGolden(join(fixtures, 'render-summary.md'), renderProblemsMarkdown(problems, { fileCount: 3, title: 'eks-access-gate validate' }))
  })

  it('long values and hostile text: the message column wraps, nothing links or marks up (golden, looked at rendered at 780 px)', () => {
    const wide: Problem[] = [
      {
        severity: 'error',
        code: 'rule:no-iam-users',
        message: 'Grant access to a role: principal "arn:aws:iam::111122223333:user/alice" matches denied pattern "arn:aws:iam::*:user/*"',
        file: 'clusters/production/eu-west-1/payments-platform/eks-access.yaml',
        line: 13,
        column: 19,
      },
      {
        severity: 'error',
        code: 'eks:principal-arn',
        message: `principalArn "arn:aws:iam::111122223333:role/a-very-long-role-name-without-spaces-${'x'.repeat(60)}" is not a valid IAM principal ARN: see https://docs.aws.amazon.com/eks/ and ask @security-team about #123`,
        file: 'teams/payments.yaml',
        line: 3,
        column: 18,
      },
      {
        severity: 'warning',
        code: 'x|y',
        message: 'a <b>bold</b> | pipe and `code` and *stars* and _under_ :100:',
        file: 'x|y.yaml',
        line: 100,
        column: 1,
      },
    ]
    expectGolden(
      join(fixtures, 'render-summary-wrap.md'),
      renderProblemsMarkdown(wide, { fileCount: 3, title: 'eks-access-gate validate' }),
    )
  })

  it('says the files are valid when there are no problems', () => {
    expect(renderProblemsMarkdown([], { fileCount: 2, title: 'eks-access-gate validate' })).toBe(
      '### ✅ eks-access-gate validate: 2 files valid\n',
    )
  })

  it.each([
    ['a | b', 'a \\| b'],
    ['<img src=x onerror=alert(1)>', '&lt;img src=x onerror=alert\\(1\\)&gt;'],
    ['[click](https://evil.example)', '\\[click\\]\\(https:\u200b//evil.example\\)'],
    ['www.evil.example @org/team #123', 'www\u200b.evil.example @\u200borg/team #\u200b123'],
    ['**bold** _it_ `code` ~~s~~', '\\*\\*bold\\*\\* \\_it\\_ \\`code\\` \\~\\~s\\~\\~'],
    ['line1\nline2\r\n| x |', 'line1\\\\nline2\\\\r\\\\n\\| x \\|'],
    ['&amp; !', '&amp;amp; \\!'],
    ['back\\slash', 'back\\\\slash'],
    ['plain-text/with.dots, colons: and #', 'plain-text/with.dots, colons: and #\u200b'],
    ['x'.repeat(65), `${'x'.repeat(30)}\u200b${'x'.repeat(30)}\u200b${'x'.repeat(5)}`],
  ])('message cell %j', (raw, cell) => {
    const md = renderProblemsMarkdown([{ severity: 'error', code: 'c', message: raw, file: 'a.yaml', line: 1, column: 1 }], {
      fileCount: 1,
      title: 't',
    })
    expect(md.split('\n')[4]).toBe(`| error | a.yaml:\u20601:\u20601 | c | ${cell} |`)
  })

  // Still the escaper of notices in summaries (validate, plan usage errors).
  it.each([
    ['a | b', 'a \\| b'],
    ['<img src=x onerror=alert(1)>', '\\<img src\\=x onerror\\=alert\\(1\\)\\>'],
    ['line1\nline2\r\n| x |', 'line1 line2 \\| x \\|'],
    ['back\\slash', 'back\\\\slash'],
  ])('escapeMarkdown %j', (raw, escaped) => {
    expect(escapeMarkdown(raw)).toBe(escaped)
  })

  it('escapes user-controlled file names, codes and messages in the table: one row, four cells', () => {
    const md = renderProblemsMarkdown(
      [{ severity: 'error', code: 'rule:<x>', message: 'a|b\n| injected | row |', file: 'x\\|y.yaml', line: 1, column: 2 }],
      { fileCount: 1, title: 't' },
    )
    const rows = md.split('\n').filter((l) => l.startsWith('| error'))
    expect(rows).toHaveLength(1)
    expect(rows[0]).toBe('| error | x\\\\\\|y.yaml:\u20601:\u20602 | rule:\u2060&lt;x&gt; | a\\|b\\\\n\\| injected \\| row \\| |')
    // every cell boundary is ours: split on unescaped pipes only
    expect(rows[0]!.split(/(?<!\\)(?:\\\\)*\|/).length - 2).toBe(4)
  })

  it('caps the table and says how many rows were left out', () => {
    const many = Array.from({ length: MAX_SUMMARY_ROWS + 5 }, (_, i): Problem => ({
      severity: 'warning',
      code: 'w',
      message: `m${i}`,
      file: 'a.yaml',
      line: i + 1,
      column: 1,
    }))
    const md = renderProblemsMarkdown(many, { fileCount: 1, title: 't' })
    expect(md.split('\n').filter((l) => l.startsWith('| warning'))).toHaveLength(MAX_SUMMARY_ROWS)
    expect(md).toContain('… and 5 more')
  })

  it('stays under the 1 MiB step-summary limit when messages quote huge user values', () => {
    // a 1 MB principalArn quoted in each message; escaping doubles the punctuation
    const huge = 'arn:aws:iam::1:role/' + ':'.repeat(1_000_000)
    const many = Array.from({ length: 50 }, (_, i): Problem => ({
      severity: 'error',
      code: 'eks:principal-arn',
      message: `principalArn "${huge}" is not valid`,
      file: 'a.yaml',
      line: i + 1,
      column: 1,
    }))
    const md = renderProblemsMarkdown(many, { fileCount: 1, title: 't' })
    expect(Buffer.byteLength(md, 'utf8')).toBeLessThanOrEqual(MAX_SUMMARY_BYTES + 1024)
    expect(Buffer.byteLength(md, 'utf8')).toBeLessThan(1024 * 1024)
    const rows = md.split('\n').filter((l) => l.startsWith('| error'))
    expect(rows).toHaveLength(50)
    expect(rows[0]).toMatch(/…/)
  })

  it('stops adding rows at the byte budget even when each message is short enough', () => {
    const message = '<'.repeat(1900) // escaped to 7,600 bytes (&lt;): 500 rows would be 3.8 MB
    const many = Array.from({ length: MAX_SUMMARY_ROWS }, (_, i): Problem => ({
      severity: 'error',
      code: 'c',
      message,
      file: 'a.yaml',
      line: i + 1,
      column: 1,
    }))
    const md = renderProblemsMarkdown(many, { fileCount: 1, title: 't' })
    expect(Buffer.byteLength(md, 'utf8')).toBeLessThan(1024 * 1024)
    expect(md).toMatch(/… and \d+ more/)
  })
})
