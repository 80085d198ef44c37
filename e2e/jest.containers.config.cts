/**
 * The containers suite: the service images built from apps/<name>/Dockerfile run as ECS runs them, and the
 * docker-compose.yml stack, each with a real MCP client signing in and calling tools. Needs a container
 * engine prepared by tools/containers/run-containers-suite.sh: run it with `npm run test:containers`.
 * (Not named jest.config.*: `npm test` must not pick it up.)
 */
module.exports = {
  displayName: 'e2e-containers',
  preset: '../jest.preset.js',
  rootDir: __dirname,
  testMatch: ['<rootDir>/test/containers/**/*.containers.spec.ts'],
  testTimeout: 300000,
  // One stack at a time: 2-core machines, and the compose stack needs its fixed ports.
  maxWorkers: 1,
};
