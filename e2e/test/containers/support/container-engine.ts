import { run, tail, type CommandResult, type RunOptions } from './command';

/** How a service container runs: as an ECS task runs it (read-only root file system, a writable /tmp). */
export interface ServiceContainerSpec {
  name: string;
  image: string;
  /** Join this container's network namespace (one namespace per task, like ECS `awsvpc` mode and compose's `net`). */
  network: string;
  /** A file of `NAME=value` lines (mode 0600), as ECS hands environment and secrets to the container. */
  envFile?: string;
  command?: string[];
  readOnly?: boolean;
}

/**
 * The container engine's CLI (podman or docker: the subcommands and flags used here are the same in both),
 * with every container the suite starts carrying the suite's label so the run's clean-up finds it.
 */
export class ContainerEngine {
  constructor(
    readonly cli: string,
    readonly label: string,
  ) {}

  run(args: string[], options?: RunOptions): Promise<CommandResult> {
    return run([this.cli, ...args], options);
  }

  /** One `inspect --format` value of a container or image. */
  async inspect(target: string, format: string, type: 'container' | 'image' = 'container'): Promise<string> {
    return (await this.run(['inspect', '--type', type, '--format', format, target])).stdout.trim();
  }

  /**
   * Starts a container that only holds a network namespace with the given ports published on loopback,
   * each on the same port number as inside: 127.0.0.1:<port> then means the same service to the host and
   * to every container in the namespace (the compose file's `net` service does the same).
   */
  async startNetworkHolder(name: string, image: string, ports: number[]): Promise<string> {
    const publish = ports.flatMap((p) => ['--publish', `127.0.0.1:${p}:${p}`]);
    const args = ['run', '--detach', '--name', name, '--label', this.label, ...publish, image, 'node', '-e', 'setInterval(() => {}, 1 << 30)'];
    return (await this.run(args)).stdout.trim();
  }

  async startService(spec: ServiceContainerSpec): Promise<string> {
    const args = ['run', '--detach', '--name', spec.name, '--label', this.label, '--network', `container:${spec.network}`];
    // ECS: readonlyRootFilesystem plus a task volume at /tmp (infra/src/constructs/mcp-fargate-service.ts).
    if (spec.readOnly !== false) args.push('--read-only', '--tmpfs', '/tmp:rw,nosuid,nodev,size=64m');
    if (spec.envFile) args.push('--env-file', spec.envFile);
    args.push(spec.image, ...(spec.command ?? []));
    return (await this.run(args)).stdout.trim();
  }

  /** `exec` in a running container, as the image's user; resolves with the result whatever the exit code. */
  exec(container: string, command: string[]): Promise<CommandResult> {
    return this.run(['exec', container, ...command], { allowFailure: true });
  }

  /**
   * Waits until the container's own HEALTHCHECK reports `healthy` (on podman without systemd the suite's
   * ticker runs the checks, see tools/containers/healthcheck-ticker.sh). Fails with the container's log tail.
   */
  async waitHealthy(container: string, timeoutMs = 120_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let status = '';
    while (Date.now() < deadline) {
      status = await this.inspect(container, '{{.State.Health.Status}}');
      if (status === 'healthy') return;
      const state = await this.inspect(container, '{{.State.Status}}');
      if (state !== 'running') break;
      await new Promise((r) => setTimeout(r, 500));
    }
    const logs = await this.run(['logs', container], { allowFailure: true });
    throw new Error(`${container} is not healthy (health: ${status || 'none'}):\n${tail(`${logs.stdout}${logs.stderr}`)}`);
  }

  /** Removes containers without a grace period (SIGKILL, then rm); missing ones are ignored. */
  async remove(names: string[]): Promise<void> {
    if (names.length === 0) return;
    await this.run(['kill', ...names], { allowFailure: true });
    await this.run(['rm', '--force', ...names], { allowFailure: true });
  }
}
