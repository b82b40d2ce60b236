/** Moved: the validate stage lives in src/manifest/validate.ts (kept for bench/ and tests). */
export * from './manifest/validate.js'
