import type { ResourceDefinition } from '@mcp-cognito/mcp-server-kit';
import type { ToolsDeps } from '../deps';
import { noteResource } from './note.resource';

/** Every resource template this server offers (one file each, one line here). */
export const RESOURCES: readonly ResourceDefinition<ToolsDeps>[] = [noteResource];
