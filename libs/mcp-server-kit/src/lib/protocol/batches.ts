import { SUPPORTED_PROTOCOL_VERSIONS } from '@modelcontextprotocol/server';

/**
 * JSON-RPC batches. MCP removed them in 2025-06-18 (and the 2026-07-28 revision allows one message per POST); the
 * 2025-03-26 and 2024-11-05 revisions still allow them. A batch is bounded: at most {@link MAX_BATCH_REQUESTS}
 * requests, and an answer of at most {@link MAX_BATCH_RESPONSE_BYTES} (responses past it are replaced by errors), so
 * one POST can neither run thousands of calls nor build an answer of hundreds of megabytes.
 */
export const MAX_BATCH_REQUESTS = 4;
export const MAX_BATCH_RESPONSE_BYTES = 512 * 1024;

/** The versions that allow batches: everything before 2025-06-18. */
const BATCHING_VERSIONS = new Set(SUPPORTED_PROTOCOL_VERSIONS.filter((v) => v < '2025-06-18'));

/**
 * Whether a batch may be served for a request naming `versionHeader`. Streamable HTTP clients send
 * `MCP-Protocol-Version` from 2025-06-18 on; without it the server assumes 2025-03-26 (transports spec,
 * "Protocol Version Header"), which still had batches.
 */
export function batchingAllowed(versionHeader: string | undefined): boolean {
  return versionHeader === undefined || BATCHING_VERSIONS.has(versionHeader);
}
