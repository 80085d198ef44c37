import { SUPPORTED_PROTOCOL_VERSIONS, type InboundClassificationOutcome, type JSONRPCRequest } from '@modelcontextprotocol/server';

/** The protocol revision this endpoint serves in its stateless, per-request form. */
export const MODERN_REVISION = '2026-07-28';

/**
 * The requests the endpoint's long-lived servers answer directly (the hot path). Everything else - the 2025
 * handshake, notifications, batches, GET/DELETE, anything malformed, a header in its encoded form - goes to the
 * SDK's own HTTP serving, so every edge case is answered exactly as the SDK answers it.
 */
const ROUTINE_METHODS = new Set(['tools/call', 'tools/list', 'resources/list', 'resources/read', 'resources/templates/list']);
const LEGACY_ROUTINE = new Set([...ROUTINE_METHODS, 'ping']);
const MODERN_ROUTINE = new Set([...ROUTINE_METHODS, 'server/discover']);

/** The parameter a method's `Mcp-Name` header repeats (MCP 2026-07-28 streamable HTTP, "Standard headers"). */
const NAME_FIELD: Readonly<Record<string, 'name' | 'uri'>> = { 'tools/call': 'name', 'resources/read': 'uri', 'prompts/get': 'name' };

export interface RequestHeaders {
  accept?: string;
  'mcp-protocol-version'?: string;
  'mcp-method'?: string;
  'mcp-name'?: string;
}

/** RFC 9110 §5.6.3: optional whitespace around a field value. */
const stripOws = (value: string) => value.replace(/^[ \t]+|[ \t]+$/g, '');

/**
 * A 2026-07-28 request the long-lived modern server answers: classified modern by the SDK (which has cross-checked
 * every header it was given against the body), naming exactly this revision, with every standard header present
 * and equal to the body in its plain form. A missing or encoded header is left to the SDK's ladder.
 */
export function isRoutineModernRequest(outcome: InboundClassificationOutcome, headers: RequestHeaders): outcome is Extract<InboundClassificationOutcome, { kind: 'modern'; messageKind: 'request' }> {
  if (outcome.kind !== 'modern' || outcome.messageKind !== 'request') return false;
  const { message, classification } = outcome;
  if (classification.revision !== MODERN_REVISION || !MODERN_ROUTINE.has(message.method)) return false;
  if (headers['mcp-protocol-version'] !== MODERN_REVISION || headers['mcp-method'] !== message.method) return false;
  const field = NAME_FIELD[message.method];
  if (field === undefined) return true;
  const value = (message.params as Record<string, unknown> | undefined)?.[field];
  return typeof value === 'string' && headers['mcp-name'] !== undefined && stripOws(headers['mcp-name']) === value;
}

/**
 * A 2025-era request the long-lived legacy server answers: one JSON-RPC request (not the handshake, not a batch)
 * of a routine method, from a client that accepts both answer types and names a version the SDK supports (or none).
 *
 * `request` must already be known to be a JSON-RPC request: the SDK's classification only says `no-claim` for a body
 * that passed its `isJSONRPCRequest` (the batch path filters with it too). Parsing it again here was a second zod
 * parse per call (bench/README.md, fourth pass).
 */
export function isRoutineLegacyRequest(outcome: InboundClassificationOutcome, request: JSONRPCRequest, headers: RequestHeaders): boolean {
  if (outcome.kind !== 'legacy' || outcome.reason !== 'no-claim' || !LEGACY_ROUTINE.has(request.method)) return false;
  const version = headers['mcp-protocol-version'];
  if (version !== undefined && !SUPPORTED_PROTOCOL_VERSIONS.includes(version)) return false;
  const accept = headers.accept ?? '';
  return accept.includes('application/json') && accept.includes('text/event-stream');
}
