import { Controller, Get, Inject } from '@nestjs/common';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import { DependencyHealthIndicators, DYNAMO_CLIENTS, pingStorage } from '@mcp-cognito/nest-platform';
import type { DynamoClients } from '@mcp-cognito/storage';
import { TOOLS_CONFIG, type ToolsConfig } from '../app/tools-config';

/**
 * `/health`: the load balancer's check - the process serves and its table answers.
 * `/health/ready`: also the two key sets every token check needs (gateway JWKS, Cognito JWKS).
 */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly deps: DependencyHealthIndicators,
    @Inject(DYNAMO_CLIENTS) private readonly dynamo: DynamoClients,
    @Inject(TOOLS_CONFIG) private readonly config: ToolsConfig,
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
      () => this.deps.checkJsonDocument('gateway_jwks', this.config.gateway.jwksUrl),
      () => this.deps.checkJsonDocument('cognito_jwks', this.config.cognito.jwksUrl),
    ]);
  }
}
