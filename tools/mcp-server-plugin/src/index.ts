// The workspace's Nx local plugin: generators for this repository's own project kinds.
export { mcpServerGenerator, mcpServerNames, type McpServerGeneratorSchema } from './generators/mcp-server/generator';
