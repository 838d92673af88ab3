/**
 * `npm run test:unit`: the fast tests only, without the files that start a server, a worker thread,
 * esbuild or terraform (`*.integration.test.ts`) and the end-to-end runs. A config rather than
 * `--testPathIgnorePatterns` on the command line, which would swallow the file names given after it.
 */
const base = require("./jest.config");

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  testPathIgnorePatterns: ["/node_modules/", "\\.integration\\.test\\.ts$", "/__tests__/local/e2e/"],
};
