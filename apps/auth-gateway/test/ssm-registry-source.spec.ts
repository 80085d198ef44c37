import { SSMClient, type GetParametersByPathCommandOutput } from '@aws-sdk/client-ssm';
import { SsmRegistrySource } from '../src/servers/ssm-registry-source';

/**
 * SSM is not available on a build machine: the client's middleware stack answers GetParametersByPath the way SSM does
 * (pages with NextToken), so the real SDK command, pagination and parsing run.
 */
function ssmAnswering(pages: GetParametersByPathCommandOutput[]): { client: SSMClient; requests: Array<Record<string, unknown>> } {
  const client = new SSMClient({ region: 'eu-west-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  const requests: Array<Record<string, unknown>> = [];
  client.middlewareStack.add(
    () => async (args) => {
      requests.push(args.input as Record<string, unknown>);
      return { output: { ...pages[requests.length - 1]!, $metadata: {} } as never, response: {} };
    },
    { step: 'initialize', name: 'ssmAnswers' },
  );
  return { client, requests };
}

const PATH = '/mcp-cognito/prod/mcp-servers/';
const clock = { name: 'clock', title: 'Clock', path: '/clock/mcp', resource: 'https://mcp.example.com/clock/mcp', scopes: { 'clock/read': 'Read the time' } };

describe('SSM registry source: one parameter per server under the path', () => {
  it('reads every page, keeps valid registrations and skips (with a reason) what is not one', async () => {
    const { client, requests } = ssmAnswering([
      { Parameters: [{ Name: `${PATH}clock`, Value: JSON.stringify(clock) }, { Name: `${PATH}broken`, Value: '{not json' }], NextToken: 'n1', $metadata: {} },
      { Parameters: [{ Name: `${PATH}wrong-name`, Value: JSON.stringify(clock) }, { Name: `${PATH}notes`, Value: JSON.stringify({ ...clock, name: 'notes', path: '/other/mcp' }) }], $metadata: {} },
    ]);
    const read = await new SsmRegistrySource(PATH, { client }).read();
    expect(requests.map((r) => [r['Path'], r['NextToken']])).toEqual([
      [PATH, undefined],
      [PATH, 'n1'],
    ]);
    expect(read.servers.map((s) => s.name)).toEqual(['clock']);
    expect(read.skipped.map((s) => s.parameter)).toEqual([`${PATH}broken`, `${PATH}wrong-name`, `${PATH}notes`]);
    expect(read.skipped[1]!.reason).toMatch(/must be named/);
    expect(read.skipped[2]!.reason).toMatch(/"path"/);
  });
});
