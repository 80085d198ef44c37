import { createHash } from 'node:crypto';
import type { Request, Response } from 'express';
import { constantTimeEqual } from '../keys/secrets';
import type { SignedCookies } from '../http/signed-cookies';

/**
 * Binds the upstream sign-in (its `state`) to the browser that gave consent (MCP security best
 * practices, "confused deputy": the upstream state must be tied to the user's session). Without it, an
 * attacker could approve their own client, hand the Cognito URL with *their* state to a victim, and
 * receive a code for the victim. The cookie holds an HMAC of the state; its name carries a short hash
 * of the state so that parallel sign-ins in one browser do not overwrite each other. It is checked
 * before the session is consumed, so a stranger's request cannot burn a legitimate sign-in.
 */
export class UpstreamBrowserBinding {
  constructor(
    private readonly cookies: SignedCookies,
    private readonly ttlSeconds: number,
  ) {}

  private base(state: string): string {
    return `mcp-signin-${createHash('sha256').update(state).digest('hex').slice(0, 12)}`;
  }

  bind(res: Response, state: string): void {
    // SameSite=Lax: Cognito returns to /callback with a top-level GET, which carries Lax cookies.
    this.cookies.set(res, this.base(state), this.cookies.mac('upstream-state', state), { maxAgeSeconds: this.ttlSeconds, sameSite: 'lax' });
  }

  /** True when this browser started the sign-in named by `state`. */
  verify(req: Request, state: string): boolean {
    const value = this.cookies.get(req, this.base(state));
    return value !== undefined && constantTimeEqual(value, this.cookies.mac('upstream-state', state));
  }

  clear(res: Response, state: string): void {
    res.clearCookie(this.cookies.name(this.base(state)), { path: '/', httpOnly: true, secure: this.cookies.secure, sameSite: 'lax' });
  }
}
