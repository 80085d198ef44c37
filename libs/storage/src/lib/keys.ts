import { KEY_PREFIXES as P } from '@mcp-cognito/contracts';

/**
 * Key builders: the only place that builds the `pk`/`sk` strings (docs/key-layout.md), from the prefixes in
 * libs/contracts (which the infra app also turns into each service's `dynamodb:LeadingKeys`).
 * Single-item kinds use the constant sort key `META`.
 */
export interface ItemKey {
  pk: string;
  sk: string;
}

export const META = 'META';

function part(name: string, value: string): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 512) {
    throw new TypeError(`${name} must be a non-empty string of at most 512 characters`);
  }
  return value;
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

export const keys = {
  client: (clientId: string): ItemKey => ({ pk: `${P.client}${part('clientId', clientId)}`, sk: META }),
  session: (id: string): ItemKey => ({ pk: `${P.session}${part('session id', id)}`, sk: META }),
  /** Codes are stored only as their SHA-256 (docs/architecture.md#the-flow): the key never holds a usable code. */
  code: (codeHash: string): ItemKey => {
    if (!SHA256_HEX.test(codeHash)) throw new TypeError('codeHash must be a lowercase hex SHA-256');
    return { pk: `${P.code}${codeHash}`, sk: META };
  },
  grant: (grantId: string): ItemKey => ({ pk: `${P.grant}${part('grantId', grantId)}`, sk: META }),
  /** The partition is built from the caller's `sub`: a user can only ever address their own notes. */
  userNotes: (sub: string): string => `${P.userData}${part('sub', sub)}`,
  note: (sub: string, noteId: string): ItemKey => ({ pk: keys.userNotes(sub), sk: `NOTE#${part('noteId', noteId)}` }),
  /**
   * Failed Cognito revocations wait in one partition (they are rare, and the retrier reads them with one Query);
   * the sort key is the record's random id.
   */
  upstreamRevocationQueue: `${P.upstreamRevocation}queue`,
  upstreamRevocation: (recordId: string): ItemKey => ({ pk: `${P.upstreamRevocation}queue`, sk: `RECORD#${part('record id', recordId)}` }),
  /** The revocation feed: one partition, read by time (docs/key-layout.md). */
  revocationFeed: `${P.revocationFeed}feed`,
  /** `<revokedAtMs, 15 digits>#<target>#<ref>`: sorts by time; target and ref keep two same-millisecond entries apart. */
  revocation: (target: 'grant' | 'user', ref: string, revokedAtMs: number): ItemKey => ({
    pk: `${P.revocationFeed}feed`,
    sk: `${keys.revocationSortKeyFrom(revokedAtMs)}#${target}#${part('revocation ref', ref)}`,
  }),
  /** The smallest sort key of an entry written at `ms` (the lower bound of an incremental read). */
  revocationSortKeyFrom: (ms: number): string => {
    if (!Number.isSafeInteger(ms) || ms < 0) throw new TypeError('revocation time must be a non-negative integer of milliseconds');
    return String(ms).padStart(15, '0');
  },
  /**
   * A user's revocation marker (docs/key-layout.md): under the feed's prefix (every writer of the feed may write it,
   * MCP servers only ever read `REVOKED#feed`), but never in the feed's partition.
   */
  userRevocation: (sub: string): ItemKey => ({ pk: `${P.revocationFeed}user:${part('sub', sub)}`, sk: META }),
  /** A user's grants: one index item per grant (docs/key-layout.md). */
  userGrants: (sub: string): string => `${P.userGrants}${part('sub', sub)}`,
  userGrant: (sub: string, grantId: string): ItemKey => ({ pk: keys.userGrants(sub), sk: `GRANT#${part('grantId', grantId)}` }),
  /** Usernames are matched without case (Cognito's default; over-matching only ever revokes more). */
  usernameSubs: (username: string): string => `${P.userGrants}name:${part('username', username).toLowerCase()}`,
  usernameSub: (username: string, sub: string): ItemKey => ({ pk: keys.usernameSubs(username), sk: `SUB#${part('sub', sub)}` }),
  rate: (key: string, windowStart: number): ItemKey => ({
    pk: `${P.rate}${part('rate key', key)}`,
    sk: `WINDOW#${windowStart}`,
  }),
};
