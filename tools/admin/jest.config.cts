module.exports = {
  displayName: 'admin',
  preset: '../../jest.preset.js',
  coverageDirectory: '../../coverage/tools/admin',
  testTimeout: 30000,
};
