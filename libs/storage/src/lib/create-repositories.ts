import { systemClock, type Clock } from '@mcp-cognito/contracts';
import type { DynamoClients } from './dynamo-clients';
import type { StorageContext } from './item-store';
import {
  AuthorizationCodeRepository,
  ClientRepository,
  GrantRepository,
  NoteRepository,
  PendingAuthorizationRepository,
  RateLimitRepository,
  RevocationFeedRepository,
  UserGrantsRepository,
  UserRevocationRepository,
  UpstreamRevocationRepository,
} from './repositories';

export interface Repositories {
  clients: ClientRepository;
  pendingAuthorizations: PendingAuthorizationRepository;
  authorizationCodes: AuthorizationCodeRepository;
  grants: GrantRepository;
  notes: NoteRepository;
  rateLimits: RateLimitRepository;
  upstreamRevocations: UpstreamRevocationRepository;
  revocationFeed: RevocationFeedRepository;
  userGrants: UserGrantsRepository;
  userRevocations: UserRevocationRepository;
}

/** Every repository on one table and one clock (the real clock unless given). */
export function createRepositories(clients: DynamoClients, clock: Clock = systemClock): Repositories {
  const ctx: StorageContext = { clients, clock };
  return {
    clients: new ClientRepository(ctx),
    pendingAuthorizations: new PendingAuthorizationRepository(ctx),
    authorizationCodes: new AuthorizationCodeRepository(ctx),
    grants: new GrantRepository(ctx),
    notes: new NoteRepository(ctx),
    rateLimits: new RateLimitRepository(ctx),
    upstreamRevocations: new UpstreamRevocationRepository(ctx),
    revocationFeed: new RevocationFeedRepository(ctx),
    userGrants: new UserGrantsRepository(ctx),
    userRevocations: new UserRevocationRepository(ctx),
  };
}
