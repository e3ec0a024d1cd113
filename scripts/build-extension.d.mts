// Types for build-extension.mjs, which e2e/extension.spec.ts imports to build the extension it loads.

/** Builds the unpacked extension into `outDir` (default dist/extension, emptied first); resolves to the manifest written. */
export function buildExtension(outDir?: string): Promise<{ readonly version: string; readonly [key: string]: unknown }>
