import { accessTokenClaims, eventIdFor, userInfoClaims } from '../src/claims';
import type { DevUser } from '../src/users';
import { UserDirectory } from '../src/users';
import { escapeHtml } from '../src/views/escape';
import { renderLogin } from '../src/views/login';

const alice: DevUser = {
  sub: '6f1c2d3e-4a5b-4c6d-8e7f-0a1b2c3d4e5f',
  username: 'alice',
  email: 'alice@example.com',
  emailVerified: true,
  password: 'pw',
  groups: ['admins'],
};

describe('Cognito claim shapes', () => {
  it('access token claims have no aud and carry version 2, token_use and username', () => {
    const claims = accessTokenClaims({
      user: alice,
      issuer: 'http://x/pool_1',
      clientId: 'c',
      grantId: 'g',
      scope: 'openid mcp-server/read',
      authTime: 1,
      iat: 2,
      exp: 3,
    });
    expect(claims).not.toHaveProperty('aud');
    expect(claims).toMatchObject({
      version: 2,
      token_use: 'access',
      username: 'alice',
      'cognito:groups': ['admins'],
    });
  });

  it('event_id is a stable UUID per grant', () => {
    expect(eventIdFor('g1')).toBe(eventIdFor('g1'));
    expect(eventIdFor('g1')).not.toBe(eventIdFor('g2'));
    expect(eventIdFor('g1')).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });

  it('userInfo returns attributes as strings, like Cognito', () => {
    expect(userInfoClaims(alice, new Set(['openid', 'email']))).toEqual({
      sub: alice.sub,
      email_verified: 'true',
      email: 'alice@example.com',
      username: 'alice',
    });
  });
});

describe('Dev users', () => {
  it('load from the checked-in file: alice in admins, bob without groups', () => {
    const users = UserDirectory.fromFile(`${__dirname}/../dev-users.json`);
    expect(users.authenticate('alice', 'alice-dev-password')?.groups).toEqual([
      'admins',
    ]);
    expect(users.authenticate('BOB', 'bob-dev-password')?.groups).toEqual([]);
    expect(users.authenticate('alice', 'wrong')).toBeUndefined();
    expect(users.authenticate('nobody', 'alice-dev-password')).toBeUndefined();
  });
});

describe('HTML escaping of everything echoed', () => {
  it('escapes markup and quotes', () => {
    expect(escapeHtml(`<a href="x" onclick='y'>&`)).toBe(
      '&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;',
    );
    const html = renderLogin({
      action: '/login?a=1&b="2"',
      csrf: 'c',
      clientId: '<c>',
      username: '"><b>',
      error: '<i>',
    });
    expect(html).not.toMatch(/<b>|<i>|<c>/);
    expect(html).toContain('action="/login?a=1&amp;b=&quot;2&quot;"');
  });
});
