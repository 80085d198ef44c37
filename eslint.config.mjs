import nx from '@nx/eslint-plugin';

/**
 * Module boundaries (see README "Project map"):
 * - type:util / type:domain / type:data-access are framework-free: no NestJS, no CDK.
 * - type:nest is the thin NestJS glue; only apps use it.
 * - scope:gateway and scope:tools never depend on each other; every MCP server (scope:mcp-server) depends on
 *   shared libs only; scope:dev (local-idp, embedded DynamoDB) never reaches production code.
 */
const frameworkFree = ['@nestjs/*', 'aws-cdk-lib', 'aws-cdk-lib/*', 'constructs', 'cdk-nag', 'express', 'fastify'];

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  ...nx.configs['flat/javascript'],
  {
    ignores: ['**/dist', '**/out-tsc', '**/cdk.out', '**/.local', '**/tmp'],
  },
  {
    files: ['**/*.ts', '**/*.tsx', '**/*.js', '**/*.jsx', '**/*.mjs', '**/*.cjs'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: true,
          // the shared build config (tools/build) is plain tooling, not a project
          allow: ['^.*/eslint(\\.base)?\\.config\\.[cm]?[jt]s$', '^(\\.\\./)+tools/build/'],
          depConstraints: [
            // layers
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:nest', 'type:domain', 'type:data-access', 'type:util', 'type:tooling'] },
            { sourceTag: 'type:infra', onlyDependOnLibsWithTags: ['type:util'], bannedExternalImports: ['@nestjs/*'] },
            { sourceTag: 'type:nest', onlyDependOnLibsWithTags: ['type:nest', 'type:domain', 'type:data-access', 'type:util'] },
            { sourceTag: 'type:data-access', onlyDependOnLibsWithTags: ['type:domain', 'type:util'], bannedExternalImports: frameworkFree },
            { sourceTag: 'type:domain', onlyDependOnLibsWithTags: ['type:domain', 'type:util'], bannedExternalImports: frameworkFree },
            { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:util'], bannedExternalImports: frameworkFree },
            // dev/test tooling (embedded DynamoDB, local stack): may use the framework-free libs, never Nest.
            { sourceTag: 'type:tooling', onlyDependOnLibsWithTags: ['type:tooling', 'type:domain', 'type:data-access', 'type:util'], bannedExternalImports: frameworkFree },
            { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['type:util', 'type:domain', 'type:data-access'] },
            // scopes
            { sourceTag: 'scope:gateway', onlyDependOnLibsWithTags: ['scope:gateway', 'scope:shared'] },
            { sourceTag: 'scope:tools', onlyDependOnLibsWithTags: ['scope:tools', 'scope:shared'] },
            // Every MCP server (mcp-tools and those the generator makes): shared libs and the kit only - never another
            // server, the gateway or dev tooling, so each deploys on its own.
            { sourceTag: 'scope:mcp-server', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'scope:dev', onlyDependOnLibsWithTags: ['scope:dev', 'scope:shared'] },
          ],
        },
      ],
    },
  },
  {
    // Tests may use the dev-only helpers (embedded DynamoDB, local-idp launcher).
    files: ['**/*.spec.ts', '**/test/**/*.ts', '**/testing/**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          allow: ['^.*/eslint(\\.base)?\\.config\\.[cm]?[jt]s$'],
          depConstraints: [
            { sourceTag: '*', onlyDependOnLibsWithTags: ['*'] },
            { sourceTag: 'scope:gateway', notDependOnLibsWithTags: ['scope:tools'] },
            { sourceTag: 'scope:tools', notDependOnLibsWithTags: ['scope:gateway'] },
            { sourceTag: 'scope:mcp-server', notDependOnLibsWithTags: ['scope:gateway', 'scope:mcp-server'] },
            { sourceTag: 'type:util', bannedExternalImports: frameworkFree },
            { sourceTag: 'type:domain', bannedExternalImports: frameworkFree },
            { sourceTag: 'type:data-access', bannedExternalImports: frameworkFree },
          ],
        },
      ],
    },
  },
];
