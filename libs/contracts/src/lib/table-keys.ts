/**
 * The partition-key prefixes of the one DynamoDB table (libs/storage/docs/key-layout.md), and which service may
 * touch which. libs/storage builds every key from these prefixes; the infra app turns the table below into each
 * task role's `dynamodb:LeadingKeys` condition, so a service can reach only the item kinds it owns.
 */
export const KEY_PREFIXES = {
  /** `CLIENT#<client id>`: registered clients (RFC 7591). */
  client: 'CLIENT#',
  /** `SESSION#<id>`: pending authorizations (the upstream `state`). */
  session: 'SESSION#',
  /** `CODE#<sha256>`: authorization codes, as hashes. */
  code: 'CODE#',
  /** `GRANT#<grant id>`: refresh-token families and the sealed Cognito tokens. */
  grant: 'GRANT#',
  /** `RATE#<key>`: fixed-window rate-limit counters. */
  rate: 'RATE#',
  /** `REVOKE#<queue>`: Cognito refresh tokens whose revocation failed, kept (sealed) to be retried. */
  upstreamRevocation: 'REVOKE#',
  /** `USER#<sub>`: the tools service's own per-user data (notes). */
  userData: 'USER#',
  /**
   * `REVOKED#feed`: the revocation feed - revoked grants and users, time-ordered, each until no access token it covers
   * can still be valid. The gateway writes it; every MCP server reads it on a timer (docs/architecture.md#revocation).
   */
  revocationFeed: 'REVOKED#',
  /**
   * `USERGRANT#<sub>` / `GRANT#<grant id>`: one index item per grant under its user (list a user's grants without a
   * scan), and `USERGRANT#name:<username>` / `SUB#<sub>`: which `sub`s a username has named (offboarding by username).
   */
  userGrants: 'USERGRANT#',
} as const;

export type KeyPrefix = (typeof KEY_PREFIXES)[keyof typeof KEY_PREFIXES];

/** What one service may do to the table, by partition-key prefix. */
export interface TableAccess {
  /** GetItem/Query/PutItem/UpdateItem/DeleteItem on items under these prefixes. */
  readonly readWrite: readonly KeyPrefix[];
  /** GetItem/Query only. */
  readonly readOnly: readonly KeyPrefix[];
}

/**
 * What every MCP server built on libs/mcp-server-kit reads, whatever else it owns: the revocation feed (its request
 * gate refuses revoked tokens from an in-memory set refreshed from it). A new server's entry spreads this.
 */
export const MCP_SERVER_BASE_READ_ONLY = [KEY_PREFIXES.revocationFeed] as const satisfies readonly KeyPrefix[];

/** Least privilege per service (the services' own code never needs more; the infra tests check the policies). */
export const TABLE_ACCESS = {
  'auth-gateway': {
    readWrite: [
      KEY_PREFIXES.client,
      KEY_PREFIXES.session,
      KEY_PREFIXES.code,
      KEY_PREFIXES.grant,
      KEY_PREFIXES.rate,
      KEY_PREFIXES.upstreamRevocation,
      KEY_PREFIXES.revocationFeed,
      KEY_PREFIXES.userGrants,
    ],
    readOnly: [],
  },
  'mcp-tools': {
    readWrite: [KEY_PREFIXES.userData],
    readOnly: [...MCP_SERVER_BASE_READ_ONLY],
  },
} as const satisfies Record<string, TableAccess>;

/**
 * The table access of the MCP server `name`: its own `TABLE_ACCESS` entry, or - for a server that stores nothing
 * (clock, and what the generator makes) - the revocation feed alone, read-only: every server refuses revoked tokens.
 */
export function mcpServerTableAccess(name: string): TableAccess {
  return Object.hasOwn(TABLE_ACCESS, name) ? (TABLE_ACCESS as Record<string, TableAccess>)[name]! : { readWrite: [], readOnly: [...MCP_SERVER_BASE_READ_ONLY] };
}
