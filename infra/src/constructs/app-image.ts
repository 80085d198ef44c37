import { Platform } from 'aws-cdk-lib/aws-ecr-assets';
import { aws_ecs as ecs } from 'aws-cdk-lib';
import { workspaceRoot } from '../config/workspace';

/**
 * The service's image, built from `apps/<app>/Dockerfile` with the workspace root as context
 * (the Dockerfile runs `npm ci` and `nx build`). The root's `.dockerignore` applies; on top of it,
 * every other app (`apps/*` but this one: the pattern stays the same when an app is added, and so do the other
 * images), infra/ and docs/ are excluded so that changing them does not change this image's
 * asset hash - each service stack redeploys only when its own inputs change. Built for linux/arm64
 * (the tasks run on Graviton): `cdk deploy` needs Docker with buildx on an arm64 machine, or QEMU
 * emulation on x86 (docs/deploy.md). Only staged at synth: no Docker daemon is needed until `cdk deploy`.
 */
export function appImage(app: string, root: string = workspaceRoot()): ecs.ContainerImage {
  return ecs.ContainerImage.fromAsset(root, {
    file: `apps/${app}/Dockerfile`,
    platform: Platform.LINUX_ARM64,
    exclude: ['apps/*', `!apps/${app}`, 'infra', 'docs', 'tools', 'docker-compose.yml'],
  });
}
