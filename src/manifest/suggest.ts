/**
 * "Did you mean …?" for near misses in manifests: the one implementation lives in src/util.
 */
export { didYouMean as suggestClosest, editDistance } from '../util/did-you-mean.js'
