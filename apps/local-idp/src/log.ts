/**
 * Minimal line logger. Request lines carry method, path (never the query string: it can hold codes and
 * state), status and duration - never bodies, cookies or Authorization headers.
 */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export const consoleLogger: Logger = {
  info: (m) =>
    process.stdout.write(`${new Date().toISOString()} local-idp ${m}\n`),
  warn: (m) =>
    process.stderr.write(`${new Date().toISOString()} local-idp WARN ${m}\n`),
  error: (m) =>
    process.stderr.write(`${new Date().toISOString()} local-idp ERROR ${m}\n`),
};

export const silentLogger: Logger = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
