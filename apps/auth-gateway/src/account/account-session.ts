import type { Request, Response } from 'express';
import { constantTimeEqual } from '../keys/secrets';
import type { SignedCookies } from '../http/signed-cookies';

/** The account page's session lasts this long from sign-in; then the page asks Cognito again. */
export const ACCOUNT_SESSION_SECONDS = 900;

const COOKIE = 'mcp-account';
/** A Cognito `sub` (a UUID; local-idp's too): nothing that could break the cookie's `<sub>~<exp>` layout. */
const SUB = /^[A-Za-z0-9-]{1,128}$/;

/** Who the account page is for, until when. */
export interface AccountSessionState {
  sub: string;
  /** Epoch seconds. */
  expiresAt: number;
  /** The signed cookie value: the forms' CSRF tokens are derived from it. */
  raw: string;
}

/**
 * The account page's own session (docs/architecture.md#revocation, "The account page"): after a sign-in through the
 * Cognito leg, an HMAC-signed cookie (`COOKIE_SECRET`, its own purpose label) holding the user's `sub` and an expiry
 * 15 minutes out - nothing else, and nothing stored server-side. Over https it is `__Host-mcp-account` (Secure,
 * Path=/, no Domain: only this origin can set or read it); on loopback development the plain name (signed-cookies.ts).
 *
 * SameSite=Lax, not Strict: the first page load after sign-in is the end of a redirect chain that started at Cognito
 * (another site), and browsers do not send Strict cookies on it, so a Strict session would send the user back to
 * sign in forever. Lax still keeps the cookie off every cross-site POST and subresource; the only cross-site request
 * that carries it is a top-level GET of the page, which changes nothing (and the page cannot be framed). Every form
 * that changes something also carries a token derived from this session ({@link csrfToken}), so a forged POST fails
 * even from a same-site page (OWASP CSRF cheat sheet: HMAC-based synchronizer token).
 */
export class AccountSession {
  constructor(private readonly cookies: SignedCookies) {}

  /** Starts the session of `sub` (the user who just signed in at Cognito). */
  start(res: Response, sub: string, nowSeconds: number): void {
    if (!SUB.test(sub)) throw new TypeError('unexpected sub shape');
    this.cookies.set(res, COOKIE, `${sub}~${nowSeconds + ACCOUNT_SESSION_SECONDS}`, { maxAgeSeconds: ACCOUNT_SESSION_SECONDS, sameSite: 'lax' });
  }

  /** The verified, unexpired session of this browser, or undefined (absent, tampered with or expired). */
  read(req: Request, nowSeconds: number): AccountSessionState | undefined {
    const raw = this.cookies.get(req, COOKIE);
    if (raw === undefined) return undefined;
    const [sub, exp, ...rest] = raw.split('~');
    const expiresAt = Number(exp);
    if (rest.length > 0 || !sub || !SUB.test(sub) || !Number.isSafeInteger(expiresAt) || expiresAt <= nowSeconds) return undefined;
    return { sub, expiresAt, raw };
  }

  end(res: Response): void {
    res.clearCookie(this.cookies.name(COOKIE), { path: '/', httpOnly: true, secure: this.cookies.secure, sameSite: 'lax' });
  }

  /** The token every form of this session carries (an HMAC of the signed session value under its own purpose). */
  csrfToken(session: AccountSessionState): string {
    return this.cookies.mac('account-form', session.raw);
  }

  verifyCsrf(session: AccountSessionState, token: unknown): boolean {
    return typeof token === 'string' && token.length > 0 && constantTimeEqual(token, this.csrfToken(session));
  }
}
