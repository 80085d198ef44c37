import type { INestApplication } from '@nestjs/common';
import { loadGatewayConfig, type GatewayConfig } from '@mcp-cognito/config';
import {
  buildServiceEnvironments,
  freePort,
  generateDevSecrets,
  startDynalite,
  startLocalIdpProcess,
  TcpFaultRelay,
  type DevSecrets,
  type EmbeddedDynamoDb,
  type LocalIdpProcess,
} from '@mcp-cognito/dev-stack';
import { createGatewayApp } from '../../src/app/create-app';

export const ALICE = { username: 'alice', password: 'alice-dev-password', sub: '6f1c2d3e-4a5b-4c6d-8e7f-0a1b2c3d4e5f' };
export const BOB = { username: 'bob', password: 'bob-dev-password', sub: '7a2b3c4d-5e6f-4a7b-9c8d-1e2f3a4b5c6d' };

export interface GatewayInstance {
  app: INestApplication;
  url: string;
  stop(): Promise<void>;
}

/**
 * The gateway as the tests see it: real HTTP on loopback, the real local-idp (a child process), and
 * the real DynamoDB API (dynalite in-process). Several instances can share one table and one issuer,
 * as behind a load balancer.
 */
export class GatewayHarness {
  readonly instances: GatewayInstance[] = [];

  private constructor(
    readonly secrets: DevSecrets,
    readonly dynamo: EmbeddedDynamoDb,
    public idp: LocalIdpProcess,
    readonly issuer: string,
    readonly resource: string,
    readonly env: Record<string, string>,
    readonly idpEnv: Record<string, string>,
    private readonly ports: number[],
    /** Between the gateway and its table when started with `faultyStorage`: stall or cut the table on demand. */
    readonly storage?: TcpFaultRelay,
  ) {}

  static async start(
    options: { instances?: number; gatewayEnv?: Record<string, string>; idpEnv?: Record<string, string>; faultyStorage?: boolean } = {},
  ): Promise<GatewayHarness> {
    const secrets = await generateDevSecrets();
    const dynamo = await startDynalite();
    // A suite whose set-up failed has no harness to stop in its afterAll: whatever fails from here on stops what was
    // started, or the table (or the IdP process) would keep the test runner alive forever.
    let relay: TcpFaultRelay | undefined;
    let idp: LocalIdpProcess | undefined;
    try {
      relay = options.faultyStorage ? await TcpFaultRelay.start(dynamo.endpoint) : undefined;
      const ports: number[] = [];
      for (let i = 0; i < (options.instances ?? 1); i++) ports.push(await freePort());
      const [idpPort, idpIssuerPort] = [await freePort(), await freePort()];
    const issuer = `http://127.0.0.1:${ports[0]}`;
    const env = buildServiceEnvironments({
      secrets,
      dynamoEndpoint: relay?.endpoint ?? dynamo.endpoint,
      idpUrl: `http://127.0.0.1:${idpPort}`,
      // Cognito's layout (and local-idp's default): the pool issuer on its own origin.
      idpIssuerUrl: `http://127.0.0.1:${idpIssuerPort}`,
      gatewayUrl: issuer,
      toolsUrl: 'http://127.0.0.1:65000',
      logLevel: process.env['TEST_LOG_LEVEL'] ?? 'silent',
      extraCallbackUrls: ports.slice(1).map((p) => `http://127.0.0.1:${p}/callback`),
    });
      const idpEnv = { ...env.idp, ...options.idpEnv };
      idp = await startLocalIdpProcess({ port: idpPort, env: idpEnv });
      const harness = new GatewayHarness(secrets, dynamo, idp, issuer, 'http://127.0.0.1:65000/mcp', { ...env.gateway, ...options.gatewayEnv }, idpEnv, ports, relay);
      try {
        for (const port of ports) await harness.startInstance(port);
      } catch (error) {
        await harness.stop();
        throw error;
      }
      return harness;
    } catch (error) {
      await idp?.stop().catch(() => undefined);
      await relay?.stop().catch(() => undefined);
      await dynamo.stop().catch(() => undefined);
      throw error;
    }
  }

  config(overrides: Record<string, string> = {}): GatewayConfig {
    return loadGatewayConfig({ ...this.env, ...overrides });
  }

  async startInstance(port: number, overrides: Record<string, string> = {}): Promise<GatewayInstance> {
    const app = await createGatewayApp(this.config(overrides));
    await app.listen(port, '127.0.0.1');
    const instance = { app, url: `http://127.0.0.1:${port}`, stop: () => app.close() };
    this.instances.push(instance);
    return instance;
  }

  /** Restarts local-idp with other settings (e.g. short token lifetimes), on the same ports and keys. */
  async restartIdp(extraEnv: Record<string, string> = {}): Promise<void> {
    const port = Number(new URL(this.idp.baseUrl).port);
    await this.idp.stop();
    this.idp = await startLocalIdpProcess({ port, env: { ...this.idpEnv, ...extraEnv } });
  }

  get url(): string {
    return this.instances[0]!.url;
  }

  get portList(): number[] {
    return this.ports;
  }

  /** Stops everything, each part whatever happened to the others (a part left running would keep the runner alive). */
  async stop(): Promise<void> {
    for (const i of this.instances) await i.stop().catch(() => undefined);
    await this.idp.stop().catch(() => undefined);
    await this.storage?.stop().catch(() => undefined);
    await this.dynamo.stop().catch(() => undefined);
  }
}
