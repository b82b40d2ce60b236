/**
 * `eks:authentication-mode` — a desired `authenticationMode: CONFIG_MAP` is an error: access entries
 * cannot be managed in that mode (every access-entry call fails with InvalidRequestException), and
 * EKS never switches a cluster back to it (EKS-API.md §5). The schema already limits the enum.
 */
import { problemAt, type Manifest, type Problem } from '../../types.js'

export function checkAuthenticationModes(manifest: Manifest): Problem[] {
  return manifest.clusters
    .filter((cluster) => cluster.authenticationMode === 'CONFIG_MAP')
    .map((cluster) =>
      problemAt(
        cluster.locs.authenticationMode ?? cluster.locs.key,
        'error',
        'eks:authentication-mode',
        `cluster "${cluster.key}": authenticationMode "CONFIG_MAP" disables access entries, so none of this manifest could be applied, and EKS never returns to CONFIG_MAP once changed; use API_AND_CONFIG_MAP (keeps aws-auth working) or API`,
      ),
    )
}
