import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readMcpServerManifests } from '@mcp-cognito/contracts';
import { STACK_PARTS, mcpServerStackPart, stackName, type StackPart } from '../src/config/names';
import { workspaceRoot } from '../src/config/workspace';

/**
 * The pipeline's "what to deploy" step (infra/scripts/affected-stacks.mjs, run by
 * .github/workflows/deploy.yml), run for real: a clone of this repository, real commits on top of its
 * HEAD, the script as a separate process computing the Nx project graph of the clone.
 */
const root = workspaceRoot();
const script = join(root, 'infra/scripts/affected-stacks.mjs');
const stacks = (...parts: StackPart[]) => parts.map((p) => stackName('dev', p));
/** Every stack of the app, in first-deploy order: the MCP servers' own stacks after Tools. */
const ALL_PARTS: StackPart[] = [
  ...STACK_PARTS.slice(0, STACK_PARTS.indexOf('Tools')),
  ...readMcpServerManifests(workspaceRoot()).map((m) => mcpServerStackPart(m)),
  'Monitoring',
];

describe('pipeline: deploy only the stacks whose service or libraries changed', () => {
  let clone: string;
  let nxData: string;
  const git = (...args: string[]) => execFileSync('git', ['-C', clone, ...args], { encoding: 'utf8' }).trim();
  /** A one-line change to each file (a comment, valid in every language the files are in), committed. */
  const commit = (message: string, ...files: string[]) => {
    for (const f of files) appendFileSync(join(clone, f), f.endsWith('.md') ? '\n<!-- pipeline test -->\n' : f.endsWith('Dockerfile') ? '\n# pipeline test\n' : '\n// pipeline test\n');
    git('add', '--', ...files);
    git('commit', '-q', '--no-verify', '-m', message);
    return git('rev-parse', 'HEAD');
  };
  /** The first tracked file under `dir` that is production code (not a test). */
  const sourceFile = (dir: string) => {
    const file = git('ls-files', '--', dir)
      .split('\n')
      .find((f) => /\.ts$/.test(f) && !/\.spec\.ts$|\/test\//.test(f));
    if (!file) throw new Error(`no source file under ${dir}`);
    return file;
  };
  const specFile = (dir: string) => git('ls-files', '--', dir).split('\n').find((f) => /\.spec\.ts$/.test(f))!;
  const affected = (base: string, head: string): string[] =>
    execFileSync(process.execPath, [script, '--base', base, '--head', head, '--stage', 'dev', '--format', 'list'], {
      cwd: clone,
      encoding: 'utf8',
      env: { ...process.env, AFFECTED_STACKS_NX_DATA: nxData },
    })
      .trim()
      .split(' ')
      .filter(Boolean);

  const commits: Record<string, [string, string]> = {};

  beforeAll(() => {
    clone = mkdtempSync(join(tmpdir(), 'affected-stacks-'));
    nxData = mkdtempSync(join(tmpdir(), 'affected-stacks-nx-'));
    // --shared: objects from this repository, no copy, no network. HEAD is this checkout's last commit.
    execFileSync('git', ['clone', '--quiet', '--shared', root, clone]);
    symlinkSync(join(root, 'node_modules'), join(clone, 'node_modules'), 'dir');
    git('config', 'user.email', 'pipeline-test@localhost');
    git('config', 'user.name', 'pipeline test');
    const step = (name: string, message: string, ...files: string[]) => {
      const base = git('rev-parse', 'HEAD');
      commits[name] = [base, commit(message, ...files)];
    };
    step('tools', 'tools team: a change to apps/mcp-tools', sourceFile('apps/mcp-tools/src'));
    step('gateway', 'gateway team: a change to apps/auth-gateway', sourceFile('apps/auth-gateway/src'));
    step('clock', 'clock team: a change to apps/clock', sourceFile('apps/clock/src'));
    step('sharedLib', 'a change to a library both services import', sourceFile('libs/tokens/src'));
    step('storage', 'a change to libs/storage (the services and the offboarding function bundle it)', sourceFile('libs/storage/src'));
    step('testsAndDocs', 'tests and docs only', specFile('apps/mcp-tools'), 'docs/deploy.md', 'infra/test/helpers.ts', 'apps/auth-gateway/README.md');
    step('infra', 'a change to the CDK app', 'infra/src/config/stages.ts');
  });

  afterAll(() => {
    rmSync(clone, { recursive: true, force: true });
    rmSync(nxData, { recursive: true, force: true });
  });

  it('a change to apps/mcp-tools selects only the Tools stack', () => {
    expect(affected(...commits['tools'])).toEqual(stacks('Tools'));
  });

  it('a change to one MCP server (apps/clock) selects only its own stack, Server-clock', () => {
    expect(affected(...commits['clock'])).toEqual(stacks('Server-clock'));
  });

  it('a change to apps/auth-gateway selects only the Gateway stack', () => {
    expect(affected(...commits['gateway'])).toEqual(stacks('Gateway'));
  });

  it('a change to a shared library (libs/tokens) selects every service stack that imports it and nothing else', () => {
    expect(affected(...commits['sharedLib'])).toEqual(stacks('Gateway', 'Tools', 'Server-clock'));
  });

  it('a change to libs/storage selects the services that import it and the Security stack (its offboarding function bundles it), nothing else', () => {
    expect(affected(...commits['storage'])).toEqual(stacks('Security', 'Gateway', 'Tools', 'Server-clock'));
  });

  it('tests and docs deploy nothing', () => {
    expect(affected(...commits['testsAndDocs'])).toEqual([]);
  });

  it('a change to the CDK app selects every stack, in first-deploy order', () => {
    expect(affected(...commits['infra'])).toEqual(stacks(...ALL_PARTS));
  });

  it('a range of several commits selects the union of what each needs', () => {
    // tools, gateway, clock, a shared library, libs/storage (Security: the offboarding function), tests and docs
    expect(affected(commits['tools'][0], commits['testsAndDocs'][1])).toEqual(stacks('Security', 'Gateway', 'Tools', 'Server-clock'));
  });

  it('--all names every stack of the app (the script\'s stack list is the app\'s)', () => {
    const all = execFileSync(process.execPath, [script, '--all', '--stage', 'prod', '--format', 'list'], { encoding: 'utf8' }).trim().split(' ');
    expect(all).toEqual(ALL_PARTS.map((p) => stackName('prod', p)));
  });

  it('refuses a call without a range with a usage message (exit 2)', () => {
    let status = 0;
    let stderr = '';
    try {
      execFileSync(process.execPath, [script, '--base', 'HEAD'], { encoding: 'utf8', stdio: 'pipe' });
    } catch (e) {
      status = (e as { status: number }).status;
      stderr = String((e as { stderr: string }).stderr);
    }
    expect(status).toBe(2);
    expect(stderr).toMatch(/--base <rev> --head <rev>/);
  });
});
