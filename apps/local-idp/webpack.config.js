// dev-users.json ships next to main.js so the bundle finds its default users without the workspace.
module.exports = require('../../tools/build/webpack-node-app')(__dirname, {
  assets: ['./src/assets', { input: '.', glob: 'dev-users.json', output: '.' }],
});
