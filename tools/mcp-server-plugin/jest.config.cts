module.exports = {
  displayName: 'mcp-server-plugin',
  preset: '../../jest.preset.js',
  coverageDirectory: '../../coverage/tools/mcp-server-plugin',
  // The templates are not code of this project (they are .template files, and the generated app tests itself).
  testPathIgnorePatterns: ['/node_modules/', '/files/'],
};
