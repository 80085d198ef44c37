import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseMcpServerManifest, parseMcpServerRegistration, readMcpServerManifests, registrationFor } from './mcp-servers';

const manifest = { name: 'clock', title: 'Clock', path: '/clock/mcp', scopes: { 'clock/read': 'Read the time' } };

describe('MCP server manifests and registrations (one shape for generator, local stack, infra and gateway)', () => {
  it('accepts a manifest and builds its registration on an origin (RFC 8707 resource = origin + path)', () => {
    expect(registrationFor(parseMcpServerManifest(manifest), 'https://mcp.example.com/')).toMatchObject({ resource: 'https://mcp.example.com/clock/mcp', scopes: { 'clock/read': 'Read the time' } });
  });

  it.each([
    ['a name with capitals', { ...manifest, name: 'Clock' }, /"name"/],
    ['a path that is not /<name>/mcp', { ...manifest, path: '/other/mcp' }, /"path"/],
    ['no scopes', { ...manifest, scopes: {} }, /"scopes"/],
    ['a scope with a space', { ...manifest, scopes: { 'clock read': 'x' } }, /scope token/],
    ['a scope without a description', { ...manifest, scopes: { 'clock/read': '' } }, /description/],
    ['an unknown scope source', { ...manifest, scopeSource: 'ldap' }, /"scopeSource"/],
    ['group rules for a scope the server does not have', { ...manifest, scopeGroups: { 'x/y': ['admins'] } }, /not one of this server's scopes/],
  ])('refuses %s', (_name, value, message) => {
    expect(() => parseMcpServerManifest(value)).toThrow(message);
  });

  it('a registration\'s resource must end in the manifest\'s path, with no query or fragment', () => {
    expect(() => parseMcpServerRegistration({ ...manifest, resource: 'https://mcp.example.com/mcp' })).toThrow(/resource/);
    expect(() => parseMcpServerRegistration({ ...manifest, resource: 'https://mcp.example.com/clock/mcp?x=1' })).toThrow(/resource/);
    expect(parseMcpServerRegistration({ ...manifest, resource: 'http://127.0.0.1:8080/clock/mcp' }).resource).toBe('http://127.0.0.1:8080/clock/mcp');
  });

  it('discovers every apps/*/mcp-server.json, /mcp first, and refuses a name that is not the directory', () => {
    const root = mkdtempSync(join(tmpdir(), 'manifests-'));
    const app = (dir: string, value: unknown) => {
      mkdirSync(join(root, 'apps', dir), { recursive: true });
      writeFileSync(join(root, 'apps', dir, 'mcp-server.json'), JSON.stringify(value));
    };
    mkdirSync(join(root, 'apps', 'auth-gateway'), { recursive: true });
    app('clock', manifest);
    app('mcp-tools', { name: 'mcp-tools', title: 'Notes', path: '/mcp', scopes: { 'mcp-server/read': 'Read' } });
    expect(readMcpServerManifests(root).map((m) => [m.name, m.directory])).toEqual([
      ['mcp-tools', 'apps/mcp-tools'],
      ['clock', 'apps/clock'],
    ]);
    app('timer', manifest);
    expect(() => readMcpServerManifests(root)).toThrow(/directory name, timer/);
  });
});
