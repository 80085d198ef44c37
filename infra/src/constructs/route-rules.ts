import { aws_elasticloadbalancingv2 as elbv2 } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { ROUTES, type RouteRule, type RouteService } from '@mcp-cognito/routing';

/**
 * ALB quota: at most 5 condition values per rule, counted across all its conditions. The ALB is
 * internal and reached only through CloudFront's VPC origin, so a rule needs no header condition: all 5
 * values are path patterns.
 */
export const MAX_PATHS_PER_RULE = 5;

/** A rule's priorities step from the route's base priority; the next route starts 10 higher. */
const MAX_RULES_PER_ROUTE = 10;

export interface PathRule {
  priority: number;
  paths: string[];
}

/**
 * The listener rules of `service`, generated from the single-origin path table in libs/routing
 * (docs/architecture.md#topology): each route's paths in chunks of {@link MAX_PATHS_PER_RULE}, priorities
 * `route.priority`, `route.priority + 1`, ... Pure, so tests can compare it with the template.
 * `routes`: the table holding the service's route (an MCP server's: libs/routing `mcpServerRoute`).
 */
export function pathRulesOf(service: RouteService, routes: readonly RouteRule[] = ROUTES): PathRule[] {
  return routes.filter((r) => r.service === service).flatMap((route) => {
    const chunks: string[][] = [];
    for (let i = 0; i < route.paths.length; i += MAX_PATHS_PER_RULE) chunks.push(route.paths.slice(i, i + MAX_PATHS_PER_RULE));
    if (chunks.length > MAX_RULES_PER_ROUTE) {
      throw new Error(`route of ${service} at priority ${route.priority} needs ${chunks.length} rules; at most ${MAX_RULES_PER_ROUTE} fit before the next route`);
    }
    return chunks.map((paths, i) => ({ priority: route.priority + i, paths }));
  });
}

export interface RouteRulesProps {
  service: RouteService;
  /** The routes to turn into rules. @default libs/routing ROUTES (the gateway's and mcp-tools') */
  routes?: readonly RouteRule[];
  listener: elbv2.IApplicationListener;
  targetGroup: elbv2.IApplicationTargetGroup;
}

/** Forwards the service's paths to its target group; the listener answers every other path with its default 404. */
export class RouteRules extends Construct {
  readonly rules: elbv2.ApplicationListenerRule[];

  constructor(scope: Construct, id: string, props: RouteRulesProps) {
    super(scope, id);
    this.rules = pathRulesOf(props.service, props.routes).map(
      (rule) =>
        new elbv2.ApplicationListenerRule(this, `Rule${rule.priority}`, {
          listener: props.listener,
          priority: rule.priority,
          conditions: [elbv2.ListenerCondition.pathPatterns(rule.paths)],
          action: elbv2.ListenerAction.forward([props.targetGroup]),
        }),
    );
  }
}
