import type { Request, Response } from 'express';
import { constantTimeEqual, purposeMac } from '../keys/secrets';

/**
 * HMAC-signed cookies. Over https the `__Host-` prefix pins them to this origin (Secure, Path=/, no
 * Domain); on loopback development (http) the prefix is impossible, so the plain name is used.
 */
export class SignedCookies {
  constructor(
    private readonly secret: string,
    readonly secure: boolean,
  ) {}

  name(base: string): string {
    return this.secure ? `__Host-${base}` : base;
  }

  /** HMAC-SHA256 under a purpose label, so that one value can never stand in for another. */
  mac(purpose: string, value: string): string {
    return purposeMac(this.secret, purpose, value);
  }

  set(res: Response, base: string, value: string, options: { maxAgeSeconds?: number; sameSite: 'lax' | 'strict' }): void {
    res.cookie(this.name(base), `${value}.${this.mac(base, value)}`, {
      httpOnly: true,
      secure: this.secure,
      sameSite: options.sameSite,
      path: '/',
      maxAge: options.maxAgeSeconds === undefined ? undefined : options.maxAgeSeconds * 1000,
    });
  }

  /** The verified value, or undefined when absent or tampered with. */
  get(req: Request, base: string): string | undefined {
    const raw = (req.cookies as Record<string, unknown> | undefined)?.[this.name(base)];
    if (typeof raw !== 'string') return undefined;
    const dot = raw.lastIndexOf('.');
    if (dot < 1) return undefined;
    const value = raw.slice(0, dot);
    return constantTimeEqual(raw.slice(dot + 1), this.mac(base, value)) ? value : undefined;
  }
}
