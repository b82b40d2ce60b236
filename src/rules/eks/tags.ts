/**
 * Tags on an access entry, against what the plan does with them (PRODUCT.md "Ownership"):
 * - `manifest:ownership-tag` (error, at the tag key) — the manifest sets `managed-by` to another
 *   value than `eks-access-gate`. The plan always writes `managed-by: eks-access-gate` (that tag is
 *   how `prune: owned` recognises its entries), so the value written here would be silently
 *   overwritten; and a value that is not the marker would make the entry look unowned.
 * - `eks:tags` (error, at `tags`) — with the ownership tag added the entry would carry more than
 *   the 50 tags EKS allows per resource (TagMap max 50 in the EKS model), so the create or tag call
 *   would fail at apply. The schema's own limit of 50 does not know about the added tag.
 */
import { OWNERSHIP_TAG_KEY, OWNERSHIP_TAG_VALUE, problemAt, type Manifest, type ManifestEntry, type Problem } from '../../types.js'

/** Tags EKS allows on one resource. */
export const MAX_TAGS = 50

export function checkTags(manifest: Manifest): Problem[] {
  return manifest.accessEntries.flatMap(checkEntryTags)
}

function checkEntryTags(entry: ManifestEntry): Problem[] {
  const problems: Problem[] = []
  const owner = entry.tags[OWNERSHIP_TAG_KEY]
  if (owner !== undefined && owner !== OWNERSHIP_TAG_VALUE) {
    problems.push(
      problemAt(
        entry.locs.tagKeys[OWNERSHIP_TAG_KEY] ?? entry.locs.tags ?? entry.locs.entry,
        'error',
        'manifest:ownership-tag',
        `tag "${OWNERSHIP_TAG_KEY}" is the ownership tag: eks-access-gate sets it to "${OWNERSHIP_TAG_VALUE}" on the entries it manages, so "${owner}" would be overwritten; remove it, or use another key`,
      ),
    )
  }
  const count = Object.keys(entry.tags).length + (owner === undefined ? 1 : 0)
  if (count > MAX_TAGS) {
    problems.push(
      problemAt(
        entry.locs.tags ?? entry.locs.entry,
        'error',
        'eks:tags',
        `tags has ${Object.keys(entry.tags).length} tags; with the ownership tag ${OWNERSHIP_TAG_KEY}: ${OWNERSHIP_TAG_VALUE} that is ${count}, and EKS allows at most ${MAX_TAGS} per access entry: remove ${count - MAX_TAGS}`,
      ),
    )
  }
  return problems
}
