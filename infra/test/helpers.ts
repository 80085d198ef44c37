import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { addNagChecks, buildStacks, type BuildOptions, type McpStacks } from '../src/app';
import { stageConfig, type StageName } from '../src/config/stages';

/**
 * One app of one stage, as `cdk synth -c stage=<stage>` builds it. Docker assets are fingerprinted
 * but not copied (`aws:cdk:disable-asset-staging`), so a synthesis takes seconds.
 */
export function buildTestApp(stage: StageName = 'dev', options: BuildOptions & { nag?: boolean } = {}): McpStacks & { app: App } {
  const app = new App({
    outdir: mkdtempSync(join(tmpdir(), 'infra-test-')),
    context: { 'aws:cdk:disable-asset-staging': true },
  });
  const stacks = buildStacks(app, stageConfig(stage), options);
  if (options.nag) addNagChecks(app);
  return { ...stacks, app };
}

/** Resources of `type` in `template`, as [logicalId, resource] pairs. */
export function resourcesOf(template: Template, type: string): Array<[string, { Properties: Record<string, unknown> }]> {
  return Object.entries(template.findResources(type)) as Array<[string, { Properties: Record<string, unknown> }]>;
}

/** Every IAM policy statement of the template. */
export function statementsOf(template: Template): Array<{ Action: string | string[]; Resource: unknown; Effect: string }> {
  return resourcesOf(template, 'AWS::IAM::Policy').flatMap(
    ([, r]) => (r.Properties['PolicyDocument'] as { Statement: Array<{ Action: string | string[]; Resource: unknown; Effect: string }> }).Statement,
  );
}
