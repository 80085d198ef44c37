import type { McpServerRegistration } from '@mcp-cognito/contracts';
import { TemporarilyUnavailable } from '@mcp-cognito/oauth';
import type { GatewayConfig } from '../src/config/gateway-config';
import { McpServerRegistry, type RegistrySource } from '../src/servers/mcp-server-registry';
import type { RegistryRead } from '../src/servers/ssm-registry-source';

const tools: McpServerRegistration = { name: 'mcp-tools', title: 'Tools', path: '/mcp', resource: 'https://mcp.example.com/mcp', scopes: { 'mcp-server/read': 'Read' } };
const clock: McpServerRegistration = { name: 'clock', title: 'Clock', path: '/clock/mcp', resource: 'https://mcp.example.com/clock/mcp', scopes: { 'clock/read': 'Read' } };

/** A registry source whose next answers the test decides (what SSM would return, or its failure). */
class ScriptedSource implements RegistrySource {
  answers: Array<RegistryRead | Error> = [];
  reads = 0;
  read(): Promise<RegistryRead> {
    this.reads += 1;
    const next = this.answers.length > 1 ? this.answers.shift()! : this.answers[0]!;
    return next instanceof Error ? Promise.reject(next) : Promise.resolve(next);
  }
}

function configWith(staticServers: McpServerRegistration[], ttlSeconds = 0.05): GatewayConfig {
  return { servers: { static: staticServers, registryPath: '/mcp-cognito/test/mcp-servers/', registryTtlSeconds: ttlSeconds } } as unknown as GatewayConfig;
}

const waitFor = async (predicate: () => boolean, ms = 2000) => {
  const end = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > end) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('the run-time MCP server registry (servers come and go without a gateway deployment)', () => {
  let registry: McpServerRegistry | undefined;
  afterEach(() => registry?.onModuleDestroy());

  it('serves static servers plus what the registry path holds, and follows changes within the TTL', async () => {
    const source = new ScriptedSource();
    source.answers = [{ servers: [clock], skipped: [] }, { servers: [], skipped: [] }];
    registry = new McpServerRegistry(configWith([tools]), source);
    await registry.onModuleInit();
    expect(registry.all().map((s) => s.name)).toEqual(['mcp-tools', 'clock']);
    expect(registry.find('https://mcp.example.com/clock/mcp')?.name).toBe('clock');
    expect(registry.allScopes()).toEqual(['mcp-server/read', 'clock/read']);
    await waitFor(() => source.reads >= 2);
    expect(registry.all().map((s) => s.name)).toEqual(['mcp-tools']);
    expect(registry.find('https://mcp.example.com/clock/mcp')).toBeUndefined();
  });

  it('keeps the last good list when a read fails (stale is safer than empty)', async () => {
    const source = new ScriptedSource();
    source.answers = [{ servers: [clock], skipped: [] }, new Error('ThrottlingException')];
    registry = new McpServerRegistry(configWith([]), source);
    await registry.onModuleInit();
    await waitFor(() => source.reads >= 2);
    expect(registry.all().map((s) => s.name)).toEqual(['clock']);
  });

  it('before the first successful read, registry servers are temporarily_unavailable (never an empty list)', async () => {
    const source = new ScriptedSource();
    source.answers = [new Error('connect ETIMEDOUT')];
    registry = new McpServerRegistry(configWith([]), source);
    await registry.onModuleInit();
    expect(() => registry!.all()).toThrow(TemporarilyUnavailable);
  });

  it('a static server with the same resource wins over a registry entry', async () => {
    const source = new ScriptedSource();
    source.answers = [{ servers: [{ ...tools, title: 'Impostor' }, clock], skipped: [] }];
    registry = new McpServerRegistry(configWith([tools], 60), source);
    await registry.onModuleInit();
    expect(registry.all().map((s) => s.title)).toEqual(['Tools', 'Clock']);
  });

  it('two registry entries claiming one resource are both ignored (neither may receive the other\'s tokens)', async () => {
    const source = new ScriptedSource();
    source.answers = [{ servers: [clock, { ...clock, name: 'clock-two', title: 'Impostor' }], skipped: [] }];
    registry = new McpServerRegistry(configWith([tools], 60), source);
    await registry.onModuleInit();
    expect(registry.all().map((s) => s.name)).toEqual(['mcp-tools']);
  });
});
