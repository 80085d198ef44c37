import { loadConfig, LocalIdpConfigError } from './config';
import { consoleLogger as log } from './log';
import { createLocalIdp } from './server';

/** Entry point: parse the environment once, start, print where to find everything, stop on SIGINT/SIGTERM. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (err instanceof LocalIdpConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }

  const idp = await createLocalIdp(config, { log });
  log.info(`hosted domain ${idp.url} (bound to ${config.host})`);
  log.info(
    `issuer ${idp.issuer}${idp.issuerBaseUrl === idp.url ? ' (same origin as the hosted domain)' : ' (its own origin, as cognito-idp.<region>.amazonaws.com)'}`,
  );
  log.info(`discovery ${idp.issuer}/.well-known/openid-configuration`);
  log.info(
    `clients: ${config.clients.map((c) => `${c.clientId}${c.clientSecret ? '' : ' (public)'}`).join(', ')}`,
  );
  log.info(
    `dev users (passwords in ${config.usersFile}): ` +
      idp.users.users
        .map(
          (u) =>
            `${isUuid(u.username) ? `${u.email} (username ${u.username})` : u.username}${u.groups.length ? ` [${u.groups.join(',')}]` : ''}`,
        )
        .join(', '),
  );
  log.info(
    `token TTLs: access ${config.accessTokenTtl}s, id ${config.idTokenTtl}s, refresh ${config.refreshTokenTtl}s, ` +
      `refresh token rotation ${config.rotateRefreshTokens ? `on (grace ${config.refreshTokenGraceSeconds}s)` : 'off'}`,
  );
  log.info(
    `Basic client credentials decoded as ${config.basicAuth === 'cognito' ? 'Cognito does (not URL-decoded)' : 'RFC 6749 2.3.1 (URL-decoded)'}; ` +
      `token revocation ${config.clients.every((c) => c.enableTokenRevocation) ? 'enabled' : 'disabled for some clients'}`,
  );

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log.info(`${signal} received, shutting down`);
    // Hard stop if something keeps the server open far longer than the graceful close allows.
    setTimeout(() => process.exit(1), 5000).unref();
    idp.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

function isUuid(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(
    value,
  );
}

main().catch((err: Error) => {
  process.stderr.write(`local-idp failed to start: ${err.message}\n`);
  process.exit(1);
});
