import { createDynamoClients, createRepositories, resolveUser, revokeUserEverywhere, type Repositories } from '@mcp-cognito/storage';

/** The largest ACCESS_TOKEN_TTL libs/config accepts (1 day) + the largest clock tolerance (300 s): safe for any stage. */
export const DEFAULT_COVER_SECONDS = 86_400 + 300;

export interface RevokeUserOptions {
  user: string;
  table: string;
  region: string;
  /** A local engine (the local stack's DynamoDB); unset = AWS with the operator's credentials (default chain). */
  endpoint?: string;
  coverSeconds: number;
  /** Who ran it, for the audit event. */
  operator: string;
}

/** What the command did, also its audit record. */
export interface RevokeUserReport {
  event: 'user.revoked';
  actor: string;
  users: Array<{ sub: string; grants: number; clients: string[] }>;
}

/**
 * Offboarding (docs/architecture.md#revocation): resolves `<username|sub>` to the user's `sub`s, then for each writes a
 * user-level revocation entry and ends every active grant (each also named in the feed). Every MCP server refuses the
 * user's access tokens within its poll interval; their refresh tokens stop working at once.
 */
export async function revokeUser(options: RevokeUserOptions, repos?: Repositories): Promise<RevokeUserReport> {
  const clients = repos ? undefined : createDynamoClients({ region: options.region, endpoint: options.endpoint, tableName: options.table });
  const r = repos ?? createRepositories(clients!);
  try {
    const subs = await resolveUser(r, options.user);
    const users: RevokeUserReport['users'] = [];
    for (const sub of subs) {
      const ended = await revokeUserEverywhere(r, { sub, reason: 'admin', feedReason: 'admin', coverSeconds: options.coverSeconds });
      users.push({ sub, grants: ended.length, clients: [...new Set(ended.map((g) => g.clientId))] });
    }
    return { event: 'user.revoked', actor: `admin:${options.operator}`, users };
  } finally {
    clients?.destroy();
  }
}
