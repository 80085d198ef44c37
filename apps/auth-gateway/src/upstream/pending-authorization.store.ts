import type { Request, Response } from 'express';
import type { PendingSignIn, Repositories, StoredPendingAuthorization } from '@mcp-cognito/storage';
import { randomToken } from '../keys/secrets';
import type { UpstreamBrowserBinding } from './browser-binding';

/** The request as the callback sees it once its session was consumed (`createdAt`: when the sign-in began). */
export type RequestWithPending = Request & { pendingAuthorization?: PendingSignIn & Partial<Pick<StoredPendingAuthorization, 'createdAt'>> };

/**
 * passport-oauth2's state store, backed by DynamoDB instead of a server session (docs/architecture.md#invariants: any
 * step of a flow may hit any instance). `store` runs after consent: it saves the client's request
 * and the gateway's upstream PKCE verifier under a new random id, which travels as the upstream
 * `state`. `verify` consumes it exactly once (a replayed or forged state finds nothing).
 */
export class PendingAuthorizationStore {
  constructor(
    private readonly repos: Repositories,
    private readonly ttlSeconds: number,
    private readonly binding: UpstreamBrowserBinding,
  ) {}

  store(
    req: Request,
    verifier: string,
    state: PendingSignIn,
    _meta: unknown,
    callback: (err: Error | null, handle?: string) => void,
  ): void {
    const id = randomToken(32);
    this.repos.pendingAuthorizations
      .create(id, { ...state, upstreamCodeVerifier: verifier }, this.ttlSeconds)
      .then(
        () => {
          // express sets req.res; the cookie rides on passport's 302 to Cognito.
          this.binding.bind((req as Request & { res: Response }).res, id);
          callback(null, id);
        },
        (err: Error) => callback(err),
      );
  }

  verify(
    req: RequestWithPending,
    providedState: unknown,
    callback: (err: Error | null, ok?: string | false, state?: unknown) => void,
  ): void {
    if (typeof providedState !== 'string' || !/^[A-Za-z0-9_-]{20,100}$/.test(providedState)) {
      callback(null, false, { message: 'The sign-in state is missing or malformed.' });
      return;
    }
    this.repos.pendingAuthorizations.consume(providedState).then(
      (record) => {
        if (!record?.upstreamCodeVerifier) {
          callback(null, false, { message: 'The sign-in session is unknown, expired or already used.' });
          return;
        }
        // Kept on the request so that a failure after this point can still answer the client.
        req.pendingAuthorization = record;
        callback(null, record.upstreamCodeVerifier, record);
      },
      (err: Error) => callback(err),
    );
  }
}
