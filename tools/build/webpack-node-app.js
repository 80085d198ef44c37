const { NxAppWebpackPlugin } = require('@nx/webpack/app-plugin');
const { RestoreNpmOverridesPlugin } = require('./npm-overrides-plugin');
const { join, relative } = require('path');

/**
 * The one webpack configuration of every Node service in the workspace: a bundle of the app and
 * its workspace libs in `dist/<project path>`, with node_modules left external and a generated
 * package.json + lockfile for the container image's production install.
 *
 * @param {string} projectDir the project's folder (pass `__dirname`)
 * @param {{ assets?: unknown[] }} [options]
 */
module.exports = function nodeAppConfig(projectDir, options = {}) {
  const root = join(__dirname, '../..');
  return {
    output: {
      path: join(root, 'dist', relative(root, projectDir)),
      clean: true,
      ...(process.env.NODE_ENV !== 'production' && {
        devtoolModuleFilenameTemplate: '[absolute-resource-path]',
      }),
    },
    plugins: [
      new NxAppWebpackPlugin({
        target: 'node',
        compiler: 'tsc',
        main: './src/main.ts',
        tsConfig: './tsconfig.app.json',
        assets: options.assets ?? [],
        optimization: false,
        outputHashing: 'none',
        generatePackageJson: true,
        sourceMap: true,
      }),
      new RestoreNpmOverridesPlugin(root),
    ],
  };
};
