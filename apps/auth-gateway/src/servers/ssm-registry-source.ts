import { GetParametersByPathCommand, SSMClient } from '@aws-sdk/client-ssm';
import { parseMcpServerRegistration, type McpServerRegistration } from '@mcp-cognito/contracts';

/** At most this many pages of parameters per read (10 per page: 500 servers), so a read is bounded. */
const MAX_PAGES = 50;

/** What one read of the registry path found: the valid registrations, and why the others were skipped. */
export interface RegistryRead {
  servers: McpServerRegistration[];
  skipped: Array<{ parameter: string; reason: string }>;
}

/**
 * The run-time registry in AWS: every MCP server's own stack publishes its registration as one String parameter under
 * one path (`/mcp-cognito/<stage>/mcp-servers/<name>`), and the gateway reads the path. A parameter that is not a
 * valid registration is skipped and reported (one team's mistake must not take the other servers down).
 */
export class SsmRegistrySource {
  private readonly client: SSMClient;

  constructor(
    private readonly path: string,
    options: { region?: string; timeoutMs?: number; client?: SSMClient } = {},
  ) {
    this.client =
      options.client ??
      new SSMClient({
        region: options.region,
        maxAttempts: 2,
        requestHandler: { connectionTimeout: 1000, requestTimeout: options.timeoutMs ?? 3000, throwOnRequestTimeout: true },
      });
  }

  async read(): Promise<RegistryRead> {
    const servers: McpServerRegistration[] = [];
    const skipped: RegistryRead['skipped'] = [];
    let nextToken: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const out = await this.client.send(new GetParametersByPathCommand({ Path: this.path, Recursive: false, NextToken: nextToken }));
      for (const parameter of out.Parameters ?? []) {
        const name = parameter.Name ?? '(unnamed)';
        try {
          const registration = parseMcpServerRegistration(JSON.parse(parameter.Value ?? ''), name);
          if (name.slice(this.path.length) !== registration.name) throw new Error(`the parameter must be named ${this.path}${registration.name}`);
          servers.push(registration);
        } catch (error) {
          skipped.push({ parameter: name, reason: error instanceof Error ? error.message : 'not a registration' });
        }
      }
      nextToken = out.NextToken;
      if (!nextToken) break;
    }
    return { servers, skipped };
  }
}
