/**
 * The timeout chain of one request, inside out (docs/deploy.md "Timeouts"):
 *
 *   client -> CloudFront (origin read timeout) -> ALB (idle timeout) -> service -> tool deadline
 *
 * An inner layer must always give up before the one around it, so that the client gets the innermost,
 * most specific answer (a JSON-RPC error from mcp-tools) instead of a bare 504 from the edge; and
 * connection reuse must never race a close (each keep-alive shorter than the idle timeout behind it).
 * The numbers are constants, not stage settings: they only make sense together, and
 * {@link assertTimeoutChain} (run at every synth) refuses a set that breaks an invariant.
 */
export const TIMEOUTS = {
  /**
   * mcp-tools bounds one tool call (`TOOL_CALL_TIMEOUT_MS`) and answers a JSON-RPC error when it passes.
   * The longest a healthy request can take.
   */
  toolCallMs: 25_000,
  /**
   * CloudFront origin response (read) timeout: how long CloudFront waits for the first byte, and between
   * two bytes of a streamed (SSE) response. 60 s is the largest value that needs no quota increase; it
   * leaves 35 s above the tool deadline for authentication, queueing and serialisation, and lets an idle
   * GET /mcp event stream live a minute before the client reconnects.
   */
  originReadMs: 60_000,
  /** CloudFront keeps idle connections to the ALB this long (below the ALB idle timeout: no reuse-after-close 502). */
  originKeepaliveMs: 30_000,
  /**
   * ALB idle timeout: above the CloudFront read timeout, so the edge (not the ALB) decides when an origin
   * is too slow, and above CloudFront's keep-alive. The services' HTTP keep-alive must exceed it.
   */
  albIdleMs: 65_000,
  /**
   * HTTP_KEEP_ALIVE_TIMEOUT_MS: how long a service keeps an idle connection from the ALB open (Node's default is
   * 5 s). Above the ALB idle timeout, so the ALB, not the service, closes idle connections: a service that closed
   * one just as the ALB reused it would turn that request into a 502 (AWS guidance for ALB targets). The services
   * set their header timeout just above it (libs/nest-platform serveHttp).
   */
  serviceKeepAliveMs: 75_000,
  /**
   * SHUTDOWN_GRACE_MS: on SIGTERM a service stops accepting, then lets in-flight requests finish for at
   * most this long. A tool call that started just before SIGTERM ends by its deadline, so grace >= deadline.
   */
  shutdownGraceMs: 30_000,
  /**
   * SHUTDOWN_ANNOUNCE_MS: how long a stopping service keeps accepting while /health says `draining`. 0 here: ECS
   * deregisters the task from the target group (and waits out the deregistration delay) before it sends SIGTERM,
   * so nothing new arrives. Part of the grace: a call accepted at its end must still finish within the grace.
   */
  shutdownAnnounceMs: 0,
  /**
   * ALB deregistration delay (connection draining). ECS deregisters a stopping task first and sends
   * SIGTERM after draining ends; draining >= grace so nothing the ALB still routes is cut by the drain.
   */
  deregistrationDelayMs: 30_000,
  /** ECS stopTimeout: SIGKILL this long after SIGTERM. Above the grace, with room to flush logs and exit. */
  stopTimeoutMs: 40_000,
} as const;

/** Fargate's ceiling for a container's stopTimeout. */
const FARGATE_MAX_STOP_TIMEOUT_MS = 120_000;

/** Throws when the chain is inconsistent; every rule names the failure it prevents. */
export function assertTimeoutChain(t: Record<keyof typeof TIMEOUTS, number> = TIMEOUTS): void {
  const rules: Array<[boolean, string]> = [
    [t.toolCallMs + 5_000 <= t.originReadMs, 'tool deadline + 5 s must fit in the CloudFront read timeout (else a slow tool ends as an edge 504)'],
    [t.originReadMs <= t.albIdleMs, 'the ALB idle timeout must not be shorter than the CloudFront read timeout'],
    [t.originKeepaliveMs < t.albIdleMs, 'CloudFront keep-alive must be shorter than the ALB idle timeout (reuse of a closed connection: 502)'],
    [t.serviceKeepAliveMs > t.albIdleMs, "the services' keep-alive must outlast the ALB idle timeout (a connection closed under the ALB: 502)"],
    [t.shutdownGraceMs >= t.toolCallMs, 'shutdown grace must cover a tool call that started just before SIGTERM'],
    [t.shutdownAnnounceMs + t.toolCallMs <= t.shutdownGraceMs, 'shutdown grace must cover a tool call accepted at the end of the announce window'],
    [t.deregistrationDelayMs >= t.shutdownGraceMs, 'deregistration delay must be at least the drain time'],
    [t.stopTimeoutMs > t.shutdownGraceMs, 'stopTimeout must exceed the shutdown grace (else SIGKILL cuts the drain)'],
    [t.stopTimeoutMs <= FARGATE_MAX_STOP_TIMEOUT_MS, 'Fargate allows at most 120 s of stopTimeout'],
  ];
  const broken = rules.filter(([ok]) => !ok).map(([, why]) => why);
  if (broken.length > 0) throw new Error(`inconsistent timeout chain (infra/src/config/timeouts.ts):\n- ${broken.join('\n- ')}`);
}
