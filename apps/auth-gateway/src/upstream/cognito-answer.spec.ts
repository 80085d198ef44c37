import { parseRetryAfter, readCognitoAnswer } from './cognito-answer';

const answer = (status: number, body: string, headers: Record<string, string> = {}) => new Response(body, { status, headers });

describe('what an answer of Cognito means (a decision, or an outage)', () => {
  it('an RFC 6749 §5.2 error is a decision; invalid_grant ends the session', async () => {
    expect(await readCognitoAnswer(answer(400, '{"error":"invalid_grant"}'), true)).toEqual({ kind: 'rejected', error: 'invalid_grant', status: 400 });
    expect(await readCognitoAnswer(answer(401, '{"error":"invalid_client"}'), false)).toEqual({ kind: 'rejected', error: 'invalid_client', status: 401 });
    expect(await readCognitoAnswer(answer(400, '{"error":"invalid_request"}'), false)).toMatchObject({ kind: 'rejected', error: 'invalid_request' });
  });

  it.each([
    ['a throttle sent as 400 TooManyRequestsException (AWS error body)', answer(400, '{"__type":"TooManyRequestsException","message":"Rate exceeded"}')],
    ['a throttle named only in x-amzn-ErrorType', answer(400, '', { 'x-amzn-ErrorType': 'TooManyRequestsException:http://internal.amazon.com/' })],
    ['an OAuth-looking throttle', answer(400, '{"error":"TooManyRequestsException"}')],
    ['429', answer(429, '{"message":"Too Many Requests"}')],
    ['an HTML 503', answer(503, '<html><body>503</body></html>', { 'content-type': 'text/html' })],
    ['a 4xx that is not an OAuth answer', answer(403, '<html>Forbidden</html>')],
    ['a 200 without tokens', answer(200, '{}')],
  ])('%s is an outage', async (_name, res) => {
    expect((await readCognitoAnswer(res, true)).kind).toBe('unavailable');
  });

  it('only HTTP 200 is a success, and for the token endpoint only with an access_token', async () => {
    expect((await readCognitoAnswer(answer(200, ''), false)).kind).toBe('ok');
    expect((await readCognitoAnswer(answer(200, '{"access_token":"a","token_type":"Bearer","expires_in":3600}'), true)).kind).toBe('ok');
    expect((await readCognitoAnswer(new Response(null, { status: 204 }), false)).kind).not.toBe('ok');
  });

  it("keeps Cognito's Retry-After, bounded to 1-60 s (RFC 9110 §10.2.3: seconds or an HTTP-date)", async () => {
    expect(await readCognitoAnswer(answer(429, '', { 'retry-after': '7' }), true)).toMatchObject({ retryAfterSeconds: 7 });
    expect(parseRetryAfter('0')).toBe(1);
    expect(parseRetryAfter('3600')).toBe(60);
    expect(parseRetryAfter(new Date(Date.now() + 10_500).toUTCString())).toBeGreaterThanOrEqual(9);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(null)).toBeUndefined();
  });
});
