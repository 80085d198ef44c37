import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { LocalIdpClient } from '../config';

/** One active secret of an app client (Cognito's ClientSecretDescriptor). */
export interface ClientSecretDescriptor {
  id: string;
  value: string;
  /** Epoch seconds. */
  createdAt: number;
}

/** Cognito: "Supports up to 2 active secrets per app client for zero-downtime credential rotation". */
export const MAX_SECRETS_PER_CLIENT = 2;

/** AddUserPoolClientSecret's rule for a value you choose: 24-64 characters of `[\w+]`. */
const CUSTOM_SECRET = /^[\w+]{24,64}$/;

export type AddSecretResult =
  | { ok: true; descriptor: ClientSecretDescriptor; generated: boolean }
  | {
      ok: false;
      error:
        | 'ResourceNotFoundException'
        | 'LimitExceededException'
        | 'InvalidParameterException';
      message: string;
    };

export type DeleteSecretResult =
  | { ok: true }
  | {
      ok: false;
      error: 'ResourceNotFoundException' | 'InvalidParameterException';
      message: string;
    };

/**
 * The active client secrets of each confidential app client, as AddUserPoolClientSecret /
 * DeleteUserPoolClientSecret / ListUserPoolClientSecrets manage them
 * (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AddUserPoolClientSecret.html).
 * Any active secret authenticates the client, which is what lets a secret rotate without logging anyone out.
 */
export class ClientSecrets {
  private readonly byClient = new Map<string, ClientSecretDescriptor[]>();

  constructor(clients: readonly LocalIdpClient[]) {
    for (const c of clients) {
      if (c.clientSecret)
        this.byClient.set(c.clientId, [descriptor(c.clientSecret)]);
    }
  }

  isConfidential(clientId: string): boolean {
    return this.byClient.has(clientId);
  }

  /** True when `presented` equals one of the client's active secrets (constant time per comparison). */
  matches(clientId: string, presented: string): boolean {
    const secrets = this.byClient.get(clientId) ?? [];
    const given = Buffer.from(presented, 'utf8');
    let ok = false;
    for (const s of secrets) {
      const expected = Buffer.from(s.value, 'utf8');
      if (expected.length === given.length && timingSafeEqual(expected, given))
        ok = true;
    }
    return ok;
  }

  list(clientId: string): Omit<ClientSecretDescriptor, 'value'>[] | undefined {
    return this.byClient
      .get(clientId)
      ?.map(({ id, createdAt }) => ({ id, createdAt }));
  }

  /** AddUserPoolClientSecret: a second secret for a confidential client; generated unless `value` is given. */
  add(clientId: string, value?: string): AddSecretResult {
    const secrets = this.byClient.get(clientId);
    if (!secrets)
      return {
        ok: false,
        error: 'ResourceNotFoundException',
        message: 'No confidential app client with this id.',
      };
    if (secrets.length >= MAX_SECRETS_PER_CLIENT)
      return {
        ok: false,
        error: 'LimitExceededException',
        message: `An app client can have at most ${MAX_SECRETS_PER_CLIENT} active secrets.`,
      };
    if (value !== undefined && !CUSTOM_SECRET.test(value))
      return {
        ok: false,
        error: 'InvalidParameterException',
        message: 'ClientSecret must be 24-64 characters of [A-Za-z0-9_+].',
      };
    const added = descriptor(value ?? generateSecret());
    secrets.push(added);
    return { ok: true, descriptor: added, generated: value === undefined };
  }

  /** DeleteUserPoolClientSecret. A confidential client keeps at least one secret. */
  remove(clientId: string, secretId: string): DeleteSecretResult {
    const secrets = this.byClient.get(clientId);
    const index = secrets?.findIndex((s) => s.id === secretId) ?? -1;
    if (!secrets || index < 0)
      return {
        ok: false,
        error: 'ResourceNotFoundException',
        message: 'No such secret for this app client.',
      };
    if (secrets.length === 1)
      return {
        ok: false,
        error: 'InvalidParameterException',
        message:
          'The last secret of a confidential app client cannot be deleted.',
      };
    secrets.splice(index, 1);
    return { ok: true };
  }
}

function descriptor(value: string): ClientSecretDescriptor {
  return {
    id: randomUUID(),
    value,
    createdAt: Math.floor(Date.now() / 1000),
  };
}

/** Cognito generates 51-52 lowercase alphanumerics; local-idp makes 52 of base-36. */
function generateSecret(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  let out = '';
  for (const byte of randomBytes(64)) {
    if (byte < 252) out += alphabet[byte % 36];
    if (out.length === 52) break;
  }
  return out.length === 52 ? out : generateSecret();
}
