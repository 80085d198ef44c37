import { DEFAULT_COGNITO_PREFIX, type StageConfig } from './stages';

/** Thrown by {@link assertDeployable}; main.ts prints its message alone (no stack trace) and exits 1. */
export class StageConfigError extends Error {
  override readonly name = 'StageConfigError';
}

/**
 * Host names that can never be a real deployment: the RFC 2606 / RFC 6761 reserved names the repo
 * uses as placeholders (`example.com`, `*.example`, `.test`, `.invalid`, `.localhost`).
 */
export function isPlaceholderDomain(name: string): boolean {
  const host = name.toLowerCase().replace(/\.$/, '');
  return /(^|\.)example\.(com|net|org)$/.test(host) || /\.(example|test|invalid|localhost)$/.test(host) || host === 'localhost';
}

/** Route 53 hosted zone ids are `Z` + upper-case letters/digits; all zeros is the shipped placeholder. */
function isPlaceholderZoneId(id: string): boolean {
  return !/^Z[A-Z0-9]{5,31}$/.test(id) || /^Z0+$/.test(id);
}

/**
 * Refuses a stage that would deploy with placeholder values (issue: a prod deploy with `example.com` as
 * issuer and Cognito callback would "work" and be useless or dangerous). Every problem is reported in one
 * message with the flag that fixes it. `dev` may run without a custom domain (CloudFront default domain);
 * any other stage needs a real one, and a Cognito prefix of its own (prefixes are global).
 */
export function assertDeployable(config: StageConfig): void {
  const problems: string[] = [];
  const d = config.customDomain;
  if (d) {
    if (isPlaceholderDomain(d.domainName)) problems.push(`domainName "${d.domainName}" is a placeholder: -c domainName=<your host name>`);
    if (isPlaceholderDomain(d.hostedZoneName)) problems.push(`hostedZoneName "${d.hostedZoneName}" is a placeholder: -c hostedZoneName=<your public zone>`);
    if (isPlaceholderZoneId(d.hostedZoneId)) problems.push(`hostedZoneId "${d.hostedZoneId}" is a placeholder: -c hostedZoneId=<Route 53 zone id, Z...>`);
    const zone = d.hostedZoneName.toLowerCase().replace(/\.$/, '');
    const host = d.domainName.toLowerCase().replace(/\.$/, '');
    if (host !== zone && !host.endsWith(`.${zone}`)) problems.push(`domainName "${d.domainName}" is not inside hosted zone "${d.hostedZoneName}"`);
  } else if (config.stage !== 'dev') {
    problems.push(`stage "${config.stage}" needs a custom domain: -c domainName=... -c hostedZoneId=... -c hostedZoneName=...`);
  }
  if (config.stage !== 'dev' && config.cognitoDomain.kind === 'prefix' && config.cognitoDomain.prefix === DEFAULT_COGNITO_PREFIX(config.stage)) {
    problems.push(
      `cognitoDomainPrefix "${config.cognitoDomain.prefix}" is the shipped default (Cognito prefixes are global across AWS): -c cognitoDomainPrefix=<your own>`,
    );
  }
  if (config.cognitoDomain.kind === 'custom' && isPlaceholderDomain(config.cognitoDomain.domainName)) {
    problems.push(`Cognito custom domain "${config.cognitoDomain.domainName}" is a placeholder`);
  }
  if (config.alarmEmail !== undefined && (!/^[^@\s]+@[^@\s]+$/.test(config.alarmEmail) || isPlaceholderDomain(config.alarmEmail.split('@')[1]))) {
    problems.push(`alarmEmail "${config.alarmEmail}" is not a deliverable address: -c alarmEmail=<team address>`);
  }
  if (problems.length > 0) {
    throw new StageConfigError(
      `refusing to synthesize stage "${config.stage}" with placeholder values (edit infra/src/config/stages.ts or pass -c overrides):\n  - ${problems.join('\n  - ')}`,
    );
  }
}
