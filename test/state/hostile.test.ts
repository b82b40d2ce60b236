import { execFileSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  checkStateSnapshotSize,
  loadStateSnapshotFile,
  MAX_STATE_BYTES,
  parseStateSnapshot,
  serializeStateSnapshot,
} from '../../src/state/snapshot.js'
import type { StateSnapshot } from '../../src/types.js'

const A = 'arn:aws:iam::111122223333:role/'
const deep = (n: number) => '['.repeat(n) + ']'.repeat(n)
const entry = (over: Record<string, unknown> = {}) => ({
  principalArn: `${A}dev`,
  type: 'STANDARD',
  kubernetesGroups: [],
  tags: {},
  accessPolicies: [],
  ...over,
})
const snapshot = (entries: unknown[], top: Record<string, unknown> = {}) =>
  JSON.stringify({ version: 1, clusters: [{ name: 'prod', region: 'eu-west-1', authenticationMode: 'API', entries }], ...top })

describe('hostile snapshots get a located problem, never a crash', () => {
  it.each([
    {
      what: '4,000 levels inside version',
      text: `{"version": ${deep(4000)}, "clusters": []}`,
      code: 'syntax',
      message: /nesting deeper than 64 levels/,
    },
    {
      what: '4,000 levels inside accessScope.type',
      text: snapshot([entry({ accessPolicies: [{ policyArn: 'x', accessScope: { type: 'X' } }] })]).replace('"X"', deep(4000)),
      code: 'syntax',
      message: /nesting deeper than 64/,
    },
    { what: '4,000 levels at the top', text: deep(4000), code: 'syntax', message: /nesting deeper than 64/ },
    {
      what: 'a duplicate key (second occurrence)',
      text: '{"version": 1, "clusters": [], "version": 1}',
      code: 'duplicate',
      message: /duplicate key "version"/,
      column: 32,
    },
    {
      what: 'a duplicate tag key',
      text: snapshot([entry({ tags: { a: '1' } })]).replace('"tags":{"a":"1"}', '"tags":{"a":"1","a":"2"}'),
      code: 'duplicate',
      message: /duplicate key "a"/,
    },
    {
      what: 'a 4 MB bad value (shortened in the message)',
      text: JSON.stringify({ version: 'x'.repeat(4_000_000), clusters: [] }),
      code: 'schema',
      message: /… \(4000002 characters\)/,
    },
    { what: 'role/*', text: snapshot([entry({ principalArn: `${A}*` })]), code: 'schema', message: /not a valid IAM principal ARN/ },
    { what: 'role/../x', text: snapshot([entry({ principalArn: `${A}../x` })]), code: 'schema', message: /relative reference/ },
    { what: 'role//x', text: snapshot([entry({ principalArn: `${A}/x` })]), code: 'schema', message: /empty segment/ },
    { what: 'a zero-width space', text: snapshot([entry({ principalArn: `${A}de\u200bv` })]), code: 'schema', message: /de\\u\{200B\}v/ },
  ])('$what', ({ text, code, message, column }) => {
    const r = parseStateSnapshot(text, 'state.json')
    expect(r.ok).toBe(false)
    const p = r.ok ? undefined : r.error[0]
    expect(p).toMatchObject({ code, file: 'state.json', line: 1 })
    expect(p?.message).toMatch(message)
    expect(p?.message.length).toBeLessThan(400)
    if (column !== undefined) expect(p?.column).toBe(column)
  })

  it('keeps every tag key, __proto__ included, through parse and serialise', () => {
    const text = snapshot([entry({ tags: { x: '1' } })]).replace('"tags":{"x":"1"}', '"tags":{"__proto__":"p","constructor":"c","x":"1"}')
    const r = parseStateSnapshot(text, 'state.json')
    expect(r.ok).toBe(true)
    const tags = r.ok ? r.value.clusters[0]?.entries[0]?.tags : undefined
    expect(Object.keys(tags ?? {})).toEqual(['__proto__', 'constructor', 'x'])
    expect(serializeStateSnapshot(r.ok ? r.value : ({} as StateSnapshot))).toContain('"__proto__": "p"')
  })

  it('export agrees with the cap: a snapshot over it is refused before it is written', () => {
    expect(checkStateSnapshotSize('x'.repeat(MAX_STATE_BYTES), 'out.json')).toBeUndefined()
    expect(checkStateSnapshotSize('x'.repeat(MAX_STATE_BYTES + 1), 'out.json')).toMatchObject({
      code: 'size',
      message: /plan --state reads/,
    })
  })

  it('a 20 × 500 fleet fits under the cap', () => {
    const clusters = Array.from({ length: 20 }, (_, c) => ({
      name: `c${c}`,
      region: 'eu-west-1',
      authenticationMode: 'API' as const,
      entries: Array.from({ length: 500 }, (_, i) => ({
        principalArn: `${A}team-${String(i).padStart(4, '0')}-with-a-realistic-name`,
        type: 'STANDARD',
        username: `${A}team-${i}`,
        kubernetesGroups: ['view', 'edit'],
        tags: { owner: 'platform', 'managed-by': 'eks-access-gate' },
        accessPolicies: [
          {
            policyArn: 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy',
            accessScope: { type: 'namespace' as const, namespaces: ['a', 'b'] },
          },
        ],
        accessEntryArn: `arn:aws:eks:eu-west-1:111122223333:access-entry/c${c}/role/111122223333/team-${i}/01234567-89ab-cdef-0123-456789abcdef`,
      })),
    }))
    expect(checkStateSnapshotSize(serializeStateSnapshot({ version: 1, clusters }), 'out.json')).toBeUndefined()
  })
})

describe('reading --state: the cap applies to bytes read; specials never hang', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'eag-hostile-'))
  const fifo = (name: string) => {
    const p = path.join(dir, name)
    execFileSync('mkfifo', [p])
    return p
  }

  it('/dev/zero stops at the cap with a size problem', async () => {
    const r = await loadStateSnapshotFile('/dev/zero', dir)
    expect(r).toMatchObject({ kind: 'parsed', result: { ok: false, error: [{ code: 'size' }] } })
  })

  it('a FIFO with no writer reads as empty (a syntax problem), without hanging', async () => {
    const r = await loadStateSnapshotFile(fifo('nowriter'), dir)
    expect(r).toMatchObject({ kind: 'parsed', result: { ok: false, error: [{ code: 'syntax' }] } })
  })

  it('a file over the cap is refused from the bytes read', async () => {
    writeFileSync(path.join(dir, 'big.json'), Buffer.alloc(MAX_STATE_BYTES + 1, 0x20))
    const r = await loadStateSnapshotFile('big.json', dir)
    expect(r).toMatchObject({ kind: 'parsed', result: { ok: false, error: [{ code: 'size', message: /16 MiB/ }] } })
  })
})
