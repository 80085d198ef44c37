import { z } from 'zod';
import { envPublicUrl } from './env-parsing';

/** Cognito user pool ids look like `us-east-1_AbC123xyz`; local-idp uses `local_devpool`. */
const USER_POOL_ID = /^[a-z0-9-]+_[A-Za-z0-9]+$/;

/** The environment variables that describe the upstream identity provider (Cognito or local-idp). */
export const cognitoEnvSchema = z.object({
  COGNITO_USER_POOL_ID: z.string().trim().regex(USER_POOL_ID, 'must look like <region>_<id>, e.g. us-east-1_AbC123'),
  COGNITO_CLIENT_ID: z.string().trim().min(1),
  /**
   * The hosted UI domain: a full URL (`https://auth.example.com`, or local-idp's `http://127.0.0.1:9000`)
   * or a bare host (`myapp.auth.us-east-1.amazoncognito.com`).
   */
  COGNITO_DOMAIN: z
    .string()
    .trim()
    .min(1)
    .transform((v) => (/^[a-z]+:\/\//i.test(v) ? v : `https://${v}`))
    .pipe(envPublicUrl()),
  /** Overrides the issuer (token `iss`, discovery and JWKS base) so that local-idp can stand in. */
  COGNITO_ISSUER: envPublicUrl().optional(),
  COGNITO_REGION: z.string().trim().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS region').optional(),
});

export type CognitoEnv = z.infer<typeof cognitoEnvSchema>;

/** Where the gateway and the resource servers find Cognito. */
export interface CognitoConfig {
  userPoolId: string;
  clientId: string;
  region: string;
  /** `iss` of Cognito tokens: `https://cognito-idp.<region>.amazonaws.com/<poolId>` unless overridden. */
  issuer: string;
  jwksUrl: string;
  /** Hosted UI base (`https://<domain>`): OAuth endpoints live under `/oauth2/`. */
  domain: string;
  authorizeUrl: string;
  tokenUrl: string;
  revokeUrl: string;
  userInfoUrl: string;
  logoutUrl: string;
}

/** Derives every Cognito URL from the four seed variables (plus the optional overrides). */
export function toCognitoConfig(env: CognitoEnv): CognitoConfig {
  const region = env.COGNITO_REGION ?? env.COGNITO_USER_POOL_ID.split('_')[0];
  const issuer = env.COGNITO_ISSUER ?? `https://cognito-idp.${region}.amazonaws.com/${env.COGNITO_USER_POOL_ID}`;
  const domain = env.COGNITO_DOMAIN;
  return {
    userPoolId: env.COGNITO_USER_POOL_ID,
    clientId: env.COGNITO_CLIENT_ID,
    region,
    issuer,
    jwksUrl: `${issuer}/.well-known/jwks.json`,
    domain,
    authorizeUrl: `${domain}/oauth2/authorize`,
    tokenUrl: `${domain}/oauth2/token`,
    revokeUrl: `${domain}/oauth2/revoke`,
    userInfoUrl: `${domain}/oauth2/userInfo`,
    logoutUrl: `${domain}/logout`,
  };
}
