import type { ServerResponse } from 'node:http';
import { z } from 'zod';

/**
 * Faults injected at `/oauth2/token` and `/oauth2/revoke` (dev API `POST /__local-idp/faults`), each the way real
 * Cognito answers it:
 * - `throttle`: HTTP 400 with the AWS error type `TooManyRequestsException` (refresh grants consume the account's
 *   UserAuthentication quota, https://docs.aws.amazon.com/cognito/latest/developerguide/quotas.html), which is
 *   not an OAuth error at all;
 * - `too-many-requests`: HTTP 429 with `Retry-After`;
 * - `unavailable`: HTTP 503 with an HTML body (what a load balancer in front of a service shows);
 * - `slow`: the real answer, after `delayMs`.
 */
export const faultSchema = z
  .object({
    endpoint: z.enum(['token', 'revoke']),
    kind: z.enum(['throttle', 'too-many-requests', 'unavailable', 'slow']),
    /** How many requests it hits; then it is gone. */
    times: z.number().int().min(1).max(10_000).default(1),
    delayMs: z.number().int().min(0).max(120_000).default(0),
    retryAfterSeconds: z.number().int().min(0).max(3600).default(1),
  })
  .strict();

export type Fault = z.infer<typeof faultSchema>;
export type FaultEndpoint = Fault['endpoint'];

/** The faults waiting for requests, oldest first. */
export class FaultPlan {
  private readonly queued: Fault[] = [];

  add(fault: Fault): void {
    this.queued.push({ ...fault });
  }

  clear(): void {
    this.queued.length = 0;
  }

  list(): Fault[] {
    return this.queued.map((f) => ({ ...f }));
  }

  /** The next fault for this endpoint, counted as used. */
  take(endpoint: FaultEndpoint): Fault | undefined {
    const i = this.queued.findIndex((f) => f.endpoint === endpoint);
    if (i < 0) return undefined;
    const fault = this.queued[i] as Fault;
    fault.times -= 1;
    if (fault.times <= 0) this.queued.splice(i, 1);
    return { ...fault };
  }
}

const UNAVAILABLE_PAGE =
  '<html>\r\n<head><title>503 Service Temporarily Unavailable</title></head>\r\n' +
  '<body>\r\n<center><h1>503 Service Temporarily Unavailable</h1></center>\r\n</body>\r\n</html>\r\n';

/**
 * Plays a fault. Returns true when it answered the request; false when the request should go on (after a delay
 * for `slow`).
 */
export async function playFault(
  fault: Fault,
  res: ServerResponse,
): Promise<boolean> {
  switch (fault.kind) {
    case 'slow':
      // Then the real answer - even to a caller that gave up waiting: like a real server, the request takes effect.
      await new Promise((r) => setTimeout(r, fault.delayMs));
      return false;
    case 'throttle':
      send(
        res,
        400,
        'application/x-amz-json-1.1',
        JSON.stringify({
          __type: 'TooManyRequestsException',
          message: 'Rate exceeded',
        }),
        { 'x-amzn-ErrorType': 'TooManyRequestsException' },
      );
      return true;
    case 'too-many-requests':
      send(
        res,
        429,
        'application/json',
        JSON.stringify({ message: 'Too Many Requests' }),
        { 'Retry-After': String(fault.retryAfterSeconds) },
      );
      return true;
    case 'unavailable':
      send(res, 503, 'text/html', UNAVAILABLE_PAGE, {});
      return true;
  }
}

function send(
  res: ServerResponse,
  status: number,
  type: string,
  body: string,
  headers: Record<string, string>,
): void {
  res.writeHead(status, {
    'Content-Type': type,
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
    ...headers,
  });
  res.end(body);
}
