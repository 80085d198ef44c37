import { DYNAMODB_LOCAL_IMAGE } from '@mcp-cognito/dev-stack';

/** What tools/containers/run-containers-suite.sh prepared for this run (engine, compose client, labels). */
export interface ContainersSuiteEnv {
  /** `podman` or `docker`: the CLI of the engine that runs the containers. */
  cli: string;
  /** The Docker Compose v2 command, e.g. `['docker', 'compose']` or the path of a `docker-compose` v2 binary. */
  compose: string[];
  /** `key=value` label put on every container the suite starts itself (removed at the end, also on failure). */
  label: string;
  /** The compose project name the suite uses (never the README's `mcp-cognito`: a developer's stack is left alone). */
  composeProject: string;
  /** The service images, as built from apps/<name>/Dockerfile. */
  images: { 'auth-gateway': string; 'mcp-tools': string; 'local-idp': string };
  /** The node base image (the compose file's `net` holder uses it too) and DynamoDB Local's. */
  nodeImage: string;
  dynamodbImage: string;
}

const RUN_THROUGH = 'run the containers suite with `npm run test:containers` (tools/containers/run-containers-suite.sh prepares the engine, the images and the compose client)';

/** Reads the run's settings from the environment; throws with the command to use when they are missing. */
export function containersSuiteEnv(env: NodeJS.ProcessEnv = process.env): ContainersSuiteEnv {
  const get = (name: string): string => {
    const value = env[name];
    if (!value) throw new Error(`${name} is not set: ${RUN_THROUGH}`);
    return value;
  };
  const compose = JSON.parse(get('CONTAINERS_SUITE_COMPOSE')) as unknown;
  if (!Array.isArray(compose) || compose.length === 0 || !compose.every((p) => typeof p === 'string')) {
    throw new Error(`CONTAINERS_SUITE_COMPOSE must be a JSON array of strings: ${RUN_THROUGH}`);
  }
  const prefix = get('CONTAINERS_SUITE_IMAGE_PREFIX');
  return {
    cli: get('CONTAINERS_SUITE_CLI'),
    compose,
    label: get('CONTAINERS_SUITE_LABEL'),
    composeProject: get('CONTAINERS_SUITE_COMPOSE_PROJECT'),
    images: { 'auth-gateway': `${prefix}auth-gateway`, 'mcp-tools': `${prefix}mcp-tools`, 'local-idp': `${prefix}local-idp` },
    nodeImage: get('CONTAINERS_SUITE_NODE_IMAGE'),
    dynamodbImage: env['DYNAMODB_LOCAL_IMAGE'] ?? DYNAMODB_LOCAL_IMAGE,
  };
}
