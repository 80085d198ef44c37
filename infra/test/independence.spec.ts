import { Template } from 'aws-cdk-lib/assertions';
import { buildTestApp } from './helpers';

/**
 * docs/architecture.md#topology: "one stack per service so that each team deploys its service alone". Changing the
 * gateway's inputs must leave the tools stack's template byte-for-byte the same (and so its
 * CloudFormation deploy a no-op), because the stacks share only SSM parameter names.
 */
describe('service stacks are independent', () => {
  let base: { gateway: Record<string, unknown>; tools: Record<string, unknown> };
  let changed: { gateway: Record<string, unknown>; tools: Record<string, unknown> };

  beforeAll(() => {
    const a = buildTestApp('dev');
    const b = buildTestApp('dev', {
      gateway: {
        config: {
          gateway: { cpu: 1024, memoryMiB: 2048, desiredCount: 3, minCount: 3, maxCount: 9, cpuTargetPercent: 40 },
          logLevel: 'trace',
          logRetentionDays: 90,
        },
      },
    });
    base = { gateway: Template.fromStack(a.gateway).toJSON(), tools: Template.fromStack(a.tools).toJSON() };
    changed = { gateway: Template.fromStack(b.gateway).toJSON(), tools: Template.fromStack(b.tools).toJSON() };
  });

  it('the gateway template reflects its changed inputs', () => {
    expect(changed.gateway).not.toEqual(base.gateway);
  });

  it('the tools template is deep-equal when only the gateway changed', () => {
    expect(changed.tools).toEqual(base.tools);
  });

  it('synthesis is deterministic: the same inputs give the same templates', () => {
    const again = buildTestApp('dev');
    expect(Template.fromStack(again.gateway).toJSON()).toEqual(base.gateway);
    expect(Template.fromStack(again.tools).toJSON()).toEqual(base.tools);
  });
});
