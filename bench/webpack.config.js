const { NxAppWebpackPlugin } = require('@nx/webpack/app-plugin');
const { join } = require('path');

/**
 * Same bundle shape as every Node service (tools/build/webpack-node-app.js: workspace libs bundled,
 * node_modules external), plus the bench's server programs as extra entry points:
 * dist/bench/{main,preload,sdk-reference,sdk-v2-reference,bare-http}.js
 */
const root = join(__dirname, '..');
module.exports = {
  output: {
    path: join(root, 'dist', 'bench'),
    clean: true,
    devtoolModuleFilenameTemplate: '[absolute-resource-path]',
  },
  plugins: [
    new NxAppWebpackPlugin({
      target: 'node',
      compiler: 'tsc',
      main: './src/main.ts',
      additionalEntryPoints: [
        { entryName: 'preload', entryPath: './src/servers/preload.ts' },
        { entryName: 'sdk-reference', entryPath: './src/servers/sdk-reference.ts' },
        { entryName: 'sdk-v2-reference', entryPath: './src/servers/sdk-v2-reference.ts' },
        { entryName: 'bare-http', entryPath: './src/servers/bare-http.ts' },
      ],
      tsConfig: './tsconfig.app.json',
      optimization: false,
      outputHashing: 'none',
      generatePackageJson: false,
      sourceMap: true,
    }),
  ],
};
