import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { buildStacks } from '../src/app';
import { assertDeployable, isPlaceholderDomain, StageConfigError } from '../src/config/deployable';
import { stageConfig } from '../src/config/stages';
import { assertTimeoutChain, TIMEOUTS } from '../src/config/timeouts';
import { workspaceRoot } from '../src/config/workspace';
import { PROD_OVERRIDES } from './helpers';

describe('placeholder guard: synth refuses a non-dev stage with placeholder values', () => {
  it('the shipped prod configuration is refused with one message naming every placeholder and its flag', () => {
    let error: unknown;
    try {
      assertDeployable(stageConfig('prod'));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StageConfigError);
    const message = (error as Error).message;
    expect(message).toMatch(/^refusing to synthesize stage "prod" with placeholder values/);
    for (const flag of ['-c domainName=', '-c hostedZoneName=', '-c hostedZoneId=', '-c cognitoDomainPrefix=']) expect(message).toContain(flag);
  });

  it('buildStacks refuses it before creating anything', () => {
    const app = new App({ context: { 'aws:cdk:disable-asset-staging': true } });
    expect(() => buildStacks(app, stageConfig('prod'))).toThrow(StageConfigError);
    expect(app.node.children).toHaveLength(0);
  });

  it('prod with a real domain, zone and Cognito prefix passes; dev passes without a domain', () => {
    expect(() => assertDeployable(stageConfig('prod', PROD_OVERRIDES))).not.toThrow();
    expect(() => assertDeployable(stageConfig('dev'))).not.toThrow();
  });

  it('prod without any custom domain is refused (only dev may run on the CloudFront default domain)', () => {
    const config = { ...stageConfig('prod', PROD_OVERRIDES), customDomain: undefined };
    expect(() => assertDeployable(config)).toThrow(/stage "prod" needs a custom domain/);
  });

  it('a domain outside its hosted zone, a placeholder zone id, a placeholder alarm address are refused (any stage)', () => {
    expect(() => assertDeployable(stageConfig('dev', { domainName: 'mcp.acme.io', hostedZoneId: 'Z0123456789ABCDEFGHIJ', hostedZoneName: 'other.io' }))).toThrow(
      /not inside hosted zone/,
    );
    expect(() => assertDeployable(stageConfig('dev', { domainName: 'mcp.acme.io', hostedZoneId: 'Z00000000000000000000', hostedZoneName: 'acme.io' }))).toThrow(
      /hostedZoneId/,
    );
    expect(() => assertDeployable(stageConfig('dev', { alarmEmail: 'ops@example.com' }))).toThrow(/alarmEmail/);
  });

  it('a partial custom domain on the command line is an error, not silently ignored', () => {
    expect(() => stageConfig('prod', { domainName: 'mcp.acme.io' })).toThrow(/all three/);
  });

  it.each(['example.com', 'mcp.example.com', 'a.example.org', 'x.example', 'svc.test', 'foo.invalid', 'localhost'])('%s is a placeholder (RFC 2606/6761)', (name) => {
    expect(isPlaceholderDomain(name)).toBe(true);
  });

  it.each(['mcp.acme.io', 'example-corp.com', 'examples.com', 'mcp.test-corp.net'])('%s is not', (name) => {
    expect(isPlaceholderDomain(name)).toBe(false);
  });

  it('`cdk synth -c stage=prod` without overrides exits 1 with that one message and no stack trace', () => {
    const root = workspaceRoot();
    const result = spawnSync(process.execPath, ['-r', 'ts-node/register', '-r', 'tsconfig-paths/register', 'src/main.ts'], {
      cwd: join(root, 'infra'),
      env: {
        // the test runner's own ts-node settings (Nx sets some to load jest.config.cts) must not leak into the app's
        ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('TS_NODE_'))),
        TS_NODE_PROJECT: 'tsconfig.app.json',
        TS_NODE_BASEURL: '..',
        TS_NODE_TRANSPILE_ONLY: 'true',
        // how the CDK CLI hands context to the app
        CDK_CONTEXT_JSON: JSON.stringify({ stage: 'prod' }),
        CDK_OUTDIR: mkdtempSync(join(tmpdir(), 'infra-config-spec-')),
      },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^error: refusing to synthesize stage "prod"/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('timeout chain (client -> CloudFront -> ALB -> service -> tool deadline)', () => {
  it('the shipped numbers hold every invariant', () => {
    expect(() => assertTimeoutChain()).not.toThrow();
    expect(TIMEOUTS.toolCallMs).toBeLessThan(TIMEOUTS.originReadMs);
    expect(TIMEOUTS.originReadMs).toBeLessThanOrEqual(TIMEOUTS.albIdleMs);
  });

  it.each([
    ['a tool deadline at the edge timeout', { toolCallMs: 60_000 }, /tool deadline/],
    ['an ALB that gives up before CloudFront', { albIdleMs: 30_000 }, /ALB idle timeout/],
    ['a CloudFront keep-alive outliving the ALB idle timeout', { originKeepaliveMs: 70_000 }, /keep-alive/],
    ['a service keep-alive at the ALB idle timeout', { serviceKeepAliveMs: 65_000 }, /keep-alive must outlast/],
    ['a drain shorter than a tool call', { shutdownGraceMs: 10_000 }, /shutdown grace/],
    ['an announce window that leaves no room for a tool call', { shutdownAnnounceMs: 10_000 }, /announce window/],
    ['draining shorter than the grace', { deregistrationDelayMs: 15_000 }, /deregistration delay/],
    ['SIGKILL inside the grace', { stopTimeoutMs: 30_000 }, /stopTimeout/],
  ])('refuses %s', (_, change, why) => {
    expect(() => assertTimeoutChain({ ...TIMEOUTS, ...change })).toThrow(why);
  });
});
