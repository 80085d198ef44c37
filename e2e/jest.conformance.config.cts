/**
 * The official MCP conformance suite against the full local stack (both protocol revisions). Its own config, like
 * the other e2e suites, so `npm test` does not run it; `npm run test:conformance` does, once.
 */
module.exports = {
  displayName: 'conformance',
  preset: '../jest.preset.js',
  rootDir: __dirname,
  testMatch: ['<rootDir>/test/conformance/**/*.conformance.spec.ts'],
  testTimeout: 600000,
  maxWorkers: 1,
};
