/**
 * A small evaluator of the synthesized WebACL JSON, enough to answer "what does this WebACL do with this
 * request?" without AWS: it runs the rules in priority order, lets the AWS managed Core rule set match
 * what the caller says it would match (the managed rules' patterns are AWS's and cannot be run here),
 * applies the WebACL's Count overrides (adding the rule's label) and evaluates our own statements
 * (And/Or/Not, ByteMatch on method and URI path, RegexMatch on the URI path, LabelMatch) exactly as written in the template.
 * Rate-based rules are not simulated (they depend on traffic); their shape is tested separately.
 */
export interface WafRequest {
  method: string;
  path: string;
  /** Core rule set rules this request matches (e.g. `GenericRFI_QUERYARGUMENTS` for a loopback redirect_uri). */
  coreRuleMatches?: string[];
}

type Json = Record<string, unknown>;

export interface Verdict {
  action: 'ALLOW' | 'BLOCK';
  /** The rule that decided (or `default`). */
  by: string;
  labels: string[];
}

const CORE_PREFIX = 'awswaf:managed:aws:core-rule-set:';

/** Managed rule names are upper case after the underscore; their labels are CamelCase (AWS's own mapping). */
export function coreLabelOf(rule: string): string {
  const [head, tail] = rule.split('_');
  const words: Record<string, string> = { QUERYARGUMENTS: 'QueryArguments', BODY: 'Body', URIPATH: 'URIPath', HEADER: 'Header', COOKIE: 'Cookie', QUERYSTRING: 'QueryString' };
  return `${CORE_PREFIX}${head}_${words[tail] ?? tail}`;
}

function byteMatch(s: Json, request: WafRequest): boolean {
  const field = s['FieldToMatch'] as Json;
  const value = 'Method' in field ? request.method : 'UriPath' in field ? request.path : undefined;
  if (value === undefined) throw new Error(`evaluator: unsupported FieldToMatch ${JSON.stringify(field)}`);
  const search = s['SearchString'] as string;
  switch (s['PositionalConstraint']) {
    case 'EXACTLY':
      return value === search;
    case 'STARTS_WITH':
      return value.startsWith(search);
    default:
      throw new Error(`evaluator: unsupported PositionalConstraint ${String(s['PositionalConstraint'])}`);
  }
}

function regexMatch(s: Json, request: WafRequest): boolean {
  if (!('UriPath' in (s['FieldToMatch'] as Json))) throw new Error(`evaluator: unsupported FieldToMatch ${JSON.stringify(s['FieldToMatch'])}`);
  return new RegExp(s['RegexString'] as string).test(request.path);
}

function matches(statement: Json, request: WafRequest, labels: string[]): boolean {
  const [[kind, body]] = Object.entries(statement) as Array<[string, Json]>;
  switch (kind) {
    case 'AndStatement':
      return (body['Statements'] as Json[]).every((s) => matches(s, request, labels));
    case 'OrStatement':
      return (body['Statements'] as Json[]).some((s) => matches(s, request, labels));
    case 'NotStatement':
      return !matches(body['Statement'] as Json, request, labels);
    case 'ByteMatchStatement':
      return byteMatch(body, request);
    case 'RegexMatchStatement':
      return regexMatch(body, request);
    case 'LabelMatchStatement':
      if (body['Scope'] !== 'LABEL') throw new Error('evaluator: only LABEL scope');
      return labels.includes(body['Key'] as string);
    default:
      throw new Error(`evaluator: unsupported statement ${kind}`);
  }
}

/** Runs the WebACL's rules (from the template's `Rules`) on `request`. */
export function evaluate(rules: Json[], request: WafRequest): Verdict {
  const labels: string[] = [];
  for (const rule of [...rules].sort((a, b) => (a['Priority'] as number) - (b['Priority'] as number))) {
    const statement = rule['Statement'] as Json;
    const name = rule['Name'] as string;
    if ('ManagedRuleGroupStatement' in statement) {
      const group = statement['ManagedRuleGroupStatement'] as Json;
      if (group['Name'] !== 'AWSManagedRulesCommonRuleSet') continue; // other managed groups: not simulated
      const counted = new Set(((group['RuleActionOverrides'] as Json[] | undefined) ?? []).filter((o) => 'Count' in (o['ActionToUse'] as Json)).map((o) => o['Name']));
      for (const match of request.coreRuleMatches ?? []) {
        labels.push(coreLabelOf(match));
        if (!counted.has(match)) return { action: 'BLOCK', by: `${name}:${match}`, labels };
      }
      continue;
    }
    if ('RateBasedStatement' in statement) continue;
    if (matches(statement, request, labels)) {
      const action = rule['Action'] as Json;
      if ('Block' in action) return { action: 'BLOCK', by: name, labels };
      if ('Allow' in action) return { action: 'ALLOW', by: name, labels };
    }
  }
  return { action: 'ALLOW', by: 'default', labels };
}
