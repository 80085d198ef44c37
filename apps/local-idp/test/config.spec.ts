import { loadConfig, LocalIdpConfigError } from '../src/config';

describe('Configuration is parsed once from the environment, all problems reported together', () => {
  it('has working defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      host: '127.0.0.1',
      port: 9000,
      baseUrl: 'http://127.0.0.1:9000',
      userPoolId: 'local_devpool',
      accessTokenTtl: 3600,
      idTokenTtl: 3600,
      refreshTokenTtl: 30 * 24 * 3600,
      rotateRefreshTokens: false,
    });
    expect(config.usersFile).toMatch(/dev-users\.json$/);
    expect(config.clients).toHaveLength(1);
    expect(config.signingJwks).toBeUndefined();
  });

  it('builds the confidential client from COGNITO_CLIENT_ID, COGNITO_CLIENT_SECRET and LOCAL_IDP_REDIRECT_URIS', () => {
    const config = loadConfig({
      COGNITO_CLIENT_ID: 'abc123',
      COGNITO_CLIENT_SECRET: 's3cret',
      LOCAL_IDP_REDIRECT_URIS:
        'http://127.0.0.1:3000/callback, https://gw.example.com/callback',
      LOCAL_IDP_ROTATE_REFRESH_TOKENS: 'true',
      LOCAL_IDP_BASE_URL: 'http://localhost:9000/',
    });
    expect(config.clients).toEqual([
      expect.objectContaining({
        clientId: 'abc123',
        clientSecret: 's3cret',
        redirectUris: [
          'http://127.0.0.1:3000/callback',
          'https://gw.example.com/callback',
        ],
      }),
    ]);
    expect(config.rotateRefreshTokens).toBe(true);
    expect(config.baseUrl).toBe('http://localhost:9000');
  });

  it('accepts several clients as LOCAL_IDP_CLIENTS JSON, public ones included', () => {
    const config = loadConfig({
      LOCAL_IDP_CLIENTS: JSON.stringify([
        {
          clientId: 'one',
          clientSecret: 'x',
          redirectUris: ['http://localhost:1/cb'],
        },
        {
          clientId: 'two',
          redirectUris: ['https://two.example/cb'],
          scopes: ['openid'],
        },
      ]),
    });
    expect(
      config.clients.map((c) => [c.clientId, c.clientSecret, c.scopes.length]),
    ).toEqual([
      ['one', 'x', 5],
      ['two', undefined, 1],
    ]);
  });

  it('reports every invalid variable in one error', () => {
    let error: unknown;
    try {
      loadConfig({
        LOCAL_IDP_PORT: '70000',
        LOCAL_IDP_BASE_URL: 'ftp://x/y',
        COGNITO_USER_POOL_ID: 'nope',
        LOCAL_IDP_ACCESS_TOKEN_TTL: '-1',
        LOCAL_IDP_ROTATE_REFRESH_TOKENS: 'maybe',
        LOCAL_IDP_CLIENTS: '[{',
        LOCAL_IDP_SIGNING_JWKS: JSON.stringify({
          keys: [{ kty: 'EC', crv: 'P-256', x: 'a', y: 'b', d: 'c' }],
        }),
        LOCAL_IDP_COOKIE_KEYS: 'short',
      });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(LocalIdpConfigError);
    const message = (error as Error).message;
    for (const name of [
      'LOCAL_IDP_PORT',
      'LOCAL_IDP_BASE_URL',
      'COGNITO_USER_POOL_ID',
      'LOCAL_IDP_ACCESS_TOKEN_TTL',
      'LOCAL_IDP_ROTATE_REFRESH_TOKENS',
      'LOCAL_IDP_CLIENTS',
      'LOCAL_IDP_SIGNING_JWKS',
      'LOCAL_IDP_COOKIE_KEYS',
    ]) {
      expect(message).toContain(name);
    }
    expect(message).toContain('only RSA keys');
  });

  it('requires the secret and redirect URIs when COGNITO_CLIENT_ID is set, and refuses http on other hosts', () => {
    expect(() => loadConfig({ COGNITO_CLIENT_ID: 'abc' })).toThrow(
      /COGNITO_CLIENT_SECRET[\s\S]*LOCAL_IDP_REDIRECT_URIS/,
    );
    expect(() =>
      loadConfig({
        COGNITO_CLIENT_ID: 'abc',
        COGNITO_CLIENT_SECRET: 'x',
        LOCAL_IDP_REDIRECT_URIS: 'http://gw.example/cb',
      }),
    ).toThrow(/non-loopback/);
  });

  it('treats empty variables as unset', () => {
    expect(
      loadConfig({ LOCAL_IDP_PORT: '', COGNITO_USER_POOL_ID: ' ' }).port,
    ).toBe(9000);
  });
});
