import type { Request, Response } from 'express';
import { constantTimeEqual, randomToken } from '../keys/secrets';
import type { SignedCookies } from '../http/signed-cookies';

const COOKIE = 'mcp-csrf';

/**
 * CSRF protection for the consent form: a random per-browser value in a SameSite=Strict cookie, and
 * in the form an HMAC of that value *and of the exact authorization request*, so a token minted for
 * one request cannot approve another.
 */
export class ConsentCsrf {
  constructor(private readonly cookies: SignedCookies) {}

  issue(req: Request, res: Response, requestDigest: string): string {
    let browser = this.cookies.get(req, COOKIE);
    if (!browser) {
      browser = randomToken(24);
      this.cookies.set(res, COOKIE, browser, { sameSite: 'strict' });
    }
    return this.cookies.mac('consent-form', `${browser}\n${requestDigest}`);
  }

  verify(req: Request, requestDigest: string, token: unknown): boolean {
    const browser = this.cookies.get(req, COOKIE);
    if (!browser || typeof token !== 'string' || token.length === 0) return false;
    return constantTimeEqual(token, this.cookies.mac('consent-form', `${browser}\n${requestDigest}`));
  }
}
