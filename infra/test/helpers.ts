import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { addNagChecks, buildStacks, type BuildOptions, type McpStacks } from '../src/app';
import { stageConfig, type StageName, type StageOverrides } from '../src/config/stages';

/**
 * What an operator passes for prod (`-c domainName=... -c hostedZoneId=... ...`): the shipped prod
 * values are placeholders that synth refuses (config/deployable.ts). Not a reserved name, not a real zone.
 */
export const PROD_OVERRIDES: StageOverrides = {
  domainName: 'mcp.acme-platform.dev',
  hostedZoneId: 'Z0123456789ABCDEFGHIJ',
  hostedZoneName: 'acme-platform.dev',
  cognitoDomainPrefix: 'acme-platform-mcp-prod',
};

/**
 * One app of one stage, as `cdk synth -c stage=<stage>` builds it (prod with {@link PROD_OVERRIDES}
 * unless `overrides` says otherwise). Docker assets are fingerprinted but not copied
 * (`aws:cdk:disable-asset-staging`), so a synthesis takes seconds.
 */
export function buildTestApp(
  stage: StageName = 'dev',
  options: BuildOptions & { nag?: boolean; overrides?: StageOverrides } = {},
): McpStacks & { app: App } {
  // aws-cdk-lib validates every template against the CloudFormation resource schemas at synth (a WebAssembly
  // engine, ~10 s per app here). The cdk-nag suite (`nag: true`) keeps it on for both stages and asserts it
  // reports nothing; the other suites test template content and skip it.
  if (options.nag) delete process.env['CDK_VALIDATION'];
  else process.env['CDK_VALIDATION'] = 'false';
  const app = new App({
    outdir: mkdtempSync(join(tmpdir(), 'infra-test-')),
    context: { 'aws:cdk:disable-asset-staging': true },
  });
  const overrides = options.overrides ?? (stage === 'prod' ? PROD_OVERRIDES : {});
  const stacks = buildStacks(app, stageConfig(stage, overrides), options);
  if (options.nag) addNagChecks(app);
  return { ...stacks, app };
}

/** Resources of `type` in `template`, as [logicalId, resource] pairs. */
export function resourcesOf(template: Template, type: string): Array<[string, { Properties: Record<string, unknown> }]> {
  return Object.entries(template.findResources(type)) as Array<[string, { Properties: Record<string, unknown> }]>;
}

export interface PolicyStatementJson {
  Sid?: string;
  Action: string | string[];
  Resource: unknown;
  Effect: string;
  Condition?: Record<string, Record<string, unknown>>;
}

/** Every IAM policy statement of the template. */
export function statementsOf(template: Template): PolicyStatementJson[] {
  return resourcesOf(template, 'AWS::IAM::Policy').flatMap(([, r]) => (r.Properties['PolicyDocument'] as { Statement: PolicyStatementJson[] }).Statement);
}

/** The statements of the one policy whose logical id matches `idPattern`. */
export function policyStatements(template: Template, idPattern: RegExp): PolicyStatementJson[] {
  const policies = resourcesOf(template, 'AWS::IAM::Policy').filter(([id]) => idPattern.test(id));
  if (policies.length !== 1) throw new Error(`expected one policy matching ${idPattern}, found ${policies.map(([id]) => id).join(', ') || 'none'}`);
  return (policies[0][1].Properties['PolicyDocument'] as { Statement: PolicyStatementJson[] }).Statement;
}

/** `Action` as an array. */
export const actionsOf = (s: PolicyStatementJson): string[] => ([] as string[]).concat(s.Action);
