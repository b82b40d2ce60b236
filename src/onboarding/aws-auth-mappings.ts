/**
 * The three map keys of aws-auth, parsed as aws-iam-authenticator parses them
 * (pkg/mapper/configmap/configmap.go `ParseMap`, pkg/config/types.go, pkg/config/mapper.go):
 *
 * - data keys are case-sensitive: only `mapRoles`, `mapUsers`, `mapAccounts` are read;
 * - a value that is blank, "``" or `""` is skipped (`isSkippable`);
 * - mapRoles/mapUsers go YAML → JSON (YAML 1.1, so `yes` is a boolean) → `json.Unmarshal`, which
 *   matches member names case-insensitively (`rolearn`, `roleARN`, `RoLeArN`) and lets a later
 *   member overwrite an earlier one; unknown members are ignored; `null` is the zero value;
 * - mapAccounts is a YAML list of strings (numbers keep their text);
 * - mappings are keyed by the lower-cased ARN, so of two mappings for one ARN the last one wins,
 *   and a role mapping is looked up before a user mapping.
 */
import { parseDocument, type Document } from 'yaml'
import { problemAt, type Problem } from '../types.js'
import { firstLineOfYamlError, type DataValue, type Pos } from './aws-auth-input.js'

export type Section = 'mapRoles' | 'mapUsers'

/** One item of mapRoles / mapUsers, decoded; `defect` says why it cannot be used as written. */
export interface RawMapping {
  readonly section: Section
  readonly index: number
  /** rolearn / userarn as written (trimmed of nothing: EKS compares exactly). */
  readonly arn?: string
  readonly username?: string
  readonly groups: readonly string[]
  /** `sso:` matcher (mapRoles only), as written. */
  readonly sso?: unknown
  readonly defect?: string
}

export interface ParsedSection {
  readonly mappings: readonly RawMapping[]
  /** The section as an editable YAML document (YAML 1.2 parse, for the residual); undefined when skipped. */
  readonly doc?: Document
}

export function isSkippable(text: string): boolean {
  const trimmed = text.trim()
  return trimmed === '' || trimmed === '``' || trimmed === '""'
}

type Parsed<T> = { ok: true; value: T } | { ok: false; problems: Problem[] }

function located(file: string, value: DataValue, innerPos: Pos | undefined, code: string, message: string): Problem {
  // An error at the very end of the text (an unclosed bracket) points at the end of its last line,
  // not at whatever follows the value in the file.
  const lines = (value.text ?? '').replace(/\n+$/, '').split('\n')
  const last = lines.length
  const inner = innerPos !== undefined && innerPos.line > last ? { line: last, column: (lines[last - 1]?.length ?? 0) + 1 } : innerPos
  const at = inner === undefined ? undefined : value.locate(inner.line, inner.column)
  const where = at ?? value.at
  const suffix = inner !== undefined && at === undefined ? ` (${value.key} line ${inner.line}, column ${inner.column})` : ''
  return problemAt({ file, line: where.line, column: where.column }, 'error', code, `${value.key}: ${message}${suffix}`)
}

/** Parses the YAML text of one section into a JS value; errors located in the original file. */
function parseEmbedded(file: string, value: DataValue): Parsed<{ js: unknown; doc: Document } | undefined> {
  if (value.text === undefined) {
    return {
      ok: false,
      problems: [
        located(
          file,
          value,
          undefined,
          'import:not-a-string',
          `must be a string holding YAML (write \`${value.key}: |\` and indent the list under it); Kubernetes ConfigMap data values are strings`,
        ),
      ],
    }
  }
  if (isSkippable(value.text)) return { ok: true, value: undefined }
  const semantic = parseDocument(value.text, { version: '1.1', uniqueKeys: false, prettyErrors: true })
  const error = semantic.errors[0]
  if (error !== undefined) {
    const lp = error.linePos?.[0]
    const inner = lp === undefined ? undefined : { line: lp.line, column: lp.col }
    return {
      ok: false,
      problems: [located(file, value, inner, 'import:syntax', `${firstLineOfYamlError(error.message)}; fix the YAML inside ${value.key}`)],
    }
  }
  const editable = parseDocument(value.text, { uniqueKeys: false })
  return { ok: true, value: { js: semantic.toJS(), doc: editable } }
}

/** mapRoles or mapUsers. A value that is not a YAML list is an error (the authenticator ignores the whole key). */
export function parseMappingSection(file: string, value: DataValue, section: Section): Parsed<ParsedSection> {
  const parsed = parseEmbedded(file, value)
  if (!parsed.ok) return parsed
  if (parsed.value === undefined) return { ok: true, value: { mappings: [] } }
  const { js, doc } = parsed.value
  if (js === null || js === undefined) return { ok: true, value: { mappings: [], doc } }
  if (!Array.isArray(js)) {
    const arnKey = section === 'mapRoles' ? 'rolearn' : 'userarn'
    return {
      ok: false,
      problems: [
        located(
          file,
          value,
          { line: 1, column: 1 },
          'import:not-a-list',
          `must be a YAML list of mappings (\`- ${arnKey}: …\`), found ${describe(js)}`,
        ),
      ],
    }
  }
  return { ok: true, value: { mappings: js.map((item, index) => decodeMapping(section, index, item)), doc } }
}

/** mapAccounts: a list of account IDs (their text, as yaml.v2 decodes scalars into strings). */
export function parseAccountsSection(file: string, value: DataValue): Parsed<{ accounts: string[]; defects: string[] }> {
  const parsed = parseEmbedded(file, value)
  if (!parsed.ok) return parsed
  if (parsed.value === undefined || parsed.value.js === null) return { ok: true, value: { accounts: [], defects: [] } }
  const { js, doc } = parsed.value
  if (!Array.isArray(js)) {
    return {
      ok: false,
      problems: [
        located(file, value, { line: 1, column: 1 }, 'import:not-a-list', `must be a YAML list of account IDs, found ${describe(js)}`),
      ],
    }
  }
  const items = (doc.contents as { items?: { source?: string; value?: unknown }[] } | null)?.items ?? []
  const accounts = js.map((v, i) => {
    const node = items[i]
    return typeof node?.source === 'string' ? node.source : String(v)
  })
  return { ok: true, value: { accounts, defects: [] } }
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list'
  if (value === null) return 'null'
  return typeof value === 'object' ? 'a mapping' : `the ${typeof value} ${JSON.stringify(value)}`
}

/** Go's encoding/json: member names match case-insensitively, a later member overwrites an earlier one. */
function member(obj: Readonly<Record<string, unknown>>, name: string): { present: boolean; value: unknown } {
  let found: { present: boolean; value: unknown } = { present: false, value: undefined }
  for (const [key, value] of Object.entries(obj)) if (key.toLowerCase() === name.toLowerCase()) found = { present: true, value }
  return found
}

function decodeMapping(section: Section, index: number, item: unknown): RawMapping {
  const base = { section, index, groups: [] as string[] }
  if (item === null || item === undefined) return { ...base, defect: 'the item is empty' }
  if (typeof item !== 'object' || Array.isArray(item)) return { ...base, defect: `the item is ${describe(item)}, not a mapping` }
  const obj = item as Record<string, unknown>
  const arnKey = section === 'mapRoles' ? 'rolearn' : 'userarn'
  const arn = member(obj, arnKey)
  const username = member(obj, 'username')
  const groups = member(obj, 'groups')
  const sso = section === 'mapRoles' ? member(obj, 'sso') : { present: false, value: undefined }
  const defects: string[] = []
  if (arn.present && arn.value !== null && typeof arn.value !== 'string') defects.push(`${arnKey} is ${describe(arn.value)}, not a string`)
  if (username.present && username.value !== null && typeof username.value !== 'string')
    defects.push(`username is ${describe(username.value)}, not a string (quote it)`)
  let groupList: string[] = []
  if (groups.present && groups.value !== null) {
    if (!Array.isArray(groups.value)) defects.push(`groups is ${describe(groups.value)}, not a list`)
    else if (groups.value.some((g) => g !== null && typeof g !== 'string'))
      defects.push('groups has an item that is not a string (quote it)')
    else groupList = groups.value.map((g) => (g === null ? '' : (g as string)))
  }
  const arnText = typeof arn.value === 'string' ? arn.value : undefined
  const hasSso = sso.present && sso.value !== null
  if (defects.length === 0 && (arnText === undefined || arnText === '') && !hasSso) defects.push(`${arnKey} is missing`)
  if (defects.length === 0 && arnText !== undefined && arnText !== '' && hasSso)
    defects.push('it has both rolearn and sso; aws-iam-authenticator rejects that')
  return {
    section,
    index,
    groups: groupList,
    ...(arnText === undefined || arnText === '' ? {} : { arn: arnText }),
    ...(typeof username.value === 'string' && username.value !== '' ? { username: username.value } : {}),
    ...(hasSso ? { sso: sso.value } : {}),
    ...(defects.length > 0 ? { defect: defects.join('; ') } : {}),
  }
}
