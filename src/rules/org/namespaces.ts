/**
 * Namespace patterns as EKS writes them: a name, or a prefix with a trailing `*` (`kube-*`).
 * Two patterns overlap when some namespace matches both.
 */
export interface NamespacePattern {
  readonly prefix: string
  readonly wildcard: boolean
}

export function namespacePattern(value: string): NamespacePattern {
  return value.endsWith('*') ? { prefix: value.slice(0, -1), wildcard: true } : { prefix: value, wildcard: false }
}

export function overlaps(a: NamespacePattern, b: NamespacePattern): boolean {
  if (a.wildcard && b.wildcard) return a.prefix.startsWith(b.prefix) || b.prefix.startsWith(a.prefix)
  if (a.wildcard) return b.prefix.startsWith(a.prefix)
  if (b.wildcard) return a.prefix.startsWith(b.prefix)
  return a.prefix === b.prefix
}

/** `overlaps(namespacePattern(item), p)` without allocating (called per namespace item of every entry). */
export function itemOverlaps(item: string, p: NamespacePattern): boolean {
  const wildcard = item.endsWith('*')
  if (!wildcard) return p.wildcard ? item.startsWith(p.prefix) : item === p.prefix
  const prefix = item.slice(0, -1)
  return p.wildcard ? prefix.startsWith(p.prefix) || p.prefix.startsWith(prefix) : p.prefix.startsWith(prefix)
}
