module.exports = {
  displayName: 'auth-gateway',
  preset: '../../jest.preset.js',
  coverageDirectory: '../../coverage/apps/auth-gateway',
};
