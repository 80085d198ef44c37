export {
  GATEWAY_ROUTE,
  MCP_SERVER_PRIORITY,
  PRM_PREFIX,
  ROOT_MCP_SERVER_PRIORITY,
  ROUTES,
  buildRoutes,
  mcpServerPaths,
  mcpServerPriority,
  mcpServerRoute,
  pathMatches,
  pathsOf,
  routeFor,
  type RoutedMcpServer,
  type RouteRule,
  type RouteService,
  type ServiceName,
} from './lib/routes';
export { GATEWAY_SIGN_OUT_PATHS } from './lib/sign-out-paths';
