/**
 * End-to-end suites with the MCP SDK's own client (headless browser leg) against the full local stack,
 * separate origins, single origin and several instances. Named `jest.e2e.config.cts` (not
 * `jest.config.cts`) on purpose: the @nx/jest plugin would infer a `test` target from the usual name,
 * and `npm test` (`nx run-many -t test ...`) must not run these; `npm run test:e2e` does, once.
 */
module.exports = {
  displayName: 'e2e',
  preset: '../jest.preset.js',
  rootDir: __dirname,
  testMatch: ['<rootDir>/test/**/*.e2e.spec.ts'],
  testTimeout: 120000,
  // One stack at a time: each suite starts several Node processes (2-core machines, busy CI).
  maxWorkers: 1,
};
