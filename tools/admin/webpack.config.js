module.exports = require('../../tools/build/webpack-node-app')(__dirname);
