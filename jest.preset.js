const nxPreset = require('@nx/jest/preset').default;

// jose 6 and a few MCP/OIDC dependencies ship ESM only; ts-jest turns them into CommonJS for Jest's
// module system (Node itself loads them natively through require(esm) on Node >= 20.19).
const esmOnly = ['jose'];

module.exports = {
  ...nxPreset,
  testEnvironment: 'node',
  transform: {
    '^.+\\.[tj]s$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }],
  },
  transformIgnorePatterns: [`/node_modules/(?!(${esmOnly.join('|')})/)`],
  testTimeout: 30000,
};
