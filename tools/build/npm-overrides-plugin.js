const { readFileSync } = require('fs');
const { join } = require('path');

/**
 * Puts back the root `overrides` that Nx's generated package.json drops, so that the image's
 * `npm ci --omit=dev` (apps' Dockerfiles) accepts the generated lockfile.
 *
 * Nx (createPackageJson, 23.x) removes every override whose package is also a direct dependency of the
 * app, to avoid npm's EOVERRIDE. But the pruned lockfile still holds the overridden version: mcp-tools
 * depends on `fastify` 5.12.8 directly, the root overrides `fastify` to 5.12.8 under
 * `@nestjs/platform-fastify` (which pins 5.11.3), and without the override `npm ci` in the image fails
 * with "Missing: fastify@5.11.3 from lock file" (found by `npm run test:containers`). npm raises
 * EOVERRIDE only when the override's spec differs from the direct dependency's, so an override equal to
 * the dependency's spec is restored; any other is left out, as Nx does. (npm reads overrides from
 * package.json only; the lockfile needs no change.)
 */
class RestoreNpmOverridesPlugin {
  /** @param {string} workspaceRoot folder of the root package.json */
  constructor(workspaceRoot) {
    this.rootOverrides = JSON.parse(readFileSync(join(workspaceRoot, 'package.json'), 'utf8')).overrides ?? {};
  }

  apply(compiler) {
    const { Compilation, sources } = compiler.webpack;
    compiler.hooks.thisCompilation.tap('RestoreNpmOverridesPlugin', (compilation) => {
      // After Nx's GeneratePackageJsonPlugin (PROCESS_ASSETS_STAGE_ADDITIONAL) emitted both files.
      compilation.hooks.processAssets.tap({ name: 'RestoreNpmOverridesPlugin', stage: Compilation.PROCESS_ASSETS_STAGE_ADDITIONS }, () => {
        const pkgAsset = compilation.getAsset('package.json');
        if (!pkgAsset) return;
        const pkg = JSON.parse(pkgAsset.source.source().toString());
        const restored = {};
        for (const [name, spec] of Object.entries(this.rootOverrides)) {
          if (typeof spec === 'string' && pkg.dependencies?.[name] === spec) restored[name] = spec;
        }
        if (Object.keys(restored).length === 0) return;
        pkg.overrides = { ...pkg.overrides, ...restored };
        compilation.updateAsset('package.json', new sources.RawSource(`${JSON.stringify(pkg, null, 2)}\n`));
      });
    });
  }
}

module.exports = { RestoreNpmOverridesPlugin };
