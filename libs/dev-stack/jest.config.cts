module.exports = {
  displayName: 'dev-stack',
  preset: '../../jest.preset.js',
  coverageDirectory: '../../coverage/libs/dev-stack',
};
