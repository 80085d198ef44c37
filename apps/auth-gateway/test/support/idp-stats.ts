/** Counters of local-idp's dev-only stats endpoint: how many times "Cognito" was called. */
export interface IdpStats {
  token: { total: number; byGrantType: Record<string, number>; failed: number };
  revocations: { total: number; failed: number };
}

export async function idpStats(idpBaseUrl: string): Promise<IdpStats> {
  return (await (await fetch(`${idpBaseUrl}/__local-idp/stats`)).json()) as IdpStats;
}

export const refreshCalls = (s: IdpStats) => s.token.byGrantType['refresh_token'] ?? 0;
