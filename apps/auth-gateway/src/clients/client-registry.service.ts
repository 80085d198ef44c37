import { Inject, Injectable } from '@nestjs/common';
import type { Clock } from '@mcp-cognito/contracts';
import { CLOCK, REPOSITORIES, SecurityEvents } from '@mcp-cognito/nest-platform';
import type { ClientRecord, Repositories } from '@mcp-cognito/storage';
import { ExpiringCache } from '@mcp-cognito/tokens';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway-config';
import { MetadataDocumentError, MetadataDocumentResolver } from './metadata-documents/metadata-document.resolver';
import type { OAuthClient } from './oauth-client';
import { parseStaticClients } from './static-clients';

const CLIENT_ID = /^[\w.:-]{1,200}$/;
const CLIENT_CACHE_MS = 60_000;
const CLIENT_CACHE_MAX = 10_000;

/**
 * Finds a client by id: an https URL is a Client ID Metadata Document; otherwise static clients from config, then
 * RFC 7591 registrations in DynamoDB.
 */
@Injectable()
export class ClientRegistry {
  private readonly staticClients: Map<string, OAuthClient>;
  private readonly cache: ExpiringCache<OAuthClient>;
  readonly metadataDocuments: MetadataDocumentResolver;

  constructor(
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
    @Inject(REPOSITORIES) private readonly repos: Repositories,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly events: SecurityEvents,
  ) {
    this.staticClients = parseStaticClients(config.registration.staticClientsJson);
    this.metadataDocuments = new MetadataDocumentResolver({ allowedPrivateHosts: config.cimd.allowedPrivateHosts, clock });
    this.cache = new ExpiringCache(CLIENT_CACHE_MAX, clock);
  }

  async find(clientId: unknown): Promise<OAuthClient | undefined> {
    if (typeof clientId === 'string' && clientId.length <= 2000 && MetadataDocumentResolver.isMetadataDocumentUrl(clientId)) {
      try {
        return await this.metadataDocuments.resolve(clientId);
      } catch (error) {
        if (!(error instanceof MetadataDocumentError)) throw error;
        this.events.emit('client.metadata_document_rejected', { client_id: clientId, reason: error.message });
        return undefined;
      }
    }
    if (typeof clientId !== 'string' || !CLIENT_ID.test(clientId)) return undefined;
    const fixed = this.staticClients.get(clientId);
    if (fixed) return fixed;
    const cached = this.cache.get(clientId);
    if (cached) return cached;
    const record = await this.repos.clients.get(clientId);
    if (!record) return undefined;
    const client = fromRecord(record);
    // Registrations never change after creation: a short cache saves a read per token request (a cache, not state -
    // every instance can read the table). Unknown ids are not cached.
    this.cache.set(clientId, client, this.clock.now() + CLIENT_CACHE_MS);
    return client;
  }

  /**
   * Keeps a dynamic registration alive once it is really used (unused ones expire). Only the first use writes; later
   * token requests of the same client cost no write.
   */
  async markUsed(client: OAuthClient): Promise<void> {
    if (client.source !== 'dynamic' || !client.unused) return;
    await this.repos.clients.markUsed(client.clientId);
    client.unused = false; // the cached object, too
  }
}

function fromRecord(r: ClientRecord): OAuthClient {
  return {
    clientId: r.clientId,
    source: 'dynamic',
    redirectUris: r.redirectUris,
    tokenEndpointAuthMethod: r.tokenEndpointAuthMethod,
    clientSecretHash: r.clientSecretHash,
    grantTypes: r.grantTypes,
    clientName: r.clientName,
    clientUri: r.clientUri,
    logoUri: r.logoUri,
    scope: r.scope,
    unused: r.expiresAt !== undefined,
  };
}
