/**
 * `validate`: file/YAML → schema → model → EKS rules → organisation rules, collecting every problem.
 *
 * `validateManifests` reads the disk (the manifests and, with `rules`, the organisation rules file:
 * from the working tree, or on a pull request at the base commit); `validateSources` is the same
 * pipeline over in-memory text, for tests and benchmarks.
 */
import { compareProblems, sortProblems } from '../util/compare.js'
import { checkManifestFile, type ParseMode } from './check.js'
import { loadManifestFiles } from './load.js'
import { compareCodePoints as compareStrings } from '../util/compare.js'
import { buildManifest, schemaRejections, type ModelInput } from './model.js'
import { selectClusters } from './select.js'
import { builtInCatalogue } from '../policies.js'
import { checkEksRules } from '../rules/eks/index.js'
import type { AccessPolicyInfo, Manifest, Problem } from '../types.js'
import { judgeOrgRules, loadOrgRules, type LoadedRules, type RulesOptions, type RulesReport } from './org-rules.js'

export {
  findCwdFromRoot,
  type LoadedRules,
  type RulesChange,
  type RulesFileState,
  type RulesOptions,
  type RulesOrigin,
  type RulesReport,
  type RulesSource,
} from './org-rules.js'

export interface ValidateOptions {
  /** A file path or glob, relative to `cwd`. */
  readonly manifest: string
  readonly cwd: string
  readonly now: Date
  readonly expiryWarningDays: number
  /** Known access policies; default: the built-in catalogue. */
  readonly catalogue?: readonly AccessPolicyInfo[]
  /** `slow` skips the fast parse (differential tests); default `auto`. Results are the same. */
  readonly parseMode?: ParseMode
  /**
   * The organisation rules file (PRODUCT.md "Organisation rules"); without it no organisation rules
   * are evaluated. Read once with the manifests; `checkManifests` evaluates it on every check.
   */
  readonly rules?: RulesOptions
}

export interface CheckedOutcome {
  readonly kind: 'checked'
  /** false exactly when some problem is an error */
  readonly ok: boolean
  /** Sorted by file, line, column, code, message. */
  readonly problems: Problem[]
  readonly manifest: Manifest
  /** file → decoded text, for source excerpts under each problem (the rules file's too) */
  readonly sources: ReadonlyMap<string, string>
  /** What the organisation rules did; absent when no rules were asked for (no `rules` option). */
  readonly rules?: RulesReport
}

export type ValidateOutcome =
  | { readonly kind: 'usage'; readonly message: string } // exit 2
  | CheckedOutcome

export interface ValidateContext {
  readonly now: Date
  readonly expiryWarningDays: number
  readonly catalogue?: readonly AccessPolicyInfo[]
  /** `slow` skips the fast parse (differential tests); default `auto`. Results are the same. */
  readonly parseMode?: ParseMode
}

export async function validateManifests(opts: ValidateOptions): Promise<ValidateOutcome> {
  const read = await readManifests(opts)
  return read.kind === 'usage' ? read : checkManifests(read, opts)
}

/** Parsed manifest files, ready to be checked (once, or again with another catalogue). */
export interface ReadManifests {
  readonly kind: 'read'
  readonly inputs: readonly ModelInput[]
  readonly problems: readonly Problem[]
  readonly files: readonly string[]
  readonly sources: ReadonlyMap<string, string>
  /** The organisation rules read with them (when `rules` was given), evaluated by every check. */
  readonly rules?: LoadedRules
}

/**
 * Reads and parses the manifest files once, and the organisation rules file beside them (the only
 * disk, git and GitHub access of validate). A manifest or rules file that cannot be found or read
 * (a missing `--rules FILE`, base-commit rules that cannot be read) is `usage` (exit 2).
 */
export async function readManifests(
  opts: Pick<ValidateOptions, 'manifest' | 'cwd' | 'parseMode' | 'rules'>,
): Promise<ReadManifests | { readonly kind: 'usage'; readonly message: string }> {
  const mode = opts.parseMode ?? 'auto'
  const [loaded, rules] = await Promise.all([
    loadManifestFiles(opts.manifest, opts.cwd, (file, bytes) => checkManifestFile(file, bytes, mode)),
    opts.rules === undefined ? undefined : loadOrgRules(opts.rules, opts.cwd),
  ])
  if (loaded.kind === 'usage') return loaded
  if (rules !== undefined && 'kind' in rules) return rules
  return {
    kind: 'read',
    inputs: loaded.loaded,
    problems: loaded.problems,
    files: loaded.files,
    sources: loaded.sources,
    ...(rules === undefined ? {} : { rules }),
  }
}

/** Model, EKS and organisation rules over files already read: pure, so a plan can check again with the live catalogue. */
export function checkManifests(read: ReadManifests, ctx: ValidateContext): CheckedOutcome {
  return checkLoaded(read.inputs, read.problems, read.files, read.sources, ctx, read.rules)
}

/**
 * The pipeline over in-memory files (`file` relative paths; `text` or raw bytes). No disk, no AWS.
 * `rules`: organisation rules already loaded (tests, benchmarks).
 */
export function validateSources(
  files: readonly { file: string; text: string | Uint8Array }[],
  ctx: ValidateContext,
  rules?: LoadedRules,
): CheckedOutcome {
  const sorted = [...files].sort((a, b) => compareStrings(a.file, b.file))
  const loaded: ModelInput[] = []
  const problems: Problem[] = []
  const sources = new Map<string, string>()
  for (const { file, text } of sorted) {
    const parsed = checkManifestFile(file, text, ctx.parseMode ?? 'auto')
    if (parsed.text !== undefined) sources.set(file, parsed.text)
    if (parsed.loaded) loaded.push(parsed.loaded)
    problems.push(...parsed.problems)
  }
  return checkLoaded(
    loaded,
    problems,
    sorted.map((f) => f.file),
    sources,
    ctx,
    rules,
  )
}

function checkLoaded(
  inputs: readonly ModelInput[],
  fileProblems: readonly Problem[],
  files: readonly string[],
  sources: ReadonlyMap<string, string>,
  ctx: ValidateContext,
  rules: LoadedRules | undefined,
): CheckedOutcome {
  const schemaProblems = inputs.flatMap((i) => i.findings.map((f) => f.problem))
  const { manifest, problems: modelProblems } = buildManifest(inputs, files)
  const eksProblems = checkEksRules(manifest, {
    now: ctx.now,
    expiryWarningDays: ctx.expiryWarningDays,
    catalogue: ctx.catalogue ?? builtInCatalogue(),
  })
  const judged = rules === undefined ? undefined : judgeOrgRules(rules, manifest, ctx.now)
  const problems = sortProblems([
    ...fileProblems,
    ...schemaProblems,
    ...modelProblems,
    ...withoutEchoes(eksProblems, manifest, inputs),
    ...(judged?.problems ?? []),
  ])
  const allSources = judged === undefined || judged.sources.size === 0 ? sources : new Map([...sources, ...judged.sources])
  return {
    kind: 'checked',
    ok: !problems.some((p) => p.severity === 'error'),
    problems,
    manifest,
    sources: allSources,
    ...(judged === undefined ? {} : { rules: judged.report }),
  }
}

/**
 * A cluster the schema rejected is missing from the model, so an entry naming it (or a glob matching
 * it) would also get `manifest:unknown-cluster` / `manifest:unmatched-selector`, and a cluster whose
 * only entry was rejected would get `manifest:cluster-without-entries`: echoes of a problem
 * already reported.
 */
function withoutEchoes(problems: readonly Problem[], manifest: Manifest, inputs: readonly ModelInput[]): Problem[] {
  const rejectedClusters = new Set<string>()
  let rejectedEntries = false
  for (const { findings } of inputs) {
    const rejected = schemaRejections(findings)
    rejected.clusters.forEach((key) => rejectedClusters.add(key))
    if (rejected.entries.size > 0) rejectedEntries = true
  }
  if (rejectedClusters.size === 0 && !rejectedEntries) return [...problems]
  const rejectedKeys = [...rejectedClusters]
  const echoLocs = new Set<string>()
  for (const entry of manifest.accessEntries) {
    entry.clusters?.forEach((selector, k) => {
      const loc = entry.locs.clusterItems[k]
      if (loc && selectClusters([selector], rejectedKeys).clusters.length > 0) echoLocs.add(`${loc.file}:${loc.line}:${loc.column}`)
    })
  }
  return problems.filter((p) => {
    if (p.code === 'manifest:unknown-cluster' || p.code === 'manifest:unmatched-selector')
      return !echoLocs.has(`${p.file}:${p.line}:${p.column}`)
    if (p.code === 'manifest:cluster-without-entries') return !rejectedEntries
    return true
  })
}

export { compareProblems, sortProblems }

// ───────────────────────────── benchmark input ─────────────────────────────

/**
 * A valid synthetic manifest split over `fileCount` files (`clusters.yaml` plus `team-NN.yaml`),
 * with `entryCount` entries in all, for `npm run bench`: `validateSources(generateSyntheticManifests(), ctx)`.
 */
export function generateSyntheticManifests(fileCount = 50, entryCount = 5000): { file: string; text: string }[] {
  const clusters = ['version: 1', 'clusters:']
  for (let c = 0; c < 10; c++) {
    clusters.push(`  prod-${c}:`, '    region: eu-west-1', '    accountId: "111122223333"')
  }
  const files = [{ file: 'manifests/clusters.yaml', text: clusters.join('\n') + '\n' }]
  const teamFiles = Math.max(1, fileCount - 1)
  for (let f = 0; f < teamFiles; f++) {
    const lines = ['version: 1', 'accessEntries:']
    for (let e = f; e < entryCount; e += teamFiles) {
      lines.push(
        `  - principalArn: arn:aws:iam::111122223333:role/team-${f}/member-${e}`,
        `    clusters: ["prod-${e % 10}"]`,
        `    kubernetesGroups: [team-${f}-readers]`,
        `    tags: { owner: team-${f} }`,
        '    accessPolicies:',
        '      - policyArn: AmazonEKSViewPolicy',
        `        accessScope: { type: namespace, namespaces: [team-${f}, "team-${f}-*"] }`,
      )
    }
    files.push({ file: `manifests/team-${String(f).padStart(2, '0')}.yaml`, text: lines.join('\n') + '\n' })
  }
  return files
}
