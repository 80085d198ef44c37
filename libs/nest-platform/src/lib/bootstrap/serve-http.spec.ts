import { Agent, request } from 'node:http';
import { Controller, Get, Module, Query, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { RuntimeConfig } from '@mcp-cognito/config';
import { freePort } from '@mcp-cognito/dev-stack';
import { HealthModule } from '../health/health.module';
import { StorageModule } from '../storage/storage.module';
import { serveHttp, type ServingHttp } from './serve-http';

@Controller()
class SlowController {
  /** Answers after `ms` milliseconds: a request in flight when the service is told to stop. */
  @Get('slow')
  async slow(@Query('ms') ms: string): Promise<{ waited: number }> {
    await new Promise((r) => setTimeout(r, Number(ms)).unref());
    return { waited: Number(ms) };
  }
}

@Module({
  imports: [
    // The health endpoints need a table client; nothing listens there, and the draining answer never asks it.
    StorageModule.forRoot({ region: 'eu-west-1', tableName: 'drain-test', endpoint: 'http://127.0.0.1:9', createTable: false }),
    HealthModule.forRoot({ readiness: {} }),
  ],
  controllers: [SlowController],
})
class DrainTestModule {}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One GET with node:http (an agent may keep the connection alive). */
function get(url: string, agent?: Agent): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject).end();
  });
}

const runtime = async (overrides: Partial<RuntimeConfig> = {}): Promise<RuntimeConfig> => ({
  nodeEnv: 'test',
  host: '127.0.0.1',
  port: await freePort(),
  logLevel: 'silent',
  logFormat: 'json',
  shutdownGraceMs: 5_000,
  shutdownAnnounceMs: 0,
  keepAliveTimeoutMs: 75_000,
  ...overrides,
});

describe.each(['express', 'fastify'] as const)('serving and graceful shutdown on %s (docs/deploy.md "Timeouts")', (adapter) => {
  let app: INestApplication;
  let serving: ServingHttp;
  let base: string;
  const agents: Agent[] = [];

  async function start(overrides: Partial<RuntimeConfig> = {}): Promise<void> {
    const http = adapter === 'express' ? new ExpressAdapter() : new FastifyAdapter();
    app = await NestFactory.create(DrainTestModule, http, { logger: false, abortOnError: false });
    const config = await runtime(overrides);
    serving = await serveHttp(app, config, { signals: [] });
    base = `http://127.0.0.1:${config.port}`;
  }
  function keepAliveAgent(): Agent {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    agents.push(agent);
    return agent;
  }
  afterEach(async () => {
    agents.splice(0).forEach((a) => a.destroy());
    await serving?.stop();
  });

  it('keeps idle connections longer than the ALB idle timeout (65 s), headers timeout above that', async () => {
    await start();
    expect(serving.server.keepAliveTimeout).toBe(75_000);
    expect(serving.server.headersTimeout).toBeGreaterThan(serving.server.keepAliveTimeout);
    // Node's default (5 s) would have closed this connection by the second request.
    const agent = keepAliveAgent();
    const sockets = new Set<unknown>();
    agent.on('free', (socket) => sockets.add(socket));
    await get(`${base}/slow?ms=0`, agent);
    await new Promise((r) => setTimeout(r, 5_500));
    const again = await get(`${base}/slow?ms=0`, agent);
    expect(again.status).toBe(200);
    expect(sockets.size).toBe(1);
  }, 15_000);

  it('on stop: health says draining at once, in-flight requests finish with Connection: close, new connections are refused', async () => {
    await start({ shutdownAnnounceMs: 400 });
    const inFlight = get(`${base}/slow?ms=1200`);
    await new Promise((r) => setTimeout(r, 100));
    expect(serving.inFlight()).toBe(1);
    const stopped = serving.stop('SIGTERM');

    const health = await get(`${base}/health`);
    expect(health.status).toBe(503);
    expect(JSON.parse(health.body)).toMatchObject({ status: 'error', error: { lifecycle: { status: 'down', state: 'draining' } } });
    expect(health.headers['connection']).toBe('close');

    await new Promise((r) => setTimeout(r, 500)); // the announce window is over: the listener is closed
    await expect(get(`${base}/slow?ms=0`)).rejects.toMatchObject({ code: 'ECONNREFUSED' });

    const answer = await inFlight;
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toEqual({ waited: 1200 });
    expect(answer.headers['connection']).toBe('close');
    const result = await stopped;
    expect(result).toMatchObject({ drained: true, cut: 0 });
    expect(result.ms).toBeLessThan(2_500);
  });

  it('closes idle keep-alive connections at once and stops without waiting for them', async () => {
    await start();
    const agent = keepAliveAgent();
    await get(`${base}/slow?ms=0`, agent);
    const result = await serving.stop('SIGTERM');
    expect(result).toMatchObject({ drained: true, cut: 0 });
    expect(result.ms).toBeLessThan(1_000);
  });

  it('cuts what is still in flight when the grace has passed, and says how many', async () => {
    await start({ shutdownGraceMs: 600 });
    const stuck = get(`${base}/slow?ms=20000`).then(
      () => 'answered',
      () => 'cut',
    );
    await new Promise((r) => setTimeout(r, 100));
    const result = await serving.stop('SIGTERM');
    expect(result).toMatchObject({ drained: false, cut: 1 });
    expect(result.ms).toBeGreaterThanOrEqual(600);
    expect(result.ms).toBeLessThan(6_000);
    expect(await stuck).toBe('cut');
  });
});
