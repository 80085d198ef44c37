/**
 * The gateway's sign-out paths, known to three parties: the gateway serves them, the CDK app registers
 * `signedOut` as the app client's allowed sign-out URL (Cognito's `/logout` redirects only there), and the local
 * stack registers it at local-idp. Both sit under `/consent*`, which the path table already gives the gateway.
 */
export const GATEWAY_SIGN_OUT_PATHS = {
  /** `GET`: ends the browser's sessions (the gateway's cookies, then Cognito's hosted-UI session via `/logout`). */
  signOut: '/consent/sign-out',
  /** `GET`: where Cognito's `/logout` returns the browser (`logout_uri`); a plain "signed out" page. */
  signedOut: '/consent/signed-out',
} as const;
