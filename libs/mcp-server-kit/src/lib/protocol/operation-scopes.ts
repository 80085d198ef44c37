import { UriTemplate } from '@modelcontextprotocol/server';
import type { ResourceDefinition } from '../definitions/resource-definition';
import type { ToolDefinition } from '../definitions/tool-definition';

/**
 * Which scopes a JSON-RPC request body needs, decided from the body the SDK will receive (the same parsed object, so
 * the check and the SDK cannot read the request differently), in both protocol eras (a 2026-07-28 request carries
 * the same `params`).
 *
 * - `tools/call`: the named tool's `requiredScopes`.
 * - `resources/read`: the `requiredScopes` of the resource template that matches the URI.
 * - everything else (`initialize`, `ping`, `tools/list`, `resources/list`, `resources/templates/list`,
 *   notifications, responses): only a valid token. Unknown tools, URIs and methods need nothing here
 *   either: the SDK answers them with an error and no handler of ours runs.
 * A batch needs the union of what its messages need.
 */
export class OperationScopes {
  private readonly tools: ReadonlyMap<string, readonly string[]>;
  /** Each template parsed once, as the SDK parses it to match URIs. */
  private readonly resources: ReadonlyArray<{ template: UriTemplate; requiredScopes: readonly string[] }>;

  constructor(tools: readonly ToolDefinition<never>[], resources: readonly ResourceDefinition<never>[]) {
    this.tools = new Map(tools.map((t) => [t.name, t.requiredScopes]));
    this.resources = resources.map((r) => ({ template: new UriTemplate(r.uriTemplate), requiredScopes: r.requiredScopes }));
  }

  /** The scopes `body` needs (deduplicated, in declaration order). */
  requiredFor(body: unknown): string[] {
    const needed = new Set<string>();
    for (const message of Array.isArray(body) ? body : [body]) {
      for (const scope of this.requiredForMessage(message)) needed.add(scope);
    }
    return [...needed];
  }

  private requiredForMessage(message: unknown): readonly string[] {
    if (!isObject(message) || !isObject(message['params'])) return [];
    const params = message['params'];
    switch (message['method']) {
      case 'tools/call':
        return typeof params['name'] === 'string' ? (this.tools.get(params['name']) ?? []) : [];
      case 'resources/read': {
        const uri = normalizedUri(params['uri']);
        if (uri === undefined) return [];
        return this.resources.find((r) => r.template.match(uri) !== null)?.requiredScopes ?? [];
      }
      default:
        return [];
    }
  }
}

/**
 * The URI exactly as the SDK matches it (`new URL(uri).toString()`): matching the raw string instead
 * would let `NOTE://<id>` skip the check while the SDK, which lower-cases the scheme, still serves it.
 * A URI that does not parse is refused by the SDK, so it needs nothing here.
 */
function normalizedUri(uri: unknown): string | undefined {
  if (typeof uri !== 'string') return undefined;
  try {
    return new URL(uri).toString();
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
