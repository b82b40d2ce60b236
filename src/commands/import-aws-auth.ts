/**
 * `import-aws-auth [FILE|-] --cluster NAME [--residual FILE] [--format yaml|json] [--region R] [--account-id ID]`:
 * an aws-auth ConfigMap (a file, or stdin) → manifest entries on stdout, one line per warning and
 * the coverage line on stderr, and with `--residual` the ConfigMap that should remain.
 *
 * Outcomes: ok (exit 0, warnings alone never fail); invalid (exit 1: the input was read and cannot
 * be converted; nothing on stdout, no residual written, problems as `FILE:LINE:COL: error CODE: …`
 * on stderr); usage (exit 2: bad option, input file missing or unreadable, residual not writable).
 */
import { writeFile as fsWriteFile } from 'node:fs/promises'
import path from 'node:path'
import type { ImportAwsAuthRequest } from '../config/requests.js'
import { decodeManifest, MAX_FILE_BYTES, readAtMost } from '../manifest/load.js'
import { importAwsAuth } from '../onboarding/index.js'
import { Outcomes, type Outcome } from '../outcome.js'
import { renderProblemsText } from '../render/problems.js'
import type { Problem } from '../types.js'
import { StdinIsTerminal, type CommandDeps } from './deps.js'

/** How the stdin input is named in problems and in the manifest's header comment. */
export const STDIN_NAME = '<stdin>'

/** The I/O this command does, injected so tests need no disk and no stdin. */
export interface ImportIO {
  /** At most `maxBytes` + 1 bytes of the file (so an oversized file is seen as such). */
  readonly readFile: (absolutePath: string, maxBytes: number) => Promise<Uint8Array>
  readonly readStdin?: (maxBytes: number) => Promise<Uint8Array>
  readonly writeFile: (absolutePath: string, text: string) => Promise<void>
}

export async function importAwsAuthCommand(request: ImportAwsAuthRequest, deps: CommandDeps): Promise<Outcome> {
  return importAwsAuthWith(request, deps.cwd, {
    readFile: (file, maxBytes) => readAtMost(file, maxBytes + 1),
    writeFile: (file, text) => fsWriteFile(file, text, 'utf8'),
    ...(deps.readStdin === undefined ? {} : { readStdin: deps.readStdin }),
  })
}

/** The command over injected I/O: read → convert (pure) → write the residual → the Outcome. */
export async function importAwsAuthWith(request: ImportAwsAuthRequest, cwd: string, io: ImportIO): Promise<Outcome> {
  if (request.cluster === '') return Outcomes.usage('import-aws-auth needs --cluster NAME (the logical cluster name)')
  if (request.residual !== undefined && request.input !== '-' && path.resolve(cwd, request.residual) === path.resolve(cwd, request.input))
    return Outcomes.usage(`--residual ${request.residual} is the input file: write the residual elsewhere, the input is your rollback`)
  const fromStdin = request.input === '-'
  const sourceName = fromStdin ? STDIN_NAME : request.input
  const read = await readInput(request.input, cwd, io)
  if (read.kind === 'usage') return Outcomes.usage(read.message)

  // The manifests' limits and checks (size, UTF-8, no binary; a BOM is allowed), before any parsing.
  if (read.bytes.byteLength > MAX_FILE_BYTES) {
    const tooLarge: Problem = {
      severity: 'error',
      code: 'file:too-large',
      message:
        'the input is larger than 5 MiB, the limit for inputs; an aws-auth ConfigMap is far smaller (check that this is the right file)',
      file: sourceName,
      line: 1,
      column: 1,
    }
    return refused([tooLarge], new Map(), request, cwd)
  }
  const decoded = decodeManifest(sourceName, read.bytes)
  if (decoded.kind === 'problem') return refused([decoded.problem], new Map(), request, cwd)

  const result = importAwsAuth(decoded.text, {
    cluster: request.cluster,
    sourceName,
    ...(request.region === undefined ? {} : { region: request.region }),
    ...(request.accountId === undefined ? {} : { accountId: request.accountId }),
  })
  if (!result.ok) {
    if (result.exitCode === 2) return Outcomes.usage(result.problems.map((p) => p.message).join('; '))
    return refused(result.problems, new Map([[sourceName, decoded.text]]), request, cwd)
  }

  // The residual is written before anything is printed: if it cannot be written, nothing partial is.
  if (request.residual !== undefined) {
    try {
      await io.writeFile(path.resolve(cwd, request.residual), result.residualYaml)
    } catch (e) {
      return Outcomes.usage(`cannot write --residual ${request.residual}: ${errnoOf(e)}; nothing was printed`)
    }
  }
  const stdout = request.format === 'json' ? `${JSON.stringify(result.json, null, 2)}\n` : result.manifestYaml
  const residualLine =
    request.residual === undefined
      ? []
      : [
          `wrote the aws-auth ConfigMap that should remain to ${request.residual}: back up the live one ` +
            '(kubectl get cm aws-auth -n kube-system -o yaml), apply the entries, then kubectl apply this file',
        ]
  const stderr = [...result.warningLines, result.coverageLine, ...residualLine].map((l) => `${l}\n`).join('')
  return Outcomes.ok({ stdout, stderr })
}

type ReadInput = { readonly kind: 'bytes'; readonly bytes: Uint8Array } | { readonly kind: 'usage'; readonly message: string }

async function readInput(input: string, cwd: string, io: ImportIO): Promise<ReadInput> {
  if (input === '-') {
    if (io.readStdin === undefined) return { kind: 'usage', message: 'no standard input here: name the ConfigMap file instead of -' }
    try {
      return { kind: 'bytes', bytes: await io.readStdin(MAX_FILE_BYTES) }
    } catch (e) {
      if (e instanceof StdinIsTerminal) {
        return {
          kind: 'usage',
          message:
            'no input: name the ConfigMap file, or pipe it in (kubectl get cm aws-auth -n kube-system -o yaml | eks-access-gate import-aws-auth - --cluster NAME)',
        }
      }
      return { kind: 'usage', message: `cannot read standard input: ${errnoOf(e)}` }
    }
  }
  try {
    return { kind: 'bytes', bytes: await io.readFile(path.resolve(cwd, input), MAX_FILE_BYTES) }
  } catch (e) {
    const code = errnoOf(e)
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'it is a directory'
          : code === 'EACCES' || code === 'EPERM'
            ? 'permission denied'
            : code
    return { kind: 'usage', message: `cannot read ${input}: ${why}; check the path (or use - to read stdin)` }
  }
}

/** Exit 1, nothing on stdout: the problems, located in the input, on stderr. */
function refused(problems: readonly Problem[], sources: ReadonlyMap<string, string>, request: ImportAwsAuthRequest, cwd: string): Outcome {
  const stderr = renderProblemsText(problems, sources, { fileCount: 1, color: false, cwd })
  const first = problems[0]
  const where = first === undefined ? request.input : `${first.file}:${first.line}:${first.column}`
  return Outcomes.invalid(`cannot convert ${request.input === '-' ? 'stdin' : request.input} (${where}); nothing was printed`, {
    problems,
    stderr,
  })
}

function errnoOf(e: unknown): string {
  if (typeof e === 'object' && e !== null && 'code' in e) return String((e as { code: unknown }).code)
  return e instanceof Error ? e.message : String(e)
}
