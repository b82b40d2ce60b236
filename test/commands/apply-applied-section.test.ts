import { describe, expect, it } from 'vitest'
import { sectionStart, shortCommentMarker, withAppliedSection, writeAppliedSection } from '../../src/github/applied.js'
import { MAX_BODY_CHARACTERS, type GitHubPort, type IssueComment } from '../../src/github/port.js'

/** The "Applied" section on the merged pull request's sticky comment (src/github/applied.ts). */
const MARKER = '<!-- eks-access-gate {"clusters":{},"head":"' + 'f'.repeat(40) + '","shard":"*","v":1} -->'
const DIGESTS = '<!-- eks-access-gate:reviewed {"clusters":{},"head":"' + 'f'.repeat(40) + '","v":1} -->'
const STICKY = `${MARKER}\n## eks-access-gate plan\n\nthe plan\n\n${DIGESTS}\n`

describe('withAppliedSection', () => {
  it('adds the section before the digest comment, which stays last; the marker stays first', () => {
    const body = withAppliedSection(STICKY, '*', '### Applied\n\n2 applied')
    expect(body).toBe(
      `${MARKER}\n## eks-access-gate plan\n\nthe plan\n\n${sectionStart('*')}\n### Applied\n\n2 applied\n<!-- eks-access-gate:applied-end shard=* -->\n\n${DIGESTS}\n`,
    )
  })

  it('replaces its own section on a re-run and keeps another shard’s', () => {
    const once = withAppliedSection(STICKY, 'prod-*', 'first')
    const other = withAppliedSection(once, 'staging-*', 'staging result')
    const twice = withAppliedSection(other, 'prod-*', 'second')
    expect(twice).not.toContain('first')
    expect(twice).toContain('second')
    expect(twice).toContain('staging result')
    expect(twice.split(sectionStart('prod-*')).length).toBe(2)
    expect(twice.trimEnd().endsWith(DIGESTS)).toBe(true)
    expect(withAppliedSection(twice, 'prod-*', 'second')).toBe(twice)
  })

  it('a shard filter cannot close the HTML comment', () => {
    expect(sectionStart('a-->b <x>')).not.toMatch(/-->.*-->/)
    expect(sectionStart('a-->b')).toBe('<!-- eks-access-gate:applied shard=a%2D%2D%3Eb -->')
  })

  it('cuts a huge section so the body stays within GitHub’s limit', () => {
    const body = withAppliedSection(STICKY, '*', 'x'.repeat(MAX_BODY_CHARACTERS))
    expect(body.length).toBeLessThanOrEqual(MAX_BODY_CHARACTERS)
    expect(body).toContain('cut to fit the comment')
    expect(body.trimEnd().endsWith(DIGESTS)).toBe(true)
  })
})

function port(initial: IssueComment[]) {
  const comments = [...initial]
  const calls: string[] = []
  let next = 100
  const p: Pick<GitHubPort, 'listIssueComments' | 'createIssueComment' | 'updateIssueComment'> = {
    listIssueComments: async () => comments,
    createIssueComment: async (_n, body) => {
      calls.push('create')
      const c = comment(next++, body)
      comments.push(c)
      return c
    },
    updateIssueComment: async (id, body) => {
      calls.push(`update ${id}`)
      const i = comments.findIndex((c) => c.id === id)
      comments[i] = comment(id, body)
      return comments[i] as IssueComment
    },
  }
  return { p, comments, calls }
}

function comment(id: number, body: string, login = 'github-actions[bot]', type = 'Bot'): IssueComment {
  return { id, body, htmlUrl: `https://x#${id}`, user: { login, type }, createdAt: '', updatedAt: '' }
}

const write = { issueNumber: 7, commitSha: 'c'.repeat(40), shard: '*', section: '### Applied\n\nok' }

describe('writeAppliedSection', () => {
  it.each([
    ['our sticky comment gains the section', [comment(1, STICKY)], 'section-added', ['update 1']],
    [
      'a look-alike by someone else is left alone: a short comment is posted',
      [comment(1, STICKY, 'mallory', 'User')],
      'comment-created',
      ['create'],
    ],
    ['no sticky comment: a short comment', [], 'comment-created', ['create']],
    ['the short comment of an earlier run is updated', [comment(5, `${shortCommentMarker('*')}\nold\n`)], 'comment-updated', ['update 5']],
  ] as const)('%s', async (_name, initial, action, calls) => {
    const s = port([...initial])
    const r = await writeAppliedSection(s.p, write)
    expect(r.action).toBe(action)
    expect(s.calls).toEqual(calls)
  })

  it('a re-run with the same outcome changes nothing', async () => {
    const s = port([comment(1, STICKY)])
    await writeAppliedSection(s.p, write)
    const r = await writeAppliedSection(s.p, write)
    expect(r.action).toBe('unchanged')
    expect(s.calls).toEqual(['update 1'])
  })
})
