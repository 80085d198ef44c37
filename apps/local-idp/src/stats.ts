/**
 * Dev-only counters served at GET /__local-idp/stats. Tests of the gateway use them to count how often it
 * calls "Cognito" (e.g. that a fresh upstream token is not refreshed). Real Cognito has nothing like this.
 */
export interface LocalIdpStats {
  startedAt: string;
  token: { total: number; byGrantType: Record<string, number>; failed: number };
  revocations: { total: number; failed: number };
  userInfo: { total: number; failed: number };
  logins: { succeeded: number; failed: number };
}

export function createStats(): LocalIdpStats {
  return {
    startedAt: new Date().toISOString(),
    token: { total: 0, byGrantType: {}, failed: 0 },
    revocations: { total: 0, failed: 0 },
    userInfo: { total: 0, failed: 0 },
    logins: { succeeded: 0, failed: 0 },
  };
}

export function countTokenRequest(
  stats: LocalIdpStats,
  grantType: string | undefined,
  ok: boolean,
): void {
  const key =
    grantType && /^[\w:.-]{1,100}$/.test(grantType) ? grantType : 'unknown';
  stats.token.total += 1;
  stats.token.byGrantType[key] = (stats.token.byGrantType[key] ?? 0) + 1;
  if (!ok) stats.token.failed += 1;
}
