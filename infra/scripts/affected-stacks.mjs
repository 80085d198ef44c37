#!/usr/bin/env node
// Which CDK stacks a change between two git revisions must deploy (the pipeline's "what to deploy" step,
// .github/workflows/deploy.yml; docs/deploy.md "Pipeline").
//
//   node infra/scripts/affected-stacks.mjs --base <rev> --head <rev> [--stage dev] [--repo <dir>] [--format json|list]
//   node infra/scripts/affected-stacks.mjs --all [--stage dev] [--format list]
//
// The answer comes from the Nx project graph and its file map (which project each file belongs to, and
// which projects each file imports), so it follows the code, not a hand-kept list:
//   - a changed file counts when it is *deployable*: not a test, spec, snapshot, lint/jest config or doc;
//     in infra/ only the CDK app itself (infra/src, cdk.json, tsconfig) counts;
//   - a project's deploy inputs are its deployable files plus, transitively, the projects its deployable
//     files import (so a library only the tests use does not redeploy anything);
//   - the Gateway stack and each MCP server's stack (Tools for the server at /mcp, Server-<name> for every other
//     apps/<name>/mcp-server.json) deploy when their app's inputs or the CDK app's inputs changed; every
//     other stack deploys when the CDK app's inputs changed (CloudFormation leaves a stack whose template did
//     not change untouched, so "every infra stack" costs nothing for those that stayed the same);
//   - package.json, package-lock.json, nx.json and tsconfig.base.json change everything; .dockerignore
//     changes both images.
// The tools team's change therefore never redeploys the gateway, and the gateway team's never the tools; a change
// to one MCP server deploys that server's stack alone.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

/** The fixed stacks of a stage in first-deploy order (infra/src/config/names.ts STACK_PARTS; a test keeps them equal). */
export const STACK_PARTS = ['Waf', 'Data', 'Network', 'Security', 'Gateway', 'Tools', 'Monitoring'];

/** `McpCognito-<Stage>-<Part>` (infra/src/config/names.ts stackName). */
export const stackName = (stage, part) => `McpCognito-${stage.charAt(0).toUpperCase()}${stage.slice(1)}-${part}`;

/** The Nx project of the CDK app. */
const INFRA = 'infra';

/**
 * The MCP servers of `repo` (apps/<dir>/mcp-server.json, as libs/contracts readMcpServerManifests finds them) as
 * stack part -> app: `Tools` for the one at /mcp, `Server-<name>` for the others (infra/src/config/names.ts
 * mcpServerStackPart), by name.
 */
export function mcpServerStacks(repo) {
  const apps = join(repo, 'apps');
  const servers = readdirSync(apps, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(apps, d.name, 'mcp-server.json')))
    .map((d) => JSON.parse(readFileSync(join(apps, d.name, 'mcp-server.json'), 'utf8')))
    .sort((a, b) => (a.path === '/mcp' ? -1 : b.path === '/mcp' ? 1 : a.name.localeCompare(b.name)));
  return Object.fromEntries(servers.map((m) => [m.path === '/mcp' ? 'Tools' : `Server-${m.name}`, m.name]));
}

/** Every stack of the app in `repo`, in first-deploy order: the MCP servers' stacks after Tools, before Monitoring. */
export function stackParts(repo) {
  const servers = Object.keys(mcpServerStacks(repo)).filter((p) => p !== 'Tools');
  const at = STACK_PARTS.indexOf('Tools') + 1;
  return [...STACK_PARTS.slice(0, at), ...servers, ...STACK_PARTS.slice(at)];
}

/** Stack part -> the app it ships. */
const serviceStacks = (repo) => ({ Gateway: 'auth-gateway', ...mcpServerStacks(repo) });

/** Repository files outside every project that change what is deployed. */
const globalInputs = (parts, services) => ({
  'package.json': parts,
  'package-lock.json': parts,
  'nx.json': parts,
  'tsconfig.base.json': parts,
  '.dockerignore': Object.keys(services),
});

/**
 * Files that never reach a deployment: nx.json's `production` named input excludes them, the apps' images
 * are built with tsconfig.app.json (no tests), and eslint.config.mjs treats test/ and testing/ as test code.
 */
const NOT_DEPLOYED = [
  /\.(spec|test)\.[cm]?[jt]sx?(\.snap)?$/,
  /(^|\/)(test|testing)\//,
  /(^|\/)__snapshots__\//,
  /(^|\/)jest\.config\.[^/]+$/,
  /(^|\/)tsconfig\.spec\.json$/,
  /(^|\/)(eslint\.config\.[cm]?js|\.eslintrc\.json)$/,
  /(^|\/)test-setup\.[jt]s$/,
  /\.md$/,
];

/** Whether `file` of `project` can change what is deployed. */
export function isDeployable(project, root, file) {
  if (project === INFRA) {
    const rel = file.slice(root.length + 1);
    return (rel.startsWith('src/') && !NOT_DEPLOYED.some((re) => re.test(rel))) || ['cdk.json', 'tsconfig.json', 'tsconfig.app.json'].includes(rel);
  }
  return !NOT_DEPLOYED.some((re) => re.test(file));
}

function parseArgs(argv) {
  const args = { stage: 'dev', format: 'json', all: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--all') args.all = true;
    else if (['--base', '--head', '--stage', '--repo', '--format'].includes(a)) args[a.slice(2)] = argv[++i];
    else throw new Error(`unknown argument ${a}`);
  }
  if (!/^[a-z][a-z0-9-]*$/.test(args.stage)) throw new Error(`invalid --stage "${args.stage}"`);
  if (!['json', 'list'].includes(args.format)) throw new Error('--format is json or list');
  if (!args.all && (!args.base || !args.head)) throw new Error('give --base <rev> --head <rev>, or --all');
  return args;
}

/** Files that differ between the two revisions (added, changed, deleted; a rename is a delete + an add). */
function changedFiles(repo, base, head) {
  const out = execFileSync('git', ['-C', repo, 'diff', '--name-only', '--no-renames', base, head], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return out.split('\n').filter(Boolean);
}

/**
 * The Nx project graph of `repo` and, per project, its files with the projects each file imports. The
 * per-file dependencies are what Nx itself computed; they live in its file-map cache, which this script
 * points at a private folder (NX_WORKSPACE_DATA_DIRECTORY) so that it reads exactly this run's graph.
 */
async function projectGraph(repo) {
  // A caller may hand a data folder to reuse between runs (the test does, to keep its runtime down).
  const given = process.env.AFFECTED_STACKS_NX_DATA;
  const dataDir = given ?? mkdtempSync(join(tmpdir(), 'affected-stacks-nx-'));
  Object.assign(process.env, { NX_WORKSPACE_DATA_DIRECTORY: dataDir, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false' });
  try {
    process.chdir(repo); // Nx finds its workspace from the working directory when it loads
    const devkit = createRequire(join(repo, 'package.json'))('@nx/devkit');
    const graph = await devkit.createProjectGraphAsync({ exitOnError: false });
    const cache = JSON.parse(readFileSync(join(dataDir, 'file-map.json'), 'utf8'));
    const files = cache?.fileMap?.projectFileMap;
    if (!files) throw new Error(`Nx wrote no file map in ${dataDir} (Nx changed its cache format: update infra/scripts/affected-stacks.mjs)`);
    return { graph, files };
  } finally {
    if (!given) rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * Lambda handlers inside the CDK app (infra/src/functions/<name>/), each bundled into the asset of one stack: what they
 * import is that stack's input, not every stack's (a change to libs/storage redeploys the offboarding function's
 * stack, not the WAF). A change to a handler's own file is a change to the CDK app (every stack, as any infra/src file).
 */
export const FUNCTION_STACKS = { 'infra/src/functions/offboarding/': 'Security' };
const isFunctionFile = (file) => Object.keys(FUNCTION_STACKS).some((dir) => file.startsWith(dir));

/**
 * The projects whose deployable files `project` reaches (itself included), through imports of deployable files only;
 * `rootFiles` narrows which of `project`'s own files count (its dependencies count whole).
 */
function deployInputs(project, graph, files, rootFiles = () => true) {
  const seen = new Set();
  const visit = (name) => {
    if (seen.has(name) || !graph.nodes[name]) return;
    seen.add(name);
    const root = graph.nodes[name].data.root;
    for (const f of files[name] ?? []) {
      if (!isDeployable(name, root, f.file)) continue;
      if (name === project && !rootFiles(f.file)) continue;
      for (const dep of f.deps ?? []) {
        const target = typeof dep === 'string' ? dep : dep.length === 3 ? dep[1] : dep[0];
        if (!target.startsWith('npm:')) visit(target);
      }
    }
  };
  visit(project);
  return seen;
}

/** The project that owns `file` (longest root prefix), or undefined. */
function ownerOf(file, graph) {
  let best;
  for (const [name, node] of Object.entries(graph.nodes)) {
    const root = node.data.root;
    if ((root === '.' || file.startsWith(`${root}/`)) && (!best || root.length > graph.nodes[best].data.root.length)) best = name;
  }
  return best;
}

/**
 * Selects the stacks of `stage` that the change base..head must deploy, with the reasons.
 * @returns {{ stage: string, base?: string, head?: string, stacks: string[], reasons: Record<string, string[]> }}
 */
export async function affectedStacks({ repo, base, head, stage, all }) {
  const parts = stackParts(repo);
  const SERVICE_STACKS = serviceStacks(repo);
  const GLOBAL_INPUTS = globalInputs(parts, SERVICE_STACKS);
  const reasons = Object.fromEntries(parts.map((p) => [p, []]));
  if (all) {
    for (const p of parts) reasons[p].push('--all');
  } else {
    const changed = changedFiles(repo, base, head);
    const { graph, files } = await projectGraph(repo);
    const inputs = {};
    const app = deployInputs(INFRA, graph, files, (file) => !isFunctionFile(file));
    const functionInputs = (part) =>
      Object.entries(FUNCTION_STACKS)
        .filter(([, stack]) => stack === part)
        .flatMap(([dir]) => [...deployInputs(INFRA, graph, files, (file) => file.startsWith(dir))]);
    for (const part of parts) {
      inputs[part] = new Set([...app, ...(SERVICE_STACKS[part] ? deployInputs(SERVICE_STACKS[part], graph, files) : []), ...functionInputs(part)]);
    }
    for (const file of changed) {
      if (GLOBAL_INPUTS[file]) {
        for (const p of GLOBAL_INPUTS[file]) reasons[p].push(file);
        continue;
      }
      const project = ownerOf(file, graph);
      if (!project || !isDeployable(project, graph.nodes[project].data.root, file)) continue;
      for (const p of parts) if (inputs[p].has(project)) reasons[p].push(`${file} (${project})`);
    }
  }
  const selected = parts.filter((p) => reasons[p].length > 0);
  return {
    stage,
    base,
    head,
    stacks: selected.map((p) => stackName(stage, p)),
    reasons: Object.fromEntries(selected.map((p) => [stackName(stage, p), [...new Set(reasons[p])].slice(0, 20)])),
  };
}

/** The workspace root at or above `dir` (the folder holding nx.json), so the script runs from any subfolder. */
function workspaceRootOf(dir) {
  for (let d = resolve(dir); ; d = dirname(d)) {
    if (existsSync(join(d, 'nx.json'))) return d;
    if (dirname(d) === d) throw new Error(`no nx.json at or above ${dir}`);
  }
}

const isMain = process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname);
if (isMain) {
  try {
    const args = parseArgs(process.argv.slice(2));
    const result = await affectedStacks({ ...args, repo: workspaceRootOf(args.repo ?? process.cwd()) });
    process.stdout.write(args.format === 'list' ? `${result.stacks.join(' ')}\n` : `${JSON.stringify(result, null, 2)}\n`);
  } catch (error) {
    process.stderr.write(`affected-stacks: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  }
}
