/**
 * One manifest file → a schema-checked model input: the fast path (fast.ts) when the file is
 * ordinary and valid, else the exact `yaml` path (load.ts), whose problems and positions are the
 * reference. Both give the same value; the fast one just defers positions until asked.
 */
import type { Problem } from '../types.js'
import { parseManifestFast } from './fast.js'
import { decodeManifest, parseManifestText, type ParsedAs } from './load.js'
import type { ModelInput } from './model.js'
import { checkManifestSchema, passesManifestSchema } from './schema.js'

/** `auto`: fast path first; `slow`: always `yaml` (the reference, for differential tests). */
export type ParseMode = 'auto' | 'slow'

export interface CheckedFile extends ParsedAs<ModelInput> {
  /** Which parser produced `loaded` (absent when the file has no model input). */
  readonly via?: 'fast' | 'slow'
  /** Why the fast path was not taken, when it was not. */
  readonly slowBecause?: string
}

/** Decodes, parses and schema-checks one file. Never throws on user input. */
export function checkManifestFile(file: string, content: Uint8Array | string, mode: ParseMode = 'auto'): CheckedFile {
  const decoded = decodeManifest(file, content)
  if (decoded.kind === 'problem') return { problems: [decoded.problem] }
  const text = decoded.text
  let slowBecause = 'slow path requested'
  if (mode === 'auto') {
    const fast = parseManifestFast(file, text)
    // a schema finding needs the YAML tree for its position anyway: take the reference path
    if (fast.kind === 'parsed' && passesManifestSchema(fast.source.value)) {
      return { loaded: { source: fast.source, findings: [] }, text, problems: [], via: 'fast' }
    }
    slowBecause = fast.kind === 'refused' ? fast.reason : 'schema finding'
  }
  return { ...checkSlowly(file, text), text, slowBecause }
}

function checkSlowly(file: string, text: string): { loaded?: ModelInput; problems: Problem[]; via?: 'slow' } {
  const parsed = parseManifestText(file, text)
  if (!parsed.loaded) return { problems: parsed.problems }
  return { loaded: { source: parsed.loaded, findings: checkManifestSchema(parsed.loaded) }, problems: parsed.problems, via: 'slow' }
}
