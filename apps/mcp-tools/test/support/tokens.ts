import { SignJWT, decodeJwt, decodeProtectedHeader, type JWTPayload } from 'jose';
import { withLowSSignature, type SigningKeySet } from '@mcp-cognito/tokens';

/**
 * Re-signs a gateway token with the real gateway key after changing its claims: the signature is valid,
 * so only the check under test can refuse it.
 */
export async function resign(token: string, keys: SigningKeySet, mutate: (claims: JWTPayload) => JWTPayload): Promise<string> {
  const header = decodeProtectedHeader(token);
  const signed = await new SignJWT(mutate({ ...decodeJwt(token) }))
    .setProtectedHeader({ alg: 'ES256', typ: header.typ, kid: header.kid })
    .sign(keys.active.privateKey);
  return withLowSSignature(signed);
}

/** Flips one character inside the ciphertext part of a compact JWE (the 4th segment). */
export function tamperJwe(jwe: string): string {
  const parts = jwe.split('.');
  const ct = parts[3] as string;
  const i = Math.floor(ct.length / 2);
  parts[3] = ct.slice(0, i) + (ct[i] === 'A' ? 'B' : 'A') + ct.slice(i + 1);
  return parts.join('.');
}
