import { Match, Template } from 'aws-cdk-lib/assertions';
import { secretName, ssmName } from '../src/config/names';
import { buildTestApp, PROD_OVERRIDES, resourcesOf } from './helpers';

describe('security stack: Cognito and the secrets', () => {
  let dev: Template;
  let prod: Template;

  beforeAll(() => {
    dev = Template.fromStack(buildTestApp('dev').security);
    prod = Template.fromStack(buildTestApp('prod').security);
  });

  it('user pool: no self sign-up by default, strong password policy, MFA and feature plan per stage', () => {
    dev.hasResourceProperties('AWS::Cognito::UserPool', {
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      Policies: {
        PasswordPolicy: Match.objectLike({ MinimumLength: 12, RequireLowercase: true, RequireUppercase: true, RequireNumbers: true, RequireSymbols: true }),
      },
      MfaConfiguration: 'OPTIONAL',
      UserPoolTier: 'ESSENTIALS',
    });
    prod.hasResourceProperties('AWS::Cognito::UserPool', {
      MfaConfiguration: 'ON',
      UserPoolTier: 'PLUS',
      UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' },
      DeletionProtection: 'ACTIVE',
    });
  });

  it('resource server mcp-server with read and write scopes; hosted domain', () => {
    dev.hasResourceProperties('AWS::Cognito::UserPoolResourceServer', {
      Identifier: 'mcp-server',
      Scopes: [Match.objectLike({ ScopeName: 'read' }), Match.objectLike({ ScopeName: 'write' })],
    });
    dev.hasResourceProperties('AWS::Cognito::UserPoolDomain', { Domain: 'mcp-cognito-dev' });
    prod.hasResourceProperties('AWS::Cognito::UserPoolDomain', { Domain: PROD_OVERRIDES.cognitoDomainPrefix });
  });

  it('gateway app client: confidential, authorization code only (no implicit), the five scopes, /callback, revocation, no user-existence errors', () => {
    const [, client] = resourcesOf(dev, 'AWS::Cognito::UserPoolClient')[0];
    const p = client.Properties;
    expect(p['GenerateSecret']).toBe(true);
    expect(p['AllowedOAuthFlows']).toEqual(['code']);
    expect(p['AllowedOAuthFlowsUserPoolClient']).toBe(true);
    expect(p['PreventUserExistenceErrors']).toBe('ENABLED');
    expect(p['EnableTokenRevocation']).toBe(true);
    expect(p['ExplicitAuthFlows']).toEqual(['ALLOW_REFRESH_TOKEN_AUTH']);
    expect(p['SupportedIdentityProviders']).toEqual(['COGNITO']);
    const scopes = JSON.stringify(p['AllowedOAuthScopes']);
    for (const s of ['openid', 'email', 'profile', '/read', '/write']) expect(scopes).toContain(s);
    // dev has no custom domain: the callback is <CloudFront base URL from SSM>/callback
    expect(JSON.stringify(p['CallbackURLs'])).toMatch(/"\/callback"\]/);
    expect(JSON.stringify(p['CallbackURLs'])).toContain('networkpublicbaseurl');
    const [, prodClient] = resourcesOf(prod, 'AWS::Cognito::UserPoolClient')[0];
    // a custom domain (prod): callback and logout on it, fixed in the template
    expect(prodClient.Properties['CallbackURLs']).toEqual([`https://${PROD_OVERRIDES.domainName}/callback`]);
    expect(prodClient.Properties['LogoutURLs']).toEqual([`https://${PROD_OVERRIDES.domainName}/consent/signed-out`]);
    expect(prodClient.Properties['AccessTokenValidity']).toBe(60);
  });

  it('auth flows valid for both refresh-token modes: rotation off keeps ALLOW_REFRESH_TOKEN_AUTH, rotation on must not have it', () => {
    const [, off] = resourcesOf(dev, 'AWS::Cognito::UserPoolClient')[0];
    expect(off.Properties['RefreshTokenRotation']).toBeUndefined();
    expect(off.Properties['ExplicitAuthFlows']).toEqual(['ALLOW_REFRESH_TOKEN_AUTH']);

    const rotating = Template.fromStack(buildTestApp('dev', { overrides: { refreshTokenRotationGraceSeconds: 60 } }).security);
    const [, on] = resourcesOf(rotating, 'AWS::Cognito::UserPoolClient')[0];
    expect(on.Properties['RefreshTokenRotation']).toEqual({ Feature: 'ENABLED', RetryGracePeriodSeconds: 60 });
    // Cognito: refresh-token rotation is incompatible with REFRESH_TOKEN_AUTH; the token endpoint needs no explicit flow.
    expect(on.Properties['ExplicitAuthFlows']).not.toContain('ALLOW_REFRESH_TOKEN_AUTH');
    expect(on.Properties['ExplicitAuthFlows']).toEqual(['ALLOW_USER_SRP_AUTH']);
    expect(() => buildTestApp('dev', { overrides: { refreshTokenRotationGraceSeconds: 61 } })).toThrow(/0 to 60/);
  });

  it('the registered logout URL is the page the gateway serves for Cognito /logout to return to', () => {
    const [, client] = resourcesOf(dev, 'AWS::Cognito::UserPoolClient')[0];
    expect(JSON.stringify(client.Properties['LogoutURLs'])).toMatch(/"\/consent\/signed-out"\]/);
  });

  it('the client secret goes to Secrets Manager from a custom resource, never as a literal', () => {
    dev.hasResourceProperties('AWS::SecretsManager::Secret', {
      Name: secretName('dev', 'cognitoClientSecret'),
      SecretString: { 'Fn::GetAtt': [Match.stringLikeRegexp('DescribeCognitoUserPoolClient'), 'UserPoolClient.ClientSecret'] },
    });
  });

  it('key secrets hold no key material in the template: generated placeholders (JWK sets) or generated values (cookie)', () => {
    for (const key of ['gatewaySigningKeys', 'tokenEncryptionKeys', 'storageEncryptionKeys', 'cookieSecret', 'refreshTokenKeys'] as const) {
      const [[, secret]] = resourcesOf(dev, 'AWS::SecretsManager::Secret').filter(([, r]) => r.Properties['Name'] === secretName('dev', key));
      expect(secret.Properties['SecretString']).toBeUndefined();
      expect(secret.Properties['GenerateSecretString']).toBeDefined();
    }
  });

  it('publishes ids and secret ARNs for the service stacks in SSM', () => {
    for (const key of ['userPoolId', 'userPoolClientId', 'cognitoDomainUrl', 'cognitoClientSecretArn', 'tokenEncryptionKeysSecretArn'] as const) {
      dev.hasResourceProperties('AWS::SSM::Parameter', { Name: ssmName('dev', key) });
    }
  });
});
