import { randomBytes } from 'node:crypto';
import type { OAuthClientProvider, OAuthDiscoveryState } from '@modelcontextprotocol/sdk/client/auth.js';
import type { OAuthClientInformationMixed, OAuthClientMetadata, OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';

/**
 * The browser leg: open `authorizationUrl`, let the user consent and sign in, and return the URL the
 * authorization server finally sent the browser to (the redirect URI with `code`, `state`, `iss`).
 */
export type BrowserLeg = (authorizationUrl: URL) => Promise<URL>;

export interface InMemoryOAuthProviderOptions {
  /** A loopback redirect URI (RFC 8252), e.g. `http://127.0.0.1:<port>/callback`. */
  redirectUrl: string;
  clientName: string;
  browserLeg: BrowserLeg;
  /** The issuer the authorization response must name (RFC 9207 `iss`); checked when set. */
  expectedIssuer?: string;
  /**
   * Least privilege: the first authorization asks for these scopes only, whatever the challenge or
   * the PRM offered (registration still names everything the client may later need, see below).
   */
  initialScope?: string;
}

export interface StepUp {
  /** The scopes the resource server said the operation needs. */
  required: string[];
}

/**
 * An `OAuthClientProvider` for the MCP SDK that keeps everything in memory, as a CLI agent would for
 * one session: client registration, tokens, PKCE verifier, `state`.
 *
 * - `redirectToAuthorization` runs the browser leg right away and keeps the code for `finishAuth`; it
 *   checks `state` (CSRF) and `iss` (RFC 9207 mix-up defence) of the response first.
 * - Step-up: a refresh can never widen a grant (RFC 6749 §6), so while an `insufficient_scope`
 *   challenge asks for scopes the current tokens lack, `tokens()` withholds the refresh token and the
 *   SDK falls through to a new authorization. That authorization asks for the union of what was
 *   granted and what is required, so the client keeps its earlier permissions (the challenge lists
 *   only what the one operation needs).
 * - `initialScope` narrows only the authorization request, not the registration: the SDK registers
 *   with the scope it resolved (challenge / PRM), and the gateway treats a registered `scope` as the
 *   ceiling for that client - a client registered for `read` alone could never step up to `write`.
 */
export class InMemoryOAuthProvider implements OAuthClientProvider {
  private info?: OAuthClientInformationMixed;
  private stored?: OAuthTokens;
  private verifier?: string;
  private expectedState?: string;
  private code?: string;
  private stepUp?: StepUp;
  private discovery?: OAuthDiscoveryState;

  /** Every authorization URL the SDK built, in order (for assertions). */
  readonly authorizationUrls: URL[] = [];
  /** Every authorization response (redirect) received, in order. */
  readonly authorizationResponses: URL[] = [];
  /** Every token set the SDK saved, in order. */
  readonly tokenHistory: OAuthTokens[] = [];

  constructor(private readonly options: InMemoryOAuthProviderOptions) {}

  get redirectUrl(): string {
    return this.options.redirectUrl;
  }

  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: this.options.clientName,
      redirect_uris: [this.options.redirectUrl],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    };
  }

  state(): string {
    this.expectedState = randomBytes(16).toString('base64url');
    return this.expectedState;
  }

  clientInformation(): OAuthClientInformationMixed | undefined {
    return this.info;
  }

  saveClientInformation(info: OAuthClientInformationMixed): void {
    this.info = info;
  }

  tokens(): OAuthTokens | undefined {
    if (!this.stored) return undefined;
    if (this.stepUp && !this.stepUp.required.every((s) => this.grantedScopes().includes(s))) {
      const { refresh_token: _withheld, ...rest } = this.stored;
      return rest;
    }
    return this.stored;
  }

  saveTokens(tokens: OAuthTokens): void {
    // A token response without a new refresh token keeps the old one (RFC 6749 §6 allows either).
    this.stored = { ...tokens, refresh_token: tokens.refresh_token ?? this.stored?.refresh_token };
    this.tokenHistory.push(tokens);
    if (this.stepUp && this.stepUp.required.every((s) => this.grantedScopes().includes(s))) this.stepUp = undefined;
  }

  saveCodeVerifier(verifier: string): void {
    this.verifier = verifier;
  }

  codeVerifier(): string {
    if (!this.verifier) throw new Error('no PKCE verifier saved');
    return this.verifier;
  }

  /**
   * RFC 9728 / RFC 8414 discovery results, kept for the session. The v2 SDK also records here which
   * authorization server an authorization was started with, and refuses to redeem the code at another
   * (SEP-2352, the mix-up defence on the callback leg).
   */
  saveDiscoveryState(state: OAuthDiscoveryState): void {
    this.discovery = state;
  }

  discoveryState(): OAuthDiscoveryState | undefined {
    return this.discovery;
  }

  invalidateCredentials(scope: 'all' | 'client' | 'tokens' | 'verifier' | 'discovery'): void {
    if (scope === 'all' || scope === 'discovery') this.discovery = undefined;
    if (scope === 'all' || scope === 'client') this.info = undefined;
    if (scope === 'all' || scope === 'tokens') this.stored = undefined;
    if (scope === 'all' || scope === 'verifier') this.verifier = undefined;
  }

  /** The scopes of the current tokens (the token response's `scope`). */
  grantedScopes(): string[] {
    return this.stored?.scope?.split(' ').filter(Boolean) ?? [];
  }

  /** Fed by the transport's fetch wrapper: an `insufficient_scope` challenge the current tokens cannot meet. */
  noteInsufficientScope(required: string[]): void {
    if (!required.every((s) => this.grantedScopes().includes(s))) this.stepUp = { required };
  }

  async redirectToAuthorization(authorizationUrl: URL): Promise<void> {
    const url = new URL(authorizationUrl);
    if (!this.stored && this.options.initialScope) {
      url.searchParams.set('scope', this.options.initialScope);
    } else if (this.stepUp) {
      const wanted = new Set([...this.grantedScopes(), ...(url.searchParams.get('scope')?.split(' ') ?? []), ...this.stepUp.required]);
      url.searchParams.set('scope', [...wanted].filter(Boolean).join(' '));
    }
    this.authorizationUrls.push(url);
    const response = await this.options.browserLeg(url);
    this.authorizationResponses.push(response);
    const error = response.searchParams.get('error');
    if (error) throw new Error(`authorization failed: ${error} ${response.searchParams.get('error_description') ?? ''}`);
    if (response.searchParams.get('state') !== this.expectedState) throw new Error('authorization response: state mismatch');
    if (this.options.expectedIssuer !== undefined && response.searchParams.get('iss') !== this.options.expectedIssuer) {
      throw new Error(`authorization response: iss ${response.searchParams.get('iss')} is not ${this.options.expectedIssuer}`);
    }
    const code = response.searchParams.get('code');
    if (!code) throw new Error('authorization response without a code');
    this.code = code;
  }

  /**
   * The last authorization response's parameters (`code`, `state`, `iss`), once: the v2 SDK client checks `iss` itself
   * (RFC 9207) in `transport.finishAuth(params)`.
   */
  takeCallbackParams(): URLSearchParams {
    const response = this.authorizationResponses[this.authorizationResponses.length - 1];
    this.takeCode();
    if (!response) throw new Error('no authorization response captured');
    return response.searchParams;
  }

  /** The code from the last authorization response, once (for `transport.finishAuth`). */
  takeCode(): string {
    const code = this.code;
    this.code = undefined;
    if (!code) throw new Error('no authorization code captured');
    return code;
  }
}
