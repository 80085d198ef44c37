module.exports = {
  displayName: 'tokens',
  preset: '../../jest.preset.js',
  coverageDirectory: '../../coverage/libs/tokens',
};
