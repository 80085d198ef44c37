module.exports = {
  displayName: 'storage',
  preset: '../../jest.preset.js',
  coverageDirectory: '../../coverage/libs/storage',
  // One embedded engine per run, chosen by DYNAMODB_ENGINE (dynalite | dynamodb-local); each test
  // file then works in its own table.
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
};
