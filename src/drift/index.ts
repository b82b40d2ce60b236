export {
  classifyDrift,
  type DriftCounts,
  type DriftEntry,
  type DriftReport,
  type ObservedByCluster,
  type PendingModeChange,
  type UnknownAccess,
} from './classify.js'
export {
  DRIFT_LABEL,
  DRIFT_MARKER,
  DRIFT_MAX_LENGTH,
  renderDrift,
  renderDriftMarkdown,
  renderDriftText,
  type DriftFormat,
} from './render.js'
