/**
 * Drift report renderers: text (terminal), Markdown (the drift issue body and the job summary) and
 * JSON (stable, sorted keys). Change lines are the plan's own (`describeChange`), so a drift reads
 * like the plan that would undo it. Every user-controlled value is escaped with the plan renderer's
 * escapers (`showInvisible` for text, `escapeMarkdown` / `escapeText` / `code` for Markdown).
 */
import { policyName } from '../policies.js'
import { stringifySorted } from '../plan/render/json.js'
import { code, escapeText, fenceFor } from '../plan/render/markdown.js'
import { describeAuthModeStep, describeChange, formatList, formatScope, showInvisible } from '../plan/render/text.js'
import type { AssociatedPolicy } from '../types.js'
import type { DriftEntry, DriftReport, UnknownAccess } from './classify.js'

/** The first line of the drift issue body: the action finds its issue by it. */
export const DRIFT_MARKER = '<!-- eks-access-gate:drift -->'
/** The label on the drift issue. */
export const DRIFT_LABEL = 'eks-access-drift'
/** GitHub rejects issue bodies over 65,536 characters. */
export const DRIFT_MAX_LENGTH = 65_536

export type DriftFormat = 'text' | 'markdown' | 'json'

export function renderDrift(report: DriftReport, format: DriftFormat, opts: { maxLength?: number } = {}): string {
  switch (format) {
    case 'text':
      return renderDriftText(report)
    case 'markdown':
      return renderDriftMarkdown(report, opts.maxLength)
    case 'json':
      return `${stringifySorted(report)}\n`
  }
}

// ───────────────────────────── text ─────────────────────────────

const v = showInvisible

function policiesText(policies: readonly AssociatedPolicy[]): string {
  return policies.length === 0
    ? 'no access policies'
    : policies.map((p) => `${v(policyName(p.policyArn))} at ${formatScope(p.accessScope)}`).join(', ')
}

function unknownText(u: UnknownAccess): string {
  const admin = u.clusterAdmin ? 'CLUSTER ADMIN: ' : ''
  const groups =
    (u.username !== undefined ? `, username ${v(u.username)}` : '') +
    (u.kubernetesGroups.length > 0 ? `, groups ${formatList(u.kubernetesGroups)}` : '')
  const deleted = u.deletedByNextApply ? ' (prune: all deletes it at the next apply)' : ''
  return `${admin}${v(u.principalArn)} (${v(u.type)}${groups}): ${policiesText(u.accessPolicies)}${deleted}`
}

function entryLines(e: DriftEntry): string[] {
  return e.changes.map((c) => {
    const line = describeChange(c)
    return `    ${line.sign} ${line.text}`
  })
}

export function renderDriftText(r: DriftReport): string {
  const out: string[] = []
  out.push(
    r.drift
      ? `Drift: ${r.counts.changed} changed outside the repo, ${r.counts.unknown} unknown, ${r.counts.pending} pending`
      : 'No drift: every cluster matches the manifest.',
  )
  if (r.changed.length > 0) {
    out.push('', 'Changed outside the repo (the next apply restores the manifest):')
    for (const e of r.changed) out.push(`  ${v(e.cluster)}: ${v(e.principalArn)}`, ...entryLines(e))
  }
  if (r.unknown.length > 0) {
    out.push('', 'Unknown access (entries the manifest does not name and the tool does not own):')
    for (const u of r.unknown) out.push(`  ${v(u.cluster)}: ${unknownText(u)}`)
  }
  if (r.pending.length > 0 || r.pendingAuthenticationModes.length > 0) {
    out.push('', 'Pending (the manifest is ahead of the cluster; the next apply does this):')
    for (const m of r.pendingAuthenticationModes) out.push(`  ${v(m.cluster)}: ${describeAuthModeStep(m)}`)
    for (const e of r.pending) out.push(`  ${v(e.cluster)}: ${v(e.principalArn)}`, ...entryLines(e))
  }
  if (r.dead.length > 0) {
    out.push('', 'Dead access (warnings):')
    for (const d of r.dead) out.push(`  ${v(d.cluster)}: ${d.kind} ${v(d.principalArn)}: ${v(d.fix)}`)
  }
  if (r.errors.length > 0) {
    out.push('', 'Not classified:')
    for (const e of r.errors) for (const err of e.errors) out.push(`  ${v(e.cluster)}: ${v(err.code)}: ${v(err.message)}`)
  }
  return `${out.join('\n')}\n`
}

// ───────────────────────────── Markdown ─────────────────────────────

function policiesMarkdown(policies: readonly AssociatedPolicy[]): string {
  return policies.length === 0
    ? 'no access policies'
    : policies.map((p) => `${code(policyName(p.policyArn))} at ${escapeText(formatScope(p.accessScope))}`).join(', ')
}

function changeBlock(e: DriftEntry): string[] {
  const lines = e.changes.map((c) => {
    const { sign, text } = describeChange(c)
    return `${sign.padEnd(3)} ${text}` // as in the plan's Markdown diff block
  })
  const fence = fenceFor(lines)
  return [`- ${code(e.cluster)}: ${code(e.principalArn)}`, '', `  ${fence}diff`, ...lines.map((l) => `  ${l}`), `  ${fence}`, '']
}

export function renderDriftMarkdown(r: DriftReport, maxLength = DRIFT_MAX_LENGTH): string {
  const head = [
    DRIFT_MARKER,
    '## EKS access drift',
    '',
    r.drift
      ? `**${r.counts.changed}** changed outside the repo · **${r.counts.unknown}** unknown access · **${r.counts.pending}** pending`
      : 'No drift: every cluster matches the manifest.',
    '',
  ]
  const sections: string[][] = []
  if (r.changed.length > 0)
    sections.push([
      '### Changed outside the repo',
      '',
      'The next apply restores what the manifest says.',
      '',
      ...r.changed.flatMap(changeBlock),
    ])
  if (r.unknown.length > 0) {
    sections.push([
      '### Unknown access',
      '',
      'Entries the manifest does not name and eks-access-gate does not own. Cluster admins first.',
      '',
      '| cluster | principal | type | access | |',
      '| --- | --- | --- | --- | --- |',
      ...r.unknown.map(
        (u) =>
          `| ${code(u.cluster)} | ${code(u.principalArn)} | ${code(u.type)} | ${u.clusterAdmin ? '**cluster admin**: ' : ''}${policiesMarkdown(u.accessPolicies)}${u.kubernetesGroups.length > 0 ? `; groups ${u.kubernetesGroups.map(code).join(', ')}` : ''}${u.username !== undefined ? `; username ${code(u.username)}` : ''} | ${u.deletedByNextApply ? 'deleted by the next apply (prune: all)' : ''} |`,
      ),
      '',
    ])
  }
  if (r.pending.length > 0 || r.pendingAuthenticationModes.length > 0) {
    sections.push([
      '### Pending',
      '',
      'The manifest is ahead of the cluster: the next apply does this.',
      '',
      ...r.pendingAuthenticationModes.map((m) => `- ${code(m.cluster)}: ${escapeText(describeAuthModeStep(m))}`),
      ...(r.pendingAuthenticationModes.length > 0 ? [''] : []),
      ...r.pending.flatMap(changeBlock),
    ])
  }
  if (r.dead.length > 0) {
    sections.push([
      '### Dead access',
      '',
      ...r.dead.map((d) => `- ⚠️ ${code(d.cluster)}: **${d.kind}** ${code(d.principalArn)}: ${escapeText(d.fix)}`),
      '',
    ])
  }
  if (r.errors.length > 0) {
    sections.push([
      '### Not classified',
      '',
      ...r.errors.flatMap((e) => e.errors.map((err) => `- ${code(e.cluster)}: ${code(err.code)} ${escapeText(err.message)}`)),
      '',
    ])
  }
  return fit(head, sections, maxLength)
}

/** Whole sections from the end are dropped (with a note) until the body fits GitHub's limit. */
function fit(head: readonly string[], sections: readonly string[][], maxLength: number): string {
  const note = (n: number): string =>
    `_${n} section${n === 1 ? '' : 's'} left out to fit GitHub's size limit; run \`eks-access-gate drift\` for the full report._\n`
  for (let keep = sections.length; keep >= 0; keep--) {
    const body = [...head, ...sections.slice(0, keep).flat()].join('\n').replace(/\n+$/, '\n')
    const text = keep === sections.length ? body : `${body}\n${note(sections.length - keep)}`
    if (text.length <= maxLength) return text
  }
  return `${DRIFT_MARKER}\n## EKS access drift\n\n${note(sections.length)}`
}
