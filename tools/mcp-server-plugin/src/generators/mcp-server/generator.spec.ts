import { readProjectConfiguration, type Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { parseMcpServerManifest } from '@mcp-cognito/contracts';
import { mcpServerGenerator } from './generator';

describe('mcp-server generator (a scratch workspace tree)', () => {
  let tree: Tree;

  beforeEach(async () => {
    tree = createTreeWithEmptyWorkspace();
    await mcpServerGenerator(tree, { name: 'demo' });
  });

  it('writes the app on the kit: manifest, entry point, definition, scopes, one tool and its test, Dockerfile, README, configs', () => {
    const files = [
      'mcp-server.json',
      'project.json',
      'Dockerfile',
      'README.md',
      'eslint.config.mjs',
      'jest.config.cts',
      'tsconfig.json',
      'tsconfig.app.json',
      'tsconfig.spec.json',
      'webpack.config.js',
      'src/main.ts',
      'src/server.ts',
      'src/scopes.ts',
      'src/deps.ts',
      'src/tools/index.ts',
      'src/tools/echo.tool.ts',
      'test/echo.tool.spec.ts',
    ];
    for (const file of files) expect(tree.exists(`apps/demo/${file}`)).toBe(true);
    // Nothing of the template machinery is left behind.
    expect(tree.listChanges().filter((c) => /__tmpl__|<%|%>/.test(c.path))).toEqual([]);
    for (const change of tree.listChanges()) expect(change.content?.toString('utf8') ?? '').not.toMatch(/<%|%>/);
  });

  it('the manifest is valid: path /demo/mcp, one namespaced scope demo/read', () => {
    const manifest = parseMcpServerManifest(JSON.parse(tree.read('apps/demo/mcp-server.json', 'utf8') ?? ''));
    expect(manifest).toEqual({ name: 'demo', title: 'Demo', path: '/demo/mcp', scopes: { 'demo/read': "Use Demo's tools" } });
    expect(tree.read('apps/demo/src/scopes.ts', 'utf8')).toContain("read: 'demo/read'");
  });

  it('the project is tagged so module boundaries apply (type:app, scope:mcp-server) and its tests build local-idp first', () => {
    const project = readProjectConfiguration(tree, 'demo');
    expect(project.tags).toEqual(['type:app', 'scope:mcp-server']);
    expect(project.targets?.['test']?.dependsOn).toEqual([{ projects: ['local-idp'], target: 'build' }]);
    expect(project.targets?.['typecheck']).toBeDefined();
  });

  it('names flow through: the service name, the definition constant, the Dockerfile build and the README paths', () => {
    expect(tree.read('apps/demo/src/main.ts', 'utf8')).toContain("loadMcpServerConfig('demo')");
    expect(tree.read('apps/demo/src/server.ts', 'utf8')).toContain('export const DEMO_SERVER = defineMcpServer');
    expect(tree.read('apps/demo/Dockerfile', 'utf8')).toContain('npx nx build demo --configuration=production');
    expect(tree.read('apps/demo/README.md', 'utf8')).toContain('/.well-known/oauth-protected-resource/demo/mcp');
  });

  it('a multi-word name gives a valid constant and a capitalized title; --title is kept', async () => {
    await mcpServerGenerator(tree, { name: 'team-search', title: 'Team search' });
    expect(tree.read('apps/team-search/src/server.ts', 'utf8')).toContain('TEAM_SEARCH_SERVER');
    expect(JSON.parse(tree.read('apps/team-search/mcp-server.json', 'utf8') ?? '')).toMatchObject({ title: 'Team search', path: '/team-search/mcp' });
  });

  it('refuses an existing app and a name the manifest rules reject', async () => {
    await expect(mcpServerGenerator(tree, { name: 'demo' })).rejects.toThrow('apps/demo already exists');
    await expect(mcpServerGenerator(tree, { name: 'Bad_Name' })).rejects.toThrow('"name" must be');
  });
});
