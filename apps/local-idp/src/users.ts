import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';

/** A Cognito user as local-idp needs it. Passwords are plain text on purpose: dev users only, checked in. */
export interface DevUser {
  /** Cognito `sub`: a UUID that never changes for the user. */
  sub: string;
  username: string;
  email: string;
  emailVerified: boolean;
  name?: string;
  password: string;
  groups: string[];
}

const userSchema = z
  .object({
    sub: z.uuid(),
    // Cognito usernames: 1-128 printable characters without whitespace.
    username: z
      .string()
      .regex(
        /^[\p{L}\p{M}\p{S}\p{N}\p{P}]{1,128}$/u,
        'must be 1-128 characters, no whitespace',
      ),
    email: z.email(),
    emailVerified: z.boolean().default(true),
    name: z.string().min(1).optional(),
    password: z.string().min(1),
    groups: z.array(z.string().min(1)).default([]),
  })
  .strict();

const fileSchema = z
  .object({ users: z.array(userSchema).min(1) })
  .superRefine(({ users }, ctx) => {
    const seen = new Set<string>();
    for (const u of users) {
      for (const key of [
        `sub:${u.sub}`,
        `username:${u.username.toLowerCase()}`,
        `email:${u.email.toLowerCase()}`,
      ]) {
        if (seen.has(key))
          ctx.addIssue({ code: 'custom', message: `duplicate ${key}` });
        seen.add(key);
      }
    }
  });

export class UserDirectory {
  private readonly bySub = new Map<string, DevUser>();
  private readonly byLogin = new Map<string, DevUser>();

  constructor(readonly users: readonly DevUser[]) {
    for (const u of users) {
      this.bySub.set(u.sub, u);
      // Cognito user pools are case-insensitive for usernames by default; email works as a sign-in alias.
      this.byLogin.set(u.username.toLowerCase(), u);
      this.byLogin.set(u.email.toLowerCase(), u);
    }
  }

  static fromFile(path: string): UserDirectory {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(path, 'utf8'));
    } catch (err) {
      throw new Error(
        `Cannot read dev users file ${path}: ${(err as Error).message}`,
      );
    }
    const parsed = fileSchema.safeParse(raw);
    if (!parsed.success) {
      const problems = parsed.error.issues.map(
        (i) => `  - ${i.path.join('.') || '(file)'}: ${i.message}`,
      );
      throw new Error(
        `Invalid dev users file ${path}:\n${problems.join('\n')}`,
      );
    }
    return new UserDirectory(parsed.data.users);
  }

  findBySub(sub: string): DevUser | undefined {
    return this.bySub.get(sub);
  }

  /** Returns the user only when the password matches; compares digests so timing does not leak length. */
  authenticate(login: string, password: string): DevUser | undefined {
    const user = this.byLogin.get(login.trim().toLowerCase());
    const expected = sha256(user?.password ?? 'no-such-user');
    const ok = timingSafeEqual(expected, sha256(password));
    return user && ok ? user : undefined;
  }
}

function sha256(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
