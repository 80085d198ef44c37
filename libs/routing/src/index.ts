export { ROUTES, pathMatches, pathsOf, routeFor, type RouteRule, type ServiceName } from './lib/routes';
export { GATEWAY_SIGN_OUT_PATHS } from './lib/sign-out-paths';
