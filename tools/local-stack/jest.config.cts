module.exports = {
  displayName: 'local-stack',
  preset: '../../jest.preset.js',
  coverageDirectory: '../../coverage/tools/local-stack',
  testTimeout: 90000,
};
