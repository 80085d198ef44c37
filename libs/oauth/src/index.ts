export * from './lib/errors';
export { checkRedirectUri, isLoopbackRedirectUri, isRegisteredRedirectUri, type RedirectUriCheck, type RedirectUriKind } from './lib/redirect-uri';
export { checkCodeChallenge, verifyPkceS256, createPkcePair, type PkceCheck } from './lib/pkce';
export { parseScope, formatScope, scopesOutside } from './lib/scopes';
export { matchResource } from './lib/resource';
export { BearerChallenges, endpointErrorAnswer, protectedResourceMetadataUrl, type BearerRefusal, type OAuthAnswer } from './lib/responder';
export {
  validateClientMetadata,
  TOKEN_ENDPOINT_AUTH_METHODS,
  GRANT_TYPES,
  type ClientMetadata,
  type ClientMetadataCheck,
  type TokenEndpointAuthMethod,
} from './lib/client-metadata';
