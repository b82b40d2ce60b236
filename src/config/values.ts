/**
 * Parses the action's inputs and the CLI's argv, once, into frozen typed configs.
 * Everything a user can get wrong here is a UsageError (exit 2), never a thrown exception.
 */
import { MAX_EXPIRY_WARNING_DAYS, type CliCommand } from '../constants.js'
import { err, ok, type Result } from '../types.js'
import { didYouMean } from '../util/did-you-mean.js'

export { didYouMean }

export interface UsageError {
  readonly message: string
  /** The command whose usage applies, so the CLI can point at `eks-access-gate <command> --help`. */
  readonly command?: CliCommand
}

export type Env = Readonly<Record<string, string | undefined>>

// ───────────────────────────── shared value parsers ─────────────────────────────

/** YAML 1.2 core-schema booleans, the same set `core.getBooleanInput` accepts. */
const TRUE_WORDS = ['true', 'True', 'TRUE']
const FALSE_WORDS = ['false', 'False', 'FALSE']

export function parseBoolean(name: string, raw: string | undefined, fallback: boolean): Result<boolean, string> {
  if (raw === undefined) return ok(fallback)
  if (TRUE_WORDS.includes(raw)) return ok(true)
  if (FALSE_WORDS.includes(raw)) return ok(false)
  return err(`${name} must be true or false, got ${quote(raw)}`)
}

/** A whole number of days in [0, MAX]; `parseInt`-style leniency (`7days`, `1e3`, `-1`) is rejected. */
export function parseDays(name: string, raw: string | undefined, fallback: number): Result<number, string> {
  if (raw === undefined) return ok(fallback)
  if (!/^\d{1,6}$/.test(raw)) return err(`${name} must be a whole number of days (0-${MAX_EXPIRY_WARNING_DAYS}), got ${quote(raw)}`)
  const days = Number(raw)
  if (days > MAX_EXPIRY_WARNING_DAYS) return err(`${name} must be at most ${MAX_EXPIRY_WARNING_DAYS}, got ${raw}`)
  return ok(days)
}

/** `--max-rate N`: a positive number of requests per second (fractions allowed, up to 10,000). */
export function parseRate(name: string, raw: string | undefined): Result<number | undefined, string> {
  if (raw === undefined) return ok(undefined)
  const rate = /^\d{1,5}(\.\d{1,3})?$/.test(raw) ? Number(raw) : Number.NaN
  if (!(rate > 0 && rate <= 10_000))
    return err(`${name} must be a number of requests per second above 0 (at most 10000), got ${quote(raw)}`)
  return ok(rate)
}

export function parseEnum<T extends string>(name: string, raw: string, allowed: readonly T[]): Result<T, string> {
  if ((allowed as readonly string[]).includes(raw)) return ok(raw as T)
  const hint = didYouMean(raw, allowed)
  return err(`${name} must be one of ${allowed.join(', ')}, got ${quote(raw)}${hint ? ` (did you mean ${quote(hint)}?)` : ''}`)
}

/** JSON-quotes a user value so control characters and spaces stay visible in messages. */
export function quote(value: string): string {
  return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value)
}

/** `--cluster-timeout SECONDS`: a whole number of seconds in [1, 86400]. */
export function parseSeconds(name: string, raw: string | undefined, fallback: number): Result<number, string> {
  if (raw === undefined) return ok(fallback)
  if (!/^\d{1,5}$/.test(raw) || Number(raw) < 1 || Number(raw) > 86_400) {
    return err(`${name} must be a whole number of seconds (1-86400), got ${quote(raw)}`)
  }
  return ok(Number(raw))
}

/** `{ key: value }` when value is defined, `{}` otherwise (exactOptionalPropertyTypes forbids `key: undefined`). */
export function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return value === undefined ? {} : ({ [key]: value } as { [P in K]: V })
}
