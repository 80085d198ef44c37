import { Body, Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { InvalidClientMetadata } from '@mcp-cognito/oauth';
import { RegistrationService, type RegistrationResponse } from './registration.service';

/** `POST /register` (RFC 7591 §3): a JSON object in, 201 with the registered metadata out, never cached. */
@Controller()
export class RegistrationController {
  constructor(private readonly registration: RegistrationService) {}

  @Post('register')
  @HttpCode(201)
  register(@Req() req: Request, @Body() body: unknown, @Res({ passthrough: true }) res: Response): Promise<RegistrationResponse> {
    res.set({ 'Cache-Control': 'no-store', Pragma: 'no-cache' });
    if (!req.is('application/json')) {
      throw new InvalidClientMetadata('The registration request must be a JSON object (Content-Type: application/json).');
    }
    return this.registration.register(body, req.ip);
  }
}
