import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import type { CloudTrailApiCallEvent } from '../src/functions/offboarding/cognito-event';

export const POOL = 'eu-west-1_AbCdEfGhI';

/**
 * A Cognito user-pool endpoint on loopback that answers AdminGetUser the way Cognito does (AWS JSON 1.1: the
 * `X-Amz-Target` header, `__type` on errors): the real SDK client and the real directory code run against it; only
 * the user pool itself is a stand-in (its users are the map below).
 */
export class LoopbackCognito {
  readonly users = new Map<string, string>(); // username (lowercase) -> sub
  calls = 0;
  failing = false;
  private server!: Server;
  endpoint = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        this.calls++;
        const answer = (status: number, json: unknown) => {
          res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify(json));
        };
        if (req.headers['x-amz-target'] !== 'AWSCognitoIdentityProviderService.AdminGetUser') return answer(400, { __type: 'InvalidAction' });
        if (this.failing) return answer(500, { __type: 'InternalErrorException', message: 'outage' });
        const { UserPoolId, Username } = JSON.parse(body) as { UserPoolId: string; Username: string };
        const sub = UserPoolId === POOL ? this.users.get(Username.toLowerCase()) : undefined;
        if (!sub) return answer(400, { __type: 'UserNotFoundException', message: 'User does not exist.' });
        return answer(200, { Username, Enabled: false, UserStatus: 'CONFIRMED', UserAttributes: [{ Name: 'sub', Value: sub }, { Name: 'email', Value: `${Username}@example.com` }] });
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.endpoint = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}


/** A CloudTrail record of a Cognito API call as EventBridge delivers it (only the fields the function reads, and a few more). */
export function cloudTrailEvent(eventName: string, requestParameters: Record<string, unknown> | null, extra: Record<string, unknown> = {}): CloudTrailApiCallEvent {
  return {
    id: randomUUID(),
    source: 'aws.cognito-idp',
    'detail-type': 'AWS API Call via CloudTrail',
    detail: {
      eventSource: 'cognito-idp.amazonaws.com',
      eventName,
      eventID: randomUUID(),
      eventTime: new Date().toISOString(),
      requestParameters: requestParameters as never,
      userIdentity: { type: 'AssumedRole', arn: 'arn:aws:sts::123456789012:assumed-role/ops/alice' },
      ...extra,
    },
  };
}

