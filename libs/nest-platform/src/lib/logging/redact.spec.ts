import { Writable } from 'node:stream';
import pino from 'pino';
import { isSecretKey, redactErrorFields, redactSecrets, redactUrl, REDACTED } from './redact';

describe('secrets never reach the logs (docs/architecture.md#invariants)', () => {
  it.each(['authorization', 'Authorization', 'cookie', 'set-cookie', 'code', 'code_verifier', 'client_secret', 'refresh_token', 'access_token', 'id_token', 'cognito_token', 'cognitoToken', 'password', 'state', 'token'])(
    '%s is a secret key',
    (key) => expect(isSecretKey(key)).toBe(true),
  );

  it.each(['client_id', 'sub', 'grant_id', 'event', 'scope', 'redirect_uri', 'codec', 'status'])('%s is not', (key) => expect(isSecretKey(key)).toBe(false));

  it('redacts nested values but keeps the shape and non-secret fields', () => {
    const out = redactSecrets({ event: 'token.issued', client_id: 'c1', body: { refresh_token: 'r', code: 'abc', list: [{ access_token: 'a' }] } });
    expect(out).toEqual({ event: 'token.issued', client_id: 'c1', body: { refresh_token: REDACTED, code: REDACTED, list: [{ access_token: REDACTED }] } });
  });

  it('never modifies what it is given, and hands back a line with nothing secret as it is (no copy per log line)', () => {
    const given = { event: 'a', before: { x: 1 }, body: { ok: 1, token: 't', list: ['s', { password: 'p' }] }, after: [1, 2] };
    const snapshot = structuredClone(given);
    const out = redactSecrets(given);
    expect(given).toEqual(snapshot);
    expect(out).toEqual({ event: 'a', before: { x: 1 }, body: { ok: 1, token: REDACTED, list: ['s', { password: REDACTED }] }, after: [1, 2] });
    // Only what leads to a secret is copied; the untouched branches are shared.
    expect(out).not.toBe(given);
    expect(out.before).toBe(given.before);
    expect(out.after).toBe(given.after);
    const clean = { req: { id: 'r', method: 'POST', url: '/mcp' }, res: { statusCode: 200 }, responseTime: 1, sub: 'u' };
    expect(redactSecrets(clean)).toBe(clean);
    // An empty or absent secret is not replaced (nothing to hide).
    const empty = { token: '', password: undefined };
    expect(redactSecrets(empty)).toBe(empty);
  });

  it('does not walk class instances (requests, sockets) and is bounded in depth', () => {
    class Req {
      token = 'x';
    }
    const req = new Req();
    expect(redactSecrets({ req }).req).toBe(req);
    const deep: Record<string, unknown> = {};
    let cur = deep;
    for (let i = 0; i < 50; i++) cur = (cur['n'] = {}) as Record<string, unknown>;
    expect(() => redactSecrets(deep)).not.toThrow();
  });

  it('redacts secret query parameters in URLs (the callback carries the code)', () => {
    expect(redactUrl('/callback?code=abc123&state=s3cr3t&x=1')).toBe('/callback?code=[redacted]&state=[redacted]&x=1');
    expect(redactUrl('/health')).toBe('/health');
    expect(redactUrl('/authorize?client_id=c&code_challenge=ch')).toBe('/authorize?client_id=c&code_challenge=ch');
  });

  it('a pino logger with the formatter writes no secret', () => {
    const { lines, sink } = lineSink();
    const logger = pino({ formatters: { log: (o: Record<string, unknown>) => redactSecrets(o) } }, sink);
    logger.info({ event: 'x', refresh_token: 'rt-SECRET', nested: { client_secret: 'cs-SECRET', authorization: 'Bearer at-SECRET' } }, 'hello');
    expect(lines.join('')).not.toMatch(/SECRET/);
    expect(lines.join('')).toContain('"event":"x"');
  });

  it('errors: own fields are redacted (an HTTP client error with request headers), message, stack and error code kept', () => {
    const { lines, sink } = lineSink();
    const err = Object.assign(new Error('upstream refused'), {
      code: 'ECONNRESET',
      config: { url: 'https://idp.example/oauth2/token', headers: { Authorization: 'Basic Y2xpZW50OlNFQ1JFVA==' } },
      refresh_token: 'rt-SECRET',
    });
    const logger = pino(
      { serializers: { err: (e: Error) => redactErrorFields(pino.stdSerializers.err(e)) }, formatters: { log: (o: Record<string, unknown>) => redactSecrets(o) } },
      sink,
    );
    logger.error({ err }, 'failed');
    const line = JSON.parse(lines.join('')) as { err: Record<string, unknown> };
    expect(lines.join('')).not.toMatch(/SECRET|Y2xpZW50/);
    expect(line.err).toMatchObject({ type: 'Error', message: 'upstream refused', code: 'ECONNRESET', refresh_token: REDACTED });
    expect(line.err['stack']).toContain('upstream refused');
  });
});

/** A stream a real pino logger writes to, keeping every line. */
function lineSink(): { lines: string[]; sink: Writable } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  return { lines, sink };
}
