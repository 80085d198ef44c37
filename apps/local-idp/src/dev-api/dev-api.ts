import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { LocalIdpConfig } from '../config';
import type { ClientSecrets } from '../cognito/client-secrets';
import { faultSchema, type FaultPlan } from '../cognito/faults';
import type { SigningKeyRing } from '../keys';
import { sendJson } from '../routes/http';
import type { LocalIdpStats } from '../stats';

/** Every dev-only route lives below this prefix: Cognito has none of them. */
export const DEV_API_PREFIX = '/__local-idp';

export interface DevApiDeps {
  config: LocalIdpConfig;
  stats: LocalIdpStats;
  faults: FaultPlan;
  keys: SigningKeyRing;
  secrets: ClientSecrets;
}

const rotateSchema = z.object({ retire: z.boolean().default(false) }).strict();
const addSecretSchema = z
  .object({ ClientSecret: z.string().optional() })
  .strict();
const updateClientSchema = z
  .object({ EnableTokenRevocation: z.boolean().optional() })
  .strict();

/**
 * The dev API: what tests need to observe local-idp and to change it at run time the way an operator changes a
 * real user pool (the Cognito API action each route plays is named). Loopback only, like the rest of local-idp.
 *
 * | route | plays |
 * |---|---|
 * | `GET /__local-idp/health` | - (container health check) |
 * | `GET /__local-idp/stats` | - (call counters) |
 * | `GET/POST/DELETE /__local-idp/faults` | throttling, outages, slowness of `/oauth2/token` and `/oauth2/revoke` |
 * | `POST /__local-idp/keys/rotate` | a signing-key rotation |
 * | `GET/POST /__local-idp/clients/<id>/secrets` | ListUserPoolClientSecrets / AddUserPoolClientSecret |
 * | `DELETE /__local-idp/clients/<id>/secrets/<secretId>` | DeleteUserPoolClientSecret |
 * | `PATCH /__local-idp/clients/<id>` | UpdateUserPoolClient (`EnableTokenRevocation`) |
 */
export function createDevApi(deps: DevApiDeps) {
  return async (
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
  ): Promise<void> => {
    const path = url.pathname.slice(DEV_API_PREFIX.length);
    const method = req.method ?? 'GET';
    try {
      if (path === '/health' && method === 'GET')
        return sendJson(res, 200, { status: 'ok' });
      if (path === '/stats' && method === 'GET')
        return sendJson(res, 200, deps.stats);
      if (path === '/faults') return await faults(req, res, method);
      if (path === '/keys/rotate' && method === 'POST') {
        const body = rotateSchema.parse(await readJson(req));
        return sendJson(res, 200, await deps.keys.rotate(body));
      }
      const client = /^\/clients\/([^/]+)(\/secrets(?:\/([^/]+))?)?$/.exec(
        path,
      );
      if (client) return await clients(req, res, method, client);
      return sendJson(res, 404, { message: 'no such dev API route' });
    } catch (err) {
      if (err instanceof z.ZodError || err instanceof SyntaxError)
        return sendJson(res, 400, {
          __type: 'InvalidParameterException',
          message:
            err instanceof z.ZodError ? z.prettifyError(err) : 'invalid JSON',
        });
      throw err;
    }
  };

  async function faults(
    req: IncomingMessage,
    res: ServerResponse,
    method: string,
  ): Promise<void> {
    if (method === 'GET') return sendJson(res, 200, deps.faults.list());
    if (method === 'DELETE') {
      deps.faults.clear();
      return sendJson(res, 200, []);
    }
    if (method === 'POST') {
      deps.faults.add(faultSchema.parse(await readJson(req)));
      return sendJson(res, 201, deps.faults.list());
    }
    res.writeHead(405, { Allow: 'GET, POST, DELETE' }).end();
  }

  async function clients(
    req: IncomingMessage,
    res: ServerResponse,
    method: string,
    match: RegExpExecArray,
  ): Promise<void> {
    const clientId = decodeURIComponent(match[1] as string);
    const client = deps.config.clients.find((c) => c.clientId === clientId);
    if (!client)
      return sendJson(res, 400, {
        __type: 'ResourceNotFoundException',
        message: 'No app client with this id.',
      });
    if (!match[2]) {
      if (method !== 'PATCH')
        return void res.writeHead(405, { Allow: 'PATCH' }).end();
      const body = updateClientSchema.parse(await readJson(req));
      if (body.EnableTokenRevocation !== undefined)
        client.enableTokenRevocation = body.EnableTokenRevocation;
      return sendJson(res, 200, {
        ClientId: client.clientId,
        EnableTokenRevocation: client.enableTokenRevocation,
      });
    }
    const secretId = match[3] ? decodeURIComponent(match[3]) : undefined;
    if (secretId !== undefined) {
      if (method !== 'DELETE')
        return void res.writeHead(405, { Allow: 'DELETE' }).end();
      const removed = deps.secrets.remove(clientId, secretId);
      return removed.ok
        ? sendJson(res, 200, {})
        : sendJson(res, 400, {
            __type: removed.error,
            message: removed.message,
          });
    }
    if (method === 'GET') {
      return sendJson(res, 200, {
        ClientSecrets: (deps.secrets.list(clientId) ?? []).map((s) => ({
          ClientSecretId: s.id,
          ClientSecretCreateDate: s.createdAt,
        })),
      });
    }
    if (method === 'POST') {
      const body = addSecretSchema.parse(await readJson(req));
      const added = deps.secrets.add(clientId, body.ClientSecret);
      if (!added.ok)
        return sendJson(res, 400, {
          __type: added.error,
          message: added.message,
        });
      return sendJson(res, 200, {
        ClientSecretDescriptor: {
          ClientSecretId: added.descriptor.id,
          // Like Cognito: the value comes back only when Cognito generated it.
          ...(added.generated
            ? { ClientSecretValue: added.descriptor.value }
            : {}),
          ClientSecretCreateDate: added.descriptor.createdAt,
        },
      });
    }
    res.writeHead(405, { Allow: 'GET, POST' }).end();
  }
}

/** A small JSON body (an empty body counts as `{}`). */
async function readJson(
  req: IncomingMessage,
  limit = 16 * 1024,
): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new SyntaxError('body too large');
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  return text === '' ? {} : JSON.parse(text);
}
