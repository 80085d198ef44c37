import { createHash } from 'node:crypto';
import { Body, Controller, Get, Inject, Post, Query, Req, Res, UseFilters } from '@nestjs/common';
import type { Request, Response } from 'express';
import { epochSeconds, type Clock } from '@mcp-cognito/contracts';
import { InvalidRequest } from '@mcp-cognito/oauth';
import { CLOCK } from '@mcp-cognito/nest-platform';
import { PAGE_HEADERS } from '../http/html';
import { PageError } from '../http/oauth-exception.filter';
import { StorageOutagePageFilter } from '../http/storage-outage';
import { SignedCookies } from '../http/signed-cookies';
import { redirectToCognito } from '../upstream/redirect-to-cognito';
import { upstreamScopesFor } from '../servers/scope-policy';
import type { AuthorizationParams, ValidatedAuthorizationRequest } from './authorization-request';
import { AuthorizationService } from './authorization.service';
import { ConsentCsrf } from './consent-csrf';
import { ConsentMemory } from './consent-memory';
import { consentFormFields, renderConsentPage } from './consent-page';

/** A digest of exactly the request the consent form was rendered for (binds the CSRF token to it). */
function requestDigest(fields: Record<string, string>): string {
  const canonical = Object.keys(fields)
    .sort()
    .map((k) => `${k}=${fields[k]}`)
    .join('\n');
  return createHash('sha256').update(canonical).digest('base64url');
}

/**
 * `GET /authorize` and `POST /consent` (docs/architecture.md, "The flow", step 3): validate, ask this browser's user
 * for consent (unless already given to this client), then hand over to Cognito with the gateway's own client.
 */
@Controller()
@UseFilters(new StorageOutagePageFilter('retry'))
export class AuthorizeController {
  private readonly csrf: ConsentCsrf;
  private readonly consents: ConsentMemory;

  constructor(
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly authorization: AuthorizationService,
    cookies: SignedCookies,
  ) {
    this.csrf = new ConsentCsrf(cookies);
    this.consents = new ConsentMemory(cookies);
  }

  @Get('authorize')
  async authorize(@Query() query: AuthorizationParams, @Req() req: Request, @Res() res: Response): Promise<void> {
    const now = epochSeconds(this.clock);
    const request = await this.authorization.validate(query, this.redirectTrust(req, now));
    if (!request.consentRequested && this.consents.coversSomeone(req, { clientId: request.client.clientId, redirectUri: request.redirectUri, resource: request.resource }, request.scopes, now)) {
      this.authorization.consentRemembered(request);
      await this.toCognito(req, res, request, 'remembered');
      return;
    }
    const fields = consentFormFields(request);
    const token = this.csrf.issue(req, res, requestDigest(fields));
    res.status(200).set(PAGE_HEADERS).send(renderConsentPage(request, token, fields));
  }

  @Post('consent')
  async consent(@Body() body: Record<string, unknown>, @Req() req: Request, @Res() res: Response): Promise<void> {
    if (!req.is('application/x-www-form-urlencoded')) throw new PageError(new InvalidRequest('The consent form must be posted as a form.'));
    const request = await this.authorization.validate(body, this.redirectTrust(req, epochSeconds(this.clock)));
    if (!this.csrf.verify(req, requestDigest(consentFormFields(request)), body['csrf'])) {
      // Forged or stale form: show a page, never redirect (the user did not really decide).
      throw new PageError(new InvalidRequest('The consent form has expired or was not sent by this browser. Start again from your application.', 'csrf mismatch'));
    }
    if (body['decision'] !== 'approve') throw this.authorization.consentDenied(request);
    this.authorization.consentGranted(request);
    // Remembered at the callback, under the user who then signs in (consent-memory.ts).
    await this.toCognito(req, res, request, 'given');
  }

  private redirectTrust(req: Request, now: number) {
    return this.authorization.redirectTrust((clientId, redirectUri) => this.consents.knowsClient(req, clientId, redirectUri, now));
  }

  private async toCognito(req: Request, res: Response, request: ValidatedAuthorizationRequest, consent: 'given' | 'remembered'): Promise<void> {
    await this.authorization.admitSignIn(request, req.ip);
    await redirectToCognito(req, res, upstreamScopesFor(request.server, request.scopes), {
      consent,
      clientId: request.client.clientId,
      redirectUri: request.redirectUri,
      redirectUriOmitted: request.redirectUriOmitted || undefined,
      clientState: request.state,
      codeChallenge: request.codeChallenge,
      codeChallengeMethod: 'S256',
      scope: request.scopes.join(' '),
      resource: request.resource,
    });
    this.authorization.upstreamStarted(request);
  }
}
