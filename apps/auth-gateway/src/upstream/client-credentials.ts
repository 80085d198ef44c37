/**
 * The gateway's Cognito app client credentials: one secret, or two while a secret rotates (Cognito allows two active
 * secrets per app client: AddUserPoolClientSecret). The first secret is used; when Cognito refuses it with
 * `invalid_client` and a second exists, the second is tried and, if Cognito takes it, used from then on - so a
 * rotation survives either order of "add the new secret at Cognito" and "give it to the gateway".
 */
export class CognitoClientCredentials {
  private preferred = 0;

  constructor(
    readonly clientId: string,
    private readonly secrets: readonly string[],
  ) {
    if (secrets.length === 0 || secrets.length > 2) throw new Error('COGNITO_CLIENT_SECRET must hold one or two secrets');
  }

  /** Indexes of the secrets to try, the preferred one first. */
  order(): number[] {
    return this.secrets.length === 1 ? [0] : [this.preferred, 1 - this.preferred];
  }

  /**
   * `Authorization: Basic Base64(client_id:client_secret)` exactly as Cognito documents it
   * (https://docs.aws.amazon.com/cognito/latest/developerguide/token-endpoint.html): the id and secret as they are.
   * RFC 6749 §2.3.1 would form-urlencode them first, but Cognito does not decode, so a secret with `+` (allowed
   * in custom secrets) would fail. Cognito ids and secrets are `[\w+]+`, so no `:` can be ambiguous.
   */
  basicHeader(index: number): string {
    return `Basic ${Buffer.from(`${this.clientId}:${this.secrets[index]}`, 'utf8').toString('base64')}`;
  }

  /** Cognito accepted secret `index`: prefer it from now on. Returns true when that changed the preference. */
  accepted(index: number): boolean {
    const changed = index !== this.preferred;
    this.preferred = index;
    return changed;
  }
}
