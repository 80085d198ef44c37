import { join } from 'node:path';
import { formatFiles, generateFiles, type Tree } from '@nx/devkit';
import { mcpServerPath, parseMcpServerManifest, type McpServerManifest } from '@mcp-cognito/contracts';
import type { McpServerGeneratorSchema } from './schema';

export type { McpServerGeneratorSchema } from './schema';

/** Names a generated server's files use, derived from its name once. */
export function mcpServerNames(name: string, title?: string) {
  const words = name.split('-');
  return {
    name,
    title: title?.trim() || words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join(' '),
    /** `DEMO_SERVER`, `MY_TOOLS_SERVER`: the exported definition in `src/server.ts`. */
    constant: `${words.join('_').toUpperCase()}_SERVER`,
    path: mcpServerPath(name),
    readScope: `${name}/read`,
  };
}

/**
 * `nx g @mcp-cognito/mcp-server-plugin:mcp-server <name>`: `apps/<name>`, an MCP server on libs/mcp-server-kit with
 * its manifest (`mcp-server.json`: path `/<name>/mcp`, scope `<name>/read`), one example tool and its HTTP-level test,
 * its Dockerfile, README and Nx/TypeScript/Jest/ESLint/webpack configuration, tagged `type:app` + `scope:mcp-server`
 * (module boundaries: shared libs only). Nothing else in the workspace is edited: the local stack, the infra app
 * (one service stack per manifest) and the gateway's registry all discover the manifest.
 */
export async function mcpServerGenerator(tree: Tree, options: McpServerGeneratorSchema): Promise<void> {
  const names = mcpServerNames(options.name, options.title);
  const root = `apps/${names.name}`;
  if (tree.exists(root)) throw new Error(`${root} already exists: choose another name`);
  const manifest: McpServerManifest = parseMcpServerManifest(
    { name: names.name, title: names.title, path: names.path, scopes: { [names.readScope]: `Use ${names.title}'s tools` } },
    `${root}/mcp-server.json`,
  );
  const taken = tree.children('apps').filter((dir) => tree.exists(`apps/${dir}/mcp-server.json`));
  for (const dir of taken) {
    const other = JSON.parse(tree.read(`apps/${dir}/mcp-server.json`, 'utf8') ?? '{}') as { path?: string };
    if (other.path === manifest.path) throw new Error(`apps/${dir} already serves ${manifest.path}`);
  }
  generateFiles(tree, join(__dirname, 'files'), root, { ...names, tmpl: '' });
  tree.write(`${root}/mcp-server.json`, `${JSON.stringify(manifest, null, 2)}\n`);
  await formatFiles(tree);
}

export default mcpServerGenerator;
