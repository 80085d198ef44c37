export interface McpServerGeneratorSchema {
  /** apps/<name>, `/<name>/mcp`, `<name>/read`. */
  name: string;
  /** Consent page and PRM `resource_name`. @default the name, capitalized */
  title?: string;
}
