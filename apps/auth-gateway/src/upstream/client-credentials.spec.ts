import { CognitoClientCredentials } from './client-credentials';

describe('Cognito client authentication: Basic Base64(client_id:client_secret), values as they are', () => {
  it('does not URL-encode (RFC 6749 §2.3.1 would; Cognito does not decode)', () => {
    const c = new CognitoClientCredentials('abc123', ['Ab+cd/ef=gh']);
    expect(Buffer.from(c.basicHeader(0).slice('Basic '.length), 'base64').toString('utf8')).toBe('abc123:Ab+cd/ef=gh');
  });

  it('tries the preferred secret first and keeps whichever Cognito accepted', () => {
    const c = new CognitoClientCredentials('abc123', ['new', 'old']);
    expect(c.order()).toEqual([0, 1]);
    expect(c.accepted(1)).toBe(true);
    expect(c.order()).toEqual([1, 0]);
    expect(c.accepted(1)).toBe(false);
    expect(() => new CognitoClientCredentials('abc123', [])).toThrow();
  });
});
