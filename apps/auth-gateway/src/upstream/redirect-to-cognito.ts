import passport from 'passport';
import type { Request, Response } from 'express';
import type { PendingSignIn } from '@mcp-cognito/storage';

/**
 * Sends the browser to Cognito's /oauth2/authorize through the passport strategy: the strategy
 * makes the gateway's PKCE pair, the state store saves `pending` under a new random id (the
 * upstream `state`), and passport answers 302. `pending` is an MCP client's authorization or an account-page sign-in. Resolves when the response is sent. `scopes`: what Cognito is asked
 * for (servers/scope-policy.ts).
 */
export function redirectToCognito(req: Request, res: Response, scopes: readonly string[], pending: PendingSignIn): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    res.once('finish', () => resolve());
    passport.authenticate('cognito', { session: false, state: pending as unknown as string, scope: [...scopes] }, (err: unknown) =>
      reject(err instanceof Error ? err : new Error('the upstream redirect failed')),
    )(req, res, (err?: unknown) => reject(err instanceof Error ? err : new Error('the upstream redirect failed')));
  });
}
