/** Parsing of the action's inputs and the CLI's argv into frozen typed configs, and per-command requests. */
export * from './values.js'
export * from './action.js'
export * from './cli.js'
export * from './requests.js'
