// Injected into the CommonJS bundles: ESM dependencies (web-tree-sitter) call
// createRequire(import.meta.url), which is undefined once bundled to CJS.
export const import_meta_url = require('node:url').pathToFileURL(__filename).href;
