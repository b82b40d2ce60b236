/**
 * `--residual`: the aws-auth ConfigMap that should remain once the imported entries are applied.
 * Mappings that became STANDARD entries are removed (with the duplicates they superseded); node and
 * Fargate mappings stay, with a comment, so nodes keep joining while both modes are on; everything
 * that could not be migrated stays as written, mapAccounts and unknown keys too. Server-set metadata
 * is left out so `kubectl apply -f` does not conflict; the original file is the rollback.
 */
import { Document, isSeq, Scalar, type Node } from 'yaml'
import type { AwsAuthInput } from './aws-auth-input.js'
import type { ParsedSection, RawMapping } from './aws-auth-mappings.js'

export interface ResidualPlan {
  readonly input: AwsAuthInput
  readonly sections: { readonly mapRoles: ParsedSection; readonly mapUsers: ParsedSection }
  readonly outcomes: readonly { readonly mapping: RawMapping; readonly remove: boolean; readonly note?: string }[]
}

/** Metadata the API server sets; `kubectl apply` of a copy that carries them conflicts or is refused. */
const SERVER_SET = [
  'resourceVersion',
  'uid',
  'creationTimestamp',
  'managedFields',
  'generation',
  'selfLink',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
]
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration'

export function renderResidual(plan: ResidualPlan, sourceName: string): string {
  const data: Record<string, Scalar> = {}
  for (const value of plan.input.data) {
    let text = value.text ?? ''
    if (value.key === 'mapRoles' || value.key === 'mapUsers') {
      const section = plan.sections[value.key]
      if (section.doc !== undefined)
        text = residualSection(
          section.doc,
          plan.outcomes.filter((o) => o.mapping.section === value.key),
        )
    }
    const scalar = new Scalar(text)
    scalar.type = Scalar.BLOCK_LITERAL
    data[value.key] = scalar
  }
  const doc = new Document({ apiVersion: 'v1', kind: 'ConfigMap', metadata: residualMetadata(plan.input), data })
  const removed = plan.outcomes.filter((o) => o.remove).length
  const nodes = plan.outcomes.filter((o) => !o.remove && o.note?.startsWith('node role') === true).length
  doc.commentBefore = [
    ` The aws-auth ConfigMap that should remain, written by \`eks-access-gate import-aws-auth\` from ${sourceName}.`,
    ` ${removed} mapping(s) that became access entries are removed; what could not be migrated is kept as it was.`,
    ` ${nodes} node/Fargate role mapping(s) are kept: nodes keep joining through aws-auth until EKS has their access entries`,
    ' (access entries take precedence in API_AND_CONFIG_MAP). Remove them, and empty this ConfigMap, before switching to API.',
    ' Apply only after the new entries exist: kubectl apply -f <this file>. Rollback: kubectl apply -f <the original>.',
  ].join('\n')
  return doc.toString({ lineWidth: 0 })
}

function residualMetadata(input: AwsAuthInput): Record<string, unknown> {
  const source = input.metadata ?? {}
  const out: Record<string, unknown> = { name: 'aws-auth', namespace: 'kube-system' }
  for (const [key, value] of Object.entries(source)) {
    if (key === 'name' || key === 'namespace' || SERVER_SET.includes(key)) continue
    if (key === 'annotations' && value !== null && typeof value === 'object') {
      const kept = Object.fromEntries(Object.entries(value as Record<string, unknown>).filter(([k]) => k !== LAST_APPLIED))
      if (Object.keys(kept).length > 0) out['annotations'] = kept
      continue
    }
    out[key] = value
  }
  return out
}

/** The section's YAML with removed items taken out and a comment on each kept item that needs one. */
function residualSection(original: Document, outcomes: readonly { mapping: RawMapping; remove: boolean; note?: string }[]): string {
  const doc = original.clone()
  const seq = doc.contents
  if (!isSeq(seq)) return original.toString()
  const byIndex = new Map(outcomes.map((o) => [o.mapping.index, o]))
  const kept: unknown[] = []
  seq.items.forEach((item, index) => {
    const o = byIndex.get(index)
    if (o?.remove === true) return
    if (o?.note !== undefined && item !== null && typeof item === 'object') (item as Node).commentBefore = ` ${o.note}`
    kept.push(item)
  })
  seq.items = kept
  if (kept.length === 0) return '[]\n'
  return doc.toString({ lineWidth: 0 })
}
