import { parseArgs } from 'node:util';
import { DEFAULT_COVER_SECONDS, revokeUser, type RevokeUserOptions } from './revoke-user.command';

export const USAGE = `usage: npm run admin -- revoke-user --user <username|sub> [--table <name>] [--region <region>] [--endpoint <url>]
                                   [--cover-seconds <n>] [--operator <name>]

  revoke-user   end every grant of a user and refuse their access tokens at every MCP server (within ~5 s)
  --user        a Cognito username (any case) or sub
  --table       DynamoDB table (default: $DYNAMODB_TABLE or mcp-cognito)
  --region      AWS region (default: $AWS_REGION or us-east-1); credentials: the AWS SDK's default chain
  --endpoint    a local DynamoDB (default: $DYNAMODB_ENDPOINT; unset = AWS)
  --cover-seconds  how long the revocation entries live (default ${DEFAULT_COVER_SECONDS}: the longest ACCESS_TOKEN_TTL + 300 s)
  --operator    who runs it, for the audit event (default: $USER)`;

/** Parses argv (after `node main.js`) into the command's options, or a usage error. */
export function parseCommand(argv: string[], env: NodeJS.ProcessEnv): { command: 'revoke-user'; options: RevokeUserOptions } | { error: string } {
  const [command, ...rest] = argv;
  if (command !== 'revoke-user') return { error: command ? `unknown command ${command}` : 'no command' };
  let values: Record<string, string | undefined>;
  try {
    values = parseArgs({
      args: rest,
      options: { user: { type: 'string' }, table: { type: 'string' }, region: { type: 'string' }, endpoint: { type: 'string' }, 'cover-seconds': { type: 'string' }, operator: { type: 'string' } },
      strict: true,
    }).values as Record<string, string | undefined>;
  } catch (error) {
    return { error: (error as Error).message };
  }
  const user = values['user']?.trim();
  if (!user) return { error: '--user is required' };
  const cover = values['cover-seconds'] === undefined ? DEFAULT_COVER_SECONDS : Number(values['cover-seconds']);
  if (!Number.isInteger(cover) || cover < 60) return { error: '--cover-seconds must be a whole number >= 60' };
  return {
    command: 'revoke-user',
    options: {
      user,
      table: values['table'] ?? env['DYNAMODB_TABLE'] ?? 'mcp-cognito',
      region: values['region'] ?? env['AWS_REGION'] ?? 'us-east-1',
      endpoint: values['endpoint'] ?? env['DYNAMODB_ENDPOINT'],
      coverSeconds: cover,
      operator: values['operator'] ?? env['USER'] ?? 'unknown',
    },
  };
}

/** Runs the CLI; returns the exit code. Output: the audit record as one JSON line (stdout), messages on stderr. */
export async function main(argv: string[], env: NodeJS.ProcessEnv, out: (line: string) => void, err: (line: string) => void): Promise<number> {
  const parsed = parseCommand(argv, env);
  if ('error' in parsed) {
    err(`${parsed.error}\n\n${USAGE}`);
    return 2;
  }
  try {
    const report = await revokeUser(parsed.options);
    out(JSON.stringify({ time: new Date().toISOString(), level: 'warn', ...report }));
    if (report.users.length === 0) {
      err(`no grants found for "${parsed.options.user}" and it is not a sub: nothing revoked`);
      return 1;
    }
    err(
      `revoked: ${report.users.map((u) => `${u.sub} (${u.grants} grant(s))`).join(', ')}. Their Cognito sessions are not ended by this command: ` +
        'run `aws cognito-idp admin-user-global-sign-out` (or disable the user) as well.',
    );
    return 0;
  } catch (error) {
    err(`failed: ${(error as Error).name}: ${(error as Error).message}`);
    return 1;
  }
}
