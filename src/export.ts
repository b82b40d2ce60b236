/** Moved: the export conversions live in src/manifest/export.ts (kept for tests). */
export * from './manifest/export.js'
