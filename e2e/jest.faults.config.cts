/**
 * Fault tests (issue 18): real processes - DynamoDB Local from its jar, local-idp, the built gateway and tools, the
 * single-origin proxy - killed, paused (SIGSTOP/SIGCONT), started together and stopped with SIGTERM under load.
 * Named `jest.faults.config.cts` so that `npm test` does not run them; `npm run test:faults` does (CI: `.ci/run`).
 */
module.exports = {
  displayName: 'faults',
  preset: '../jest.preset.js',
  rootDir: __dirname,
  testMatch: ['<rootDir>/test/faults/**/*.faults.spec.ts'],
  testTimeout: 180000,
  // One stack at a time: each suite runs several processes and a JVM, and the timing bounds are what is tested.
  maxWorkers: 1,
};
