module.exports = {
  displayName: 'mcp-tools',
  preset: '../../jest.preset.js',
  coverageDirectory: '../../coverage/apps/mcp-tools',
};
