module.exports = {
  displayName: 'oauth',
  preset: '../../jest.preset.js',
  coverageDirectory: '../../coverage/libs/oauth',
};
