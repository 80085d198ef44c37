module.exports = {
  displayName: 'mcp-server-kit',
  preset: '../../jest.preset.js',
  coverageDirectory: '../../coverage/libs/mcp-server-kit',
};
