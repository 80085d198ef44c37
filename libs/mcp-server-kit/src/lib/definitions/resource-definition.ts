import type { ListResourcesResult, ReadResourceResult } from '@modelcontextprotocol/server';
import type { HandlerContext } from './tool-definition';

/**
 * One MCP resource template, declared in one file like a tool. `requiredScopes` gates `resources/read` (HTTP 403
 * step-up before the protocol runs); listing needs only a valid token, so `list` itself must return nothing the
 * caller's scopes do not cover. `cache` is the 2026-07-28 cache hint of its reads: anything derived from the caller
 * is `private`.
 */
export interface ResourceDefinition<Deps = unknown> {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  readonly mimeType: string;
  /** RFC 6570 level-1 template, e.g. `note://{id}`. */
  readonly uriTemplate: string;
  readonly requiredScopes: readonly string[];
  readonly cache: { ttlMs: number; cacheScope: 'public' | 'private' };
  list(ctx: HandlerContext<Deps>): Promise<ListResourcesResult>;
  /** `variables`: the template's variables matched from the URI. Throw `ResourceNotFoundError` for an unknown URI. */
  read(uri: URL, variables: Record<string, string | string[]>, ctx: HandlerContext<Deps>): Promise<ReadResourceResult>;
}

export function defineResource<Deps>(def: ResourceDefinition<Deps>): ResourceDefinition<Deps> {
  return Object.freeze(def);
}
