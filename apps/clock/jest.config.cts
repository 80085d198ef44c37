module.exports = {
  displayName: 'clock',
  preset: '../../jest.preset.js',
  coverageDirectory: '../../coverage/apps/clock',
};
