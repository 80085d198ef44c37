module.exports = {
  displayName: 'infra',
  preset: '../jest.preset.js',
  coverageDirectory: '../coverage/infra',
  // CDK syntheses (asset hashing, cdk-nag) take seconds each; every spec synthesizes once in beforeAll.
  testTimeout: 120000,
};
