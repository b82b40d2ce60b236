/**
 * The runner's readers for the organisation rules at a pull request's base commit: git on the
 * workspace clone (when actions/checkout fetched the base commit), else the contents API with the
 * `github-token`. Built by the runner adapter (src/main.ts `runnerDeps`); the GitHub port is used
 * only when git cannot answer, so a run with full history makes no GitHub call for its rules.
 */
import { createGitReader, type GitReader } from '../git/show.js'
import type { ContentsReader } from '../rules/org/index.js'
import type { GitHubPort } from './port.js'

export interface BaseRulesReaders {
  readonly git?: GitReader
  readonly contents?: ContentsReader
}

export function runnerBaseRules(opts: {
  /** GITHUB_WORKSPACE: the checkout. */
  readonly workspace: string
  /** The repository's GitHub port (the `github-token`); without it only git can read the base. */
  readonly github?: GitHubPort | undefined
}): BaseRulesReaders {
  const git = createGitReader({ cwd: opts.workspace })
  const { github } = opts
  if (github === undefined) return { git }
  const contents: ContentsReader = async (path, ref) => {
    const text = await github.readFile(path, ref)
    if (text !== undefined) return text
    // GitHub answers 404 both for a file missing at a commit and for a commit it does not know ("No
    // commit found for the ref"); only the first means "no rules at the base". The commits route
    // tells them apart (422 for an unknown commit), at one call, only when the file is missing.
    try {
      await github.listPullRequestsForCommit(ref)
    } catch (e) {
      throw new Error(`the base commit is unknown to GitHub (${e instanceof Error ? e.message : String(e)})`, { cause: e })
    }
    return undefined
  }
  return { git, contents }
}
