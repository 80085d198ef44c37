import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Stack, Validations, aws_s3 as s3 } from 'aws-cdk-lib';
import { addNagChecks } from '../src/app';
import { buildTestApp } from './helpers';

interface ValidationReport {
  pluginReports: Array<{
    pluginName: string;
    conclusion: 'success' | 'failure';
    violations: unknown[];
    suppressedViolations?: Array<{ acknowledgedId?: string; reason?: string }>;
  }>;
}

function synthAndReport(app: App): ValidationReport {
  const assembly = app.synth();
  return JSON.parse(readFileSync(join(assembly.directory, 'validation-report.json'), 'utf8')) as ValidationReport;
}

describe('cdk-nag AwsSolutions (runs on every synth, main.ts)', () => {
  it.each(['dev', 'prod'] as const)('%s: no unacknowledged finding, and the CloudFormation schema validation (cfn-lint rules) reports nothing', (stage) => {
    const { app } = buildTestApp(stage, { nag: true });
    const report = synthAndReport(app);
    expect(report.pluginReports.flatMap((r) => r.violations)).toEqual([]);
    expect(report.pluginReports.every((r) => r.conclusion === 'success')).toBe(true);
    // aws-cdk-lib's built-in validator ran (errors and warnings of the CloudFormation resource schemas and lint rules)
    expect(report.pluginReports.map((r) => r.pluginName)).toContain('CloudFormation Validate');
  });

  it('every acknowledgement is narrow (resource-level, IAM findings by finding id) and carries a specific reason', () => {
    const { app } = buildTestApp('dev', { nag: true });
    const acks: Array<{ path: string; id: string; reason: string }> = [];
    for (const c of app.node.findAll()) {
      for (const entry of c.node.metadata) {
        if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
        for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) acks.push({ path: c.node.path, id: id.replace(/^annotation::/i, ''), reason });
      }
    }
    const nagAcks = acks.filter((a) => a.id.startsWith('AwsSolutions-'));
    for (const a of nagAcks) {
      expect(a.reason.length).toBeGreaterThan(60);
      // never at stack or app level
      expect(a.path.split('/').length).toBeGreaterThan(1);
      if (/^AwsSolutions-IAM[45]/.test(a.id)) expect(a.id).toMatch(/\[(Resource|Action|Policy)::.+\]$/);
    }
    expect([...new Set(nagAcks.map((a) => `${a.path.split('/')[0]}: ${a.id}`))].sort()).toMatchSnapshot();
  });

  it('control: the same checks fail a synth that has a finding', () => {
    const app = new App({ context: { 'aws:cdk:disable-asset-staging': true } });
    new s3.Bucket(new Stack(app, 'Control'), 'Unlogged');
    addNagChecks(app);
    expect(() => app.synth()).toThrow(/AwsSolutions-S1|AwsSolutions-S10/);
  });
});
