/**
 * One logging interface for the core, with a runner implementation (workflow commands via
 * @actions/core) and a CLI implementation (plain lines on stderr), as codeql-action does with
 * getActionsLogger / getRunnerLogger. Nothing here may be handed a secret.
 */
export interface Logger {
  info(message: string): void
  warning(message: string): void
  error(message: string): void
  debug(message: string): void
}

export interface RunnerCore {
  info(message: string): void
  warning(message: string): void
  error(message: string): void
  debug(message: string): void
}

/** Logs through the runner: warnings and errors become (file-less) annotations. */
export function createRunnerLogger(core: RunnerCore): Logger {
  return {
    info: (m) => core.info(m),
    warning: (m) => core.warning(m),
    error: (m) => core.error(m),
    debug: (m) => core.debug(m),
  }
}

/** Logs to stderr so stdout stays clean for `--format json` and YAML output. */
export function createCliLogger(writeErr: (text: string) => void, debugEnabled = false): Logger {
  return {
    info: (m) => writeErr(`${m}\n`),
    warning: (m) => writeErr(`eks-access-gate: warning: ${m}\n`),
    error: (m) => writeErr(`eks-access-gate: error: ${m}\n`),
    debug: (m) => {
      if (debugEnabled) writeErr(`eks-access-gate: debug: ${m}\n`)
    },
  }
}
