module.exports = {
  displayName: 'nest-platform',
  preset: '../../jest.preset.js',
  coverageDirectory: '../../coverage/libs/nest-platform',
};
