import { isClusterAdminPolicy, policyName } from '../policies.js'
import type { AccessEffect, AccessScope, AssociatedPolicy, EffectKind } from '../types.js'
import { accountOfArn } from '../arn.js'
import { compareText } from './normalize.js'

/**
 * Effective access: what each principal gains or loses, in the terms a security reviewer reads
 * ("cluster admin granted", "scope widened to the cluster") rather than API fields. Computed from
 * each principal's access before and after the plan. Pure and sorted.
 */

/** The access-bearing part of an entry (normalised: sorted groups, full policy ARNs). */
export interface EntryAccess {
  readonly type: string
  readonly kubernetesGroups: readonly string[]
  readonly accessPolicies: readonly AssociatedPolicy[]
}

export interface PrincipalTransition {
  readonly principalArn: string
  /** Undefined: no live entry. */
  readonly before?: EntryAccess
  /** Undefined: no entry after the plan. */
  readonly after?: EntryAccess
  /** Type change: deleted and recreated, no access in between. */
  readonly replaced?: boolean
  readonly expiresAt?: string
}

/** Display and sort order of effect kinds: the grave ones first. */
const KIND_ORDER: readonly EffectKind[] = [
  'cluster-admin-granted',
  'cluster-admin-revoked',
  'other-account-principal',
  'new-principal',
  'access-removed',
  'access-gap',
  'scope-widened',
  'scope-narrowed',
  'namespaces-added',
  'namespaces-removed',
  'policy-granted',
  'policy-revoked',
  'groups-added',
  'groups-removed',
]

/** Kinds that mean access grows. */
const ESCALATIONS: ReadonlySet<EffectKind> = new Set<EffectKind>([
  'cluster-admin-granted',
  'other-account-principal',
  'scope-widened',
  'namespaces-added',
  'policy-granted',
  'groups-added',
])

export function describeEffects(transitions: readonly PrincipalTransition[], clusterAccountId: string): AccessEffect[] {
  const effects = transitions.flatMap((t) => effectsOfTransition(t, clusterAccountId))
  return effects.sort(compareEffects)
}

export function compareEffects(a: AccessEffect, b: AccessEffect): number {
  return (
    compareText(a.principalArn, b.principalArn) ||
    KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) ||
    compareText(a.detail, b.detail)
  )
}

function effect(principalArn: string, kind: EffectKind, detail: string): AccessEffect {
  return { principalArn, kind, escalation: ESCALATIONS.has(kind), detail }
}

function effectsOfTransition(t: PrincipalTransition, clusterAccountId: string): AccessEffect[] {
  const out: AccessEffect[] = []
  const arn = t.principalArn
  if (t.before === undefined && t.after !== undefined) {
    out.push(effect(arn, 'new-principal', `new ${t.after.type} access entry`))
    const account = accountOfArn(arn)
    if (account !== undefined && account !== clusterAccountId) {
      out.push(effect(arn, 'other-account-principal', `principal in account ${account}, cluster in account ${clusterAccountId}`))
    }
  }
  if (t.before !== undefined && t.after === undefined) {
    const why = t.expiresAt !== undefined ? `expired (expiresAt ${t.expiresAt}): ` : ''
    out.push(effect(arn, 'access-removed', `${why}access entry deleted with its ${t.before.accessPolicies.length} policies`))
  }
  if (t.replaced === true && t.before !== undefined && t.after !== undefined) {
    out.push(effect(arn, 'access-gap', `type ${t.before.type} → ${t.after.type}: entry deleted and recreated, no access in between`))
  }
  out.push(...policyEffects(arn, t.before?.accessPolicies ?? [], t.after?.accessPolicies ?? []))
  out.push(...groupEffects(arn, t.before?.kubernetesGroups ?? [], t.after?.kubernetesGroups ?? []))
  return out
}

function describeScope(scope: AccessScope): string {
  return scope.type === 'cluster' ? 'the cluster' : `namespaces ${scope.namespaces.join(', ')}`
}

function policyEffects(arn: string, before: readonly AssociatedPolicy[], after: readonly AssociatedPolicy[]): AccessEffect[] {
  const out: AccessEffect[] = []
  const old = new Map(before.map((p) => [p.policyArn, p.accessScope]))
  const now = new Map(after.map((p) => [p.policyArn, p.accessScope]))
  for (const p of after) {
    const prev = old.get(p.policyArn)
    if (prev === undefined) out.push(grantEffect(arn, p))
    else out.push(...scopeEffects(arn, p.policyArn, prev, p.accessScope))
  }
  for (const p of before) if (!now.has(p.policyArn)) out.push(revokeEffect(arn, p))
  return out
}

function isAdminAtClusterScope(p: AssociatedPolicy): boolean {
  return isClusterAdminPolicy(p.policyArn) && p.accessScope.type === 'cluster'
}

function grantEffect(arn: string, p: AssociatedPolicy): AccessEffect {
  if (isAdminAtClusterScope(p)) return effect(arn, 'cluster-admin-granted', `${policyName(p.policyArn)} on the cluster`)
  return effect(arn, 'policy-granted', `${policyName(p.policyArn)} on ${describeScope(p.accessScope)}`)
}

function revokeEffect(arn: string, p: AssociatedPolicy): AccessEffect {
  if (isAdminAtClusterScope(p)) return effect(arn, 'cluster-admin-revoked', `${policyName(p.policyArn)} on the cluster`)
  return effect(arn, 'policy-revoked', `${policyName(p.policyArn)} on ${describeScope(p.accessScope)}`)
}

function scopeEffects(arn: string, policyArn: string, prev: AccessScope, next: AccessScope): AccessEffect[] {
  const name = policyName(policyArn)
  const change = `${name}: ${describeScope(prev)} → ${describeScope(next)}`
  if (prev.type === 'namespace' && next.type === 'cluster') {
    return [effect(arn, isClusterAdminPolicy(policyArn) ? 'cluster-admin-granted' : 'scope-widened', change)]
  }
  if (prev.type === 'cluster' && next.type === 'namespace') {
    return [effect(arn, isClusterAdminPolicy(policyArn) ? 'cluster-admin-revoked' : 'scope-narrowed', change)]
  }
  const added = next.namespaces.filter((n) => !prev.namespaces.includes(n))
  const removed = prev.namespaces.filter((n) => !next.namespaces.includes(n))
  const out: AccessEffect[] = []
  if (added.length > 0) out.push(effect(arn, 'namespaces-added', `${name}: + ${added.join(', ')}`))
  if (removed.length > 0) out.push(effect(arn, 'namespaces-removed', `${name}: - ${removed.join(', ')}`))
  return out
}

function groupEffects(arn: string, before: readonly string[], after: readonly string[]): AccessEffect[] {
  const added = after.filter((g) => !before.includes(g))
  const removed = before.filter((g) => !after.includes(g))
  const out: AccessEffect[] = []
  if (added.length > 0) out.push(effect(arn, 'groups-added', `Kubernetes groups + ${added.join(', ')}`))
  if (removed.length > 0) out.push(effect(arn, 'groups-removed', `Kubernetes groups - ${removed.join(', ')}`))
  return out
}
