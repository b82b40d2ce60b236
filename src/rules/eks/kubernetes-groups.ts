/**
 * `eks:kubernetes-group` — EKS rejects group names that start with `system:` (EKS-API.md §3/§4:
 * "The kubernetes group name system:masters is invalid, it cannot start with system:"). Other
 * username prefixes are UNCONFIRMED for groups and not checked.
 */
import { problemAt, type Manifest, type ManifestEntry, type Problem } from '../../types.js'

export function checkKubernetesGroups(manifest: Manifest): Problem[] {
  return manifest.accessEntries.flatMap(checkGroups)
}

function checkGroups(entry: ManifestEntry): Problem[] {
  return entry.kubernetesGroups.flatMap((group, i) => {
    if (!group.startsWith('system:')) return []
    const loc = entry.locs.kubernetesGroupItems[i] ?? entry.locs.kubernetesGroups ?? entry.locs.entry
    const fix =
      group === 'system:masters'
        ? 'groups cannot start with system:; for cluster-admin use AmazonEKSClusterAdminPolicy with cluster scope'
        : 'groups cannot start with system:; bind a group of your own, or use an access policy'
    return [problemAt(loc, 'error', 'eks:kubernetes-group', `kubernetesGroups item "${group}": ${fix}`)]
  })
}
