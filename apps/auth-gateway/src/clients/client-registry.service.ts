import { Inject, Injectable, Logger } from '@nestjs/common';
import { REPOSITORIES } from '@mcp-cognito/nest-platform';
import type { ClientRecord, Repositories } from '@mcp-cognito/storage';
import { GATEWAY_CONFIG, type GatewayConfig } from '../app/gateway-config';
import { MetadataDocumentError, MetadataDocumentResolver } from './metadata-document.resolver';
import type { OAuthClient } from './oauth-client';
import { parseStaticClients } from './static-clients';

const CLIENT_ID = /^[\w.:-]{1,200}$/;

/**
 * Finds a client by id: an https URL is a Client ID Metadata Document; otherwise static clients from
 * config, then RFC 7591 registrations in DynamoDB.
 */
@Injectable()
export class ClientRegistry {
  private readonly staticClients: Map<string, OAuthClient>;
  private readonly logger = new Logger('security');
  readonly metadataDocuments: MetadataDocumentResolver;

  constructor(
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
    @Inject(REPOSITORIES) private readonly repos: Repositories,
  ) {
    this.staticClients = parseStaticClients(config.registration.staticClientsJson);
    this.metadataDocuments = new MetadataDocumentResolver({ allowedPrivateHosts: config.cimd.allowedPrivateHosts });
  }

  async find(clientId: unknown): Promise<OAuthClient | undefined> {
    if (typeof clientId === 'string' && clientId.length <= 2000 && MetadataDocumentResolver.isMetadataDocumentUrl(clientId)) {
      try {
        return await this.metadataDocuments.resolve(clientId);
      } catch (error) {
        if (!(error instanceof MetadataDocumentError)) throw error;
        this.logger.warn({ event: 'client.metadata_document_rejected', client_id: clientId, reason: error.message });
        return undefined;
      }
    }
    if (typeof clientId !== 'string' || !CLIENT_ID.test(clientId)) return undefined;
    const fixed = this.staticClients.get(clientId);
    if (fixed) return fixed;
    const record = await this.repos.clients.get(clientId);
    return record ? fromRecord(record) : undefined;
  }

  /** Keeps a dynamic registration alive once it is really used (unused ones expire). */
  async markUsed(client: OAuthClient): Promise<void> {
    if (client.source === 'dynamic') await this.repos.clients.markUsed(client.clientId);
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
  };
}
