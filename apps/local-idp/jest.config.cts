module.exports = {
  displayName: 'local-idp',
  preset: '../../jest.preset.js',
  coverageDirectory: '../../coverage/apps/local-idp',
};
