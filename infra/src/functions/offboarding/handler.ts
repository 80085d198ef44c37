import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { createDynamoClients, createRepositories } from '@mcp-cognito/storage';
import type { CloudTrailApiCallEvent } from './cognito-event';
import { offboardFromCognitoEvent, type OffboardingOutcome } from './offboard';
import { cognitoUserDirectory } from './user-directory';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

let deps: Parameters<typeof offboardFromCognitoEvent>[1] | undefined;

function dependencies(): Parameters<typeof offboardFromCognitoEvent>[1] {
  if (deps) return deps;
  const region = required('AWS_REGION');
  const userPoolId = required('USER_POOL_ID');
  const coverSeconds = Number(required('COVER_SECONDS'));
  if (!Number.isInteger(coverSeconds) || coverSeconds < 60) throw new Error('COVER_SECONDS must be a whole number >= 60');
  const cognito = new CognitoIdentityProviderClient({
    region,
    maxAttempts: 3,
    // Bounded: a hung call fails this attempt (and the invocation is retried) instead of running to the function's timeout.
    requestHandler: { connectionTimeout: 2_000, requestTimeout: 5_000, throwOnRequestTimeout: true },
  });
  deps = {
    repos: createRepositories(createDynamoClients({ region, tableName: required('TABLE_NAME') })),
    directory: cognitoUserDirectory(cognito, userPoolId),
    userPoolId,
    coverSeconds,
    log: (record) => process.stdout.write(`${JSON.stringify(record)}\n`),
  };
  return deps;
}

/**
 * The Lambda entry (infra/src/constructs/offboarding-function.ts bundles this file with esbuild). Configuration from
 * the environment the construct sets: TABLE_NAME, USER_POOL_ID, COVER_SECONDS; AWS_REGION is Lambda's own. Clients
 * are made once per execution environment and reused across invocations. A thrown error fails the invocation:
 * Lambda retries it, then puts the event in the dead-letter queue.
 */
export async function handler(event: CloudTrailApiCallEvent): Promise<OffboardingOutcome> {
  return offboardFromCognitoEvent(event, dependencies());
}
