export { ROUTES, pathMatches, pathsOf, routeFor, type RouteRule, type ServiceName } from './lib/routes';
