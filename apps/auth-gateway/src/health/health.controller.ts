import { Controller, Get, Inject } from '@nestjs/common';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import { DependencyHealthIndicators, DYNAMO_CLIENTS, pingStorage } from '@mcp-cognito/nest-platform';
import type { DynamoClients } from '@mcp-cognito/storage';
import { GATEWAY_CONFIG, type GatewayConfig } from '../app/gateway-config';

/**
 * `/health`: what the load balancer checks - the process serves and its table answers.
 * `/health/ready`: also the upstream Cognito JWKS (an operator's view; not used by the ALB so that a
 * Cognito incident does not make every task unhealthy at once).
 */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly deps: DependencyHealthIndicators,
    @Inject(DYNAMO_CLIENTS) private readonly dynamo: DynamoClients,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  @Get()
  @HealthCheck()
  check() {
    return this.health.check([() => this.deps.check('dynamodb', () => pingStorage(this.dynamo))]);
  }

  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check([
      () => this.deps.check('dynamodb', () => pingStorage(this.dynamo)),
      () => this.deps.checkJsonDocument('cognito_jwks', this.config.cognito.jwksUrl),
    ]);
  }
}
