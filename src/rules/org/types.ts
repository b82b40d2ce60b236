/**
 * The shapes of the organisation-rules stage (PRODUCT.md "Organisation rules"): a loaded rule set,
 * one compiled rule, and the narrow views a rule kind checks. Pure data; no I/O.
 */
import type { Loc, Manifest, ManifestCluster, ManifestEntry, Problem, Severity } from '../../types.js'

/** Members every rule has, whatever its kind. */
export interface RuleCommon {
  readonly id: string
  readonly kind: string
  readonly severity: Severity
  /** The rule's own message (placeholders not yet interpolated), if any. */
  readonly message?: string
  /** Globs over manifest paths relative to the repository root; undefined means every file. */
  readonly files?: readonly string[]
  /** Cluster selectors (logical names or globs); undefined means every cluster. */
  readonly clusters?: readonly string[]
  /** Where the rule's list item starts in the rules file. */
  readonly loc: Loc
}

/** One finding of a rule, before the engine adds code, severity and the rule's message. */
export interface Violation {
  /** The offending node in the manifest. */
  readonly loc: Loc
  /** What is wrong and how to fix it (no trailing period). */
  readonly detail: string
  /** For interpolation of `{principalArn}`. */
  readonly principalArn?: string
  /** Logical cluster names concerned, for `{cluster}`. */
  readonly clusters?: readonly string[]
  /** Overrides the rule's severity (a CEL rule that cannot be evaluated is always an error). */
  readonly severity?: Severity
}

/** What an entry rule sees of one access entry. */
export interface EntryView {
  readonly entry: ManifestEntry
  /** The entry's file relative to the repository root (what `files` globs match). */
  readonly file: string
  /** Clusters the entry selects that the rule's `clusters` selectors also match, sorted by key. */
  readonly clusters: readonly ManifestCluster[]
  /** What several rules derive from the entry, computed at most once per entry and shared by every rule. */
  readonly facts: EntryFacts
}

/**
 * Per-entry work shared between rules (bench/rules.mjs: 20 rules over 5,000 entries): each value is
 * computed on first use and kept for the other rules of the same entry.
 */
export interface EntryFacts {
  /** The principal's account (accountOfArn), undefined when the ARN has none. */
  readonly account: string | undefined
  /** The short policy name of each `accessPolicies` item, same index (policyName). */
  readonly policyNames: readonly string[]
  /**
   * The CEL variables for this entry on a cluster (`entry` normalised for the cluster's partition),
   * one object per cluster shared by every CEL rule.
   */
  celActivation(cluster: ManifestCluster | undefined): CelActivation
}

/** The variables a CEL expression sees (src/rules/org/cel.ts). */
export interface CelActivation {
  readonly entry: Readonly<Record<string, unknown>>
  readonly cluster: Readonly<Record<string, unknown>>
  readonly file: string
}

/** What a per-cluster rule sees of one cluster. */
export interface ClusterView {
  readonly cluster: ManifestCluster
  /** The cluster's defining file relative to the repository root. */
  readonly file: string
  /** Entries that select this cluster (expired ones left out when `now` is known). */
  readonly entries: readonly ManifestEntry[]
}

/** A rule after loading: its common members plus the check of its kind. */
export type CompiledRule = RuleCommon &
  (
    | { readonly scope: 'entry'; readonly checkEntry: (view: EntryView) => readonly Violation[] }
    | { readonly scope: 'cluster'; readonly checkCluster: (view: ClusterView) => readonly Violation[] }
  )

/** The organisation rules of one rules file, ready to evaluate. */
export interface RuleSet {
  /** The rules file as shown in problems (relative to the working directory, or a label). */
  readonly file: string
  readonly rules: readonly CompiledRule[]
  /** Problems in the rules file that are not errors (the rules still apply). */
  readonly warnings: readonly Problem[]
}

export interface EvaluateOptions {
  /**
   * The working directory relative to the repository root (`''` when they are the same, as in the
   * action): manifest paths in the model are relative to the working directory, `files` globs to the root.
   */
  readonly cwdFromRoot?: string
  /** The clock: expired entries do not count as cluster admins. Without it every entry counts. */
  readonly now?: Date
}

/** Re-exported for kind modules. */
export type { Manifest }
