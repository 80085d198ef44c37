import { noteResource } from './note.resource';
import type { ResourceDefinition } from './resource-definition';

/** Every resource template this server offers (one file each, one line here). */
export const RESOURCES: readonly ResourceDefinition[] = [noteResource];

export type { ResourceDefinition } from './resource-definition';
