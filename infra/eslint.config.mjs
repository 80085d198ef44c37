import baseConfig from '../eslint.config.mjs';

/** What a Lambda handler must never pull into its bundle (nor a framework). */
const notInAFunction = ['aws-cdk-lib', 'aws-cdk-lib/*', 'constructs', 'cdk-nag', '@nestjs/*', 'express', 'fastify'];

export default [
  ...baseConfig,
  {
    // Lambda handlers (src/functions/*): bundled by esbuild into their own asset, never imported by the CDK app (it
    // names their entry file). They run the framework-free libs - storage, the shared vocabulary - exactly as the
    // services do, and nothing of CDK.
    files: ['src/functions/**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: true,
          allow: [],
          depConstraints: [
            { sourceTag: 'type:infra', onlyDependOnLibsWithTags: ['type:util', 'type:domain', 'type:data-access'], bannedExternalImports: notInAFunction },
            { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
          ],
        },
      ],
    },
  },
];
