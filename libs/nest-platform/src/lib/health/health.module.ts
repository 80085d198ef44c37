import { Catch, Controller, Get, Inject, Module, Optional, ServiceUnavailableException, UseFilters, type ArgumentsHost, type DynamicModule, type ExceptionFilter } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService, TerminusModule, type HealthIndicatorFunction } from '@nestjs/terminus';
import type { DynamoClients } from '@mcp-cognito/storage';
import { ServiceLifecycle } from '../bootstrap/service-lifecycle';
import { DYNAMO_CLIENTS, pingStorage } from '../storage/storage.module';
import { DependencyHealthIndicators } from './dependency.health';

const HEALTH_OPTIONS = Symbol('HEALTH_OPTIONS');

export interface HealthOptions {
  /** JSON documents readiness depends on (JWKS), by name. */
  readiness: Record<string, string>;
  /**
   * Whether the endpoints check the table answers (DescribeTable). An MCP server whose tools store nothing reads only
   * the revocation feed, which it reports as its own state. @default true
   */
  storage?: boolean;
  /**
   * In-process states both endpoints report, by name (e.g. the MCP servers' `revocation_feed`): each returns its
   * details, and throws when the service cannot serve correctly (the check is then `down`, the answer 503).
   * @default {}
   */
  states?: Record<string, () => Record<string, unknown>>;
}

/**
 * Terminus reports a failed check as a 503 whose body is the report itself; this controller-level
 * filter sends it as is, whatever global filter (e.g. the gateway's OAuth one) the app installs.
 */
@Catch(ServiceUnavailableException)
class HealthReportFilter implements ExceptionFilter {
  catch(exception: ServiceUnavailableException, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<{ status?: (c: number) => unknown; code?: (c: number) => unknown }>();
    const body = exception.getResponse();
    // express (gateway) and fastify (tools) replies
    if (typeof (res as { code?: unknown }).code === 'function') {
      (res as unknown as { code(c: number): { header(k: string, v: string): { send(b: unknown): void } } }).code(503).header('cache-control', 'no-store').send(body);
    } else {
      (res as unknown as { status(c: number): { set(k: string, v: string): { json(b: unknown): void } } }).status(503).set('cache-control', 'no-store').json(body);
    }
  }
}

/**
 * `/health`: what the load balancer checks - the process serves and its table answers
 * (DescribeTable). `/health/ready`: also every key set the service's token checks need; it is an
 * operator's view, not the ALB's, so that an IdP incident does not mark every task unhealthy at once.
 * Both answer 503 with `lifecycle: { status: 'down', state: 'draining' }` (and check nothing else) from the moment
 * the service starts stopping (SIGTERM), so a load balancer stops routing here.
 */
@Controller('health')
@UseFilters(HealthReportFilter)
class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly deps: DependencyHealthIndicators,
    private readonly lifecycle: ServiceLifecycle,
    @Optional() @Inject(DYNAMO_CLIENTS) private readonly dynamo: DynamoClients | undefined,
    @Inject(HEALTH_OPTIONS) private readonly options: HealthOptions,
  ) {}

  @Get()
  @HealthCheck()
  check() {
    return this.checkUnlessDraining([...this.storageChecks(), ...this.stateChecks()]);
  }

  @Get('ready')
  @HealthCheck()
  ready() {
    return this.checkUnlessDraining([
      ...this.storageChecks(),
      ...Object.entries(this.options.readiness).map(([name, url]) => () => this.deps.checkJsonDocument(name, url)),
      ...this.stateChecks(),
    ]);
  }

  /** The table check, for a service whose tools use the table. */
  private storageChecks(): HealthIndicatorFunction[] {
    const dynamo = this.dynamo;
    if (this.options.storage === false || dynamo === undefined) return [];
    return [() => this.deps.check('dynamodb', () => pingStorage(dynamo))];
  }

  private stateChecks(): HealthIndicatorFunction[] {
    return Object.entries(this.options.states ?? {}).map(([name, state]) => () => this.deps.check(name, async () => state()));
  }

  private checkUnlessDraining(checks: HealthIndicatorFunction[]) {
    if (this.lifecycle.draining) {
      return this.health.check([() => this.indicators.check('lifecycle').down({ state: this.lifecycle.state })]);
    }
    return this.health.check(checks);
  }
}

@Module({})
export class HealthModule {
  static forRoot(options: HealthOptions): DynamicModule {
    return {
      module: HealthModule,
      imports: [TerminusModule.forRoot({ logger: false })],
      controllers: [HealthController],
      providers: [DependencyHealthIndicators, ServiceLifecycle, { provide: HEALTH_OPTIONS, useValue: options }],
      exports: [ServiceLifecycle],
    };
  }
}
