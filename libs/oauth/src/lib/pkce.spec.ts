import { checkCodeChallenge, createPkcePair, verifyPkceS256 } from './pkce';

describe('RFC 7636 PKCE (S256 only, OAuth 2.1 §4.1.1)', () => {
  const verifier = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
  const { challenge } = createPkcePair(verifier);

  it('computes the RFC 7636 Appendix B challenge', () => {
    expect(challenge).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
  });
  it('accepts the matching verifier', () => {
    expect(verifyPkceS256(verifier, challenge)).toBe(true);
  });
  it.each([
    ['a wrong verifier', 'x'.repeat(43)],
    ['a short verifier', 'abc'],
    ['a verifier with illegal characters', `${verifier}!`],
    ['no verifier', undefined],
    ['the challenge itself (plain)', challenge],
  ])('refuses %s', (_name, candidate) => {
    expect(verifyPkceS256(candidate, challenge)).toBe(false);
  });
  it('requires a challenge', () => {
    expect(checkCodeChallenge(undefined, undefined)).toEqual({ ok: false, reason: 'code_challenge is required (PKCE, S256)' });
  });
  it('refuses plain and a missing method', () => {
    expect(checkCodeChallenge(challenge, 'plain').ok).toBe(false);
    expect(checkCodeChallenge(challenge, undefined).ok).toBe(false);
  });
  it('refuses a challenge that cannot be an S256 digest', () => {
    expect(checkCodeChallenge('short', 'S256').ok).toBe(false);
    expect(checkCodeChallenge(challenge, 'S256').ok).toBe(true);
  });
});
