import { Platform } from 'aws-cdk-lib/aws-ecr-assets';
import { aws_ecs as ecs } from 'aws-cdk-lib';
import type { ServiceName } from '@mcp-cognito/routing';
import { workspaceRoot } from '../config/workspace';

/** Apps whose sources never belong in another service's image (and whose edits must not change its hash). */
const APPS = ['auth-gateway', 'mcp-tools', 'local-idp'] as const;

/**
 * The service's image, built from `apps/<service>/Dockerfile` with the workspace root as context
 * (the Dockerfile runs `npm ci` and `nx build`). The root's `.dockerignore` applies; on top of it,
 * the other apps, infra/ and docs/ are excluded so that changing them does not change this image's
 * asset hash - each service stack redeploys only when its own inputs change. Built for linux/arm64
 * (the tasks run on Graviton): `cdk deploy` needs Docker with buildx on an arm64 machine, or QEMU
 * emulation on x86 (docs/deploy.md). Only staged at synth: no Docker daemon is needed until `cdk deploy`.
 */
export function appImage(service: ServiceName, root: string = workspaceRoot()): ecs.ContainerImage {
  return ecs.ContainerImage.fromAsset(root, {
    file: `apps/${service}/Dockerfile`,
    platform: Platform.LINUX_ARM64,
    exclude: [...APPS.filter((a) => a !== service).map((a) => `apps/${a}`), 'infra', 'docs', 'tools', 'docker-compose.yml'],
  });
}
