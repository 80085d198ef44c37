import { Inject, Injectable } from '@nestjs/common';
import { REPOSITORIES } from '@mcp-cognito/nest-platform';
import type { Repositories } from '@mcp-cognito/storage';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway-config';
import { grantReference } from './refresh-tokens';

/**
 * The largest clock tolerance a resource server accepts (libs/config `CLOCK_TOLERANCE_SECONDS` is at most 300): an
 * entry outlives the tokens it covers by this much, so a server whose clock is behind still finds it.
 */
export const REVOCATION_COVER_MARGIN_SECONDS = 300;

/**
 * Writes the revocation feed every MCP server reads (docs/architecture.md#revocation): from the moment an entry is
 * written, every instance of every server refuses the tokens it covers within its poll interval. An entry lives as
 * long as a token it covers can: the access-token lifetime (tokens are never longer-lived: `exp` <= now + ACCESS_TOKEN_TTL)
 * plus the margin.
 */
@Injectable()
export class RevocationFeed {
  /** How long an entry lives: the access-token lifetime plus the margin (also for libs/storage `revokeUserEverywhere`). */
  readonly coverSeconds: number;

  constructor(
    @Inject(REPOSITORIES) private readonly repos: Repositories,
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
  ) {
    this.coverSeconds = config.lifetimes.accessTokenSeconds + REVOCATION_COVER_MARGIN_SECONDS;
  }

  /** Every access token minted from this grant (their `grant_ref`). */
  async revokeGrant(grantId: string, reason: string): Promise<void> {
    await this.repos.revocationFeed.add({ target: 'grant', ref: grantReference(grantId), reason, coverSeconds: this.coverSeconds });
  }

  /** Every access token of this user issued until now. */
  async revokeUser(sub: string, reason: string): Promise<void> {
    await this.repos.revocationFeed.add({ target: 'user', ref: sub, reason, coverSeconds: this.coverSeconds });
  }
}
