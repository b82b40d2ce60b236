/**
 * Formats anything that was thrown. A non-Error throw (a string, an object, undefined) must still
 * produce a readable message rather than `[object Object]` or nothing at all.
 */
export function errorMessage(e: unknown): string {
  if (e instanceof Error) return e.message || e.name
  if (typeof e === 'string') return e
  if (e === undefined || e === null) return String(e)
  try {
    const json = JSON.stringify(e)
    if (json !== undefined) return json
  } catch {
    // cyclic or otherwise unserialisable: fall through to String()
  }
  return String(e)
}

/** The stack of an Error, when there is one (shown only when debugging is switched on). */
export function errorStack(e: unknown): string | undefined {
  return e instanceof Error ? e.stack : undefined
}
