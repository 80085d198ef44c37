import { Injectable } from '@nestjs/common';
import { InvalidClient, InvalidRequest } from '@mcp-cognito/oauth';
import { constantTimeEqual, sha256Hex } from '../keys/secrets';
import { ClientRegistry } from './client-registry.service';
import type { OAuthClient } from './oauth-client';

interface PresentedCredentials {
  method: 'client_secret_basic' | 'client_secret_post' | 'none';
  clientId: string;
  secret?: string;
}

/** RFC 6749 §2.3.1: Basic credentials are form-urlencoded before base64. */
export function decodeBasic(header: string): { id: string; secret: string } | undefined {
  const raw = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const colon = raw.indexOf(':');
  if (colon < 1) return undefined;
  try {
    return { id: decodeURIComponent(raw.slice(0, colon).replace(/\+/g, ' ')), secret: decodeURIComponent(raw.slice(colon + 1).replace(/\+/g, ' ')) };
  } catch {
    return undefined;
  }
}

/**
 * Client authentication at the token and revocation endpoints (RFC 6749 §2.3, §3.2.1; OAuth 2.1
 * §2.4): exactly one method per request, and it must be the one the client registered. Public
 * clients (`none`) identify themselves with `client_id` only.
 */
@Injectable()
export class ClientAuthenticator {
  constructor(private readonly registry: ClientRegistry) {}

  /** `authorization`: the request's Authorization header; `params`: its form parameters. */
  async authenticate(authorization: string | undefined, params: Record<string, unknown>): Promise<OAuthClient> {
    const presented = this.presented(authorization, params);
    const client = await this.registry.find(presented.clientId);
    if (!client) throw new InvalidClient('Client authentication failed.', `unknown client ${presented.clientId}`);
    if (client.tokenEndpointAuthMethod !== presented.method) {
      throw new InvalidClient('Client authentication failed.', `client registered ${client.tokenEndpointAuthMethod}, presented ${presented.method}`);
    }
    if (presented.method !== 'none') {
      if (!client.clientSecretHash || !presented.secret || !constantTimeEqual(sha256Hex(presented.secret), client.clientSecretHash)) {
        throw new InvalidClient('Client authentication failed.', 'wrong client secret');
      }
    }
    return client;
  }

  private presented(header: string | undefined, params: Record<string, unknown>): PresentedCredentials {
    const bodyId = params['client_id'];
    const bodySecret = params['client_secret'];
    if (header !== undefined && header.startsWith('Basic ')) {
      if (bodySecret !== undefined) throw new InvalidRequest('Use only one client authentication method.');
      const basic = decodeBasic(header);
      if (!basic) throw new InvalidClient('Client authentication failed.', 'malformed Basic credentials');
      if (bodyId !== undefined && bodyId !== basic.id) throw new InvalidRequest('client_id does not match the authenticated client.');
      return { method: 'client_secret_basic', clientId: basic.id, secret: basic.secret };
    }
    if (typeof bodyId !== 'string' || bodyId.length === 0) throw new InvalidClient('Client authentication failed.', 'no client_id');
    if (bodySecret !== undefined) {
      if (typeof bodySecret !== 'string') throw new InvalidRequest('client_secret must be a string.');
      return { method: 'client_secret_post', clientId: bodyId, secret: bodySecret };
    }
    return { method: 'none', clientId: bodyId };
  }
}
