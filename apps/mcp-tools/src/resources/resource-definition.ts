import type { ListResourcesResult, ReadResourceResult } from '@modelcontextprotocol/sdk/types.js';
import { UriTemplate, type Variables } from '@modelcontextprotocol/sdk/shared/uriTemplate.js';
import type { ToolContext } from '../tools/tool-definition';
import type { Scope } from '../mcp/scopes';

/**
 * One MCP resource template, declared in one file like a tool. `requiredScopes` gates `resources/read`
 * (HTTP 403 step-up before the SDK runs); listing needs only a valid token, so `list` itself must
 * return nothing the caller's scopes do not cover.
 */
export interface ResourceDefinition {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  readonly mimeType: string;
  /** Parsed once per process (the SDK matches URIs with it on every read). */
  readonly uriTemplate: UriTemplate;
  readonly requiredScopes: readonly Scope[];
  list(ctx: ToolContext): Promise<ListResourcesResult>;
  read(uri: URL, variables: Variables, ctx: ToolContext): Promise<ReadResourceResult>;
}

export function defineResource(def: Omit<ResourceDefinition, 'uriTemplate'> & { uriTemplate: string }): ResourceDefinition {
  return Object.freeze({ ...def, uriTemplate: new UriTemplate(def.uriTemplate) });
}
