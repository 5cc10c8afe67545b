/** GitHub App authentication as GitHub checks it: an RS256 JWT from the app, then installation tokens. */
import { createPublicKey, randomBytes, verify, type KeyObject } from 'node:crypto';

export class AppAuth {
  private readonly publicKey: KeyObject;
  private readonly tokens = new Set<string>();

  constructor(
    readonly appId: string,
    privateKey: string,
  ) {
    this.publicKey = createPublicKey(privateKey);
  }

  /** The app's JWT must be signed with its private key and name the app as issuer. */
  checkAppJwt(authorization: string | undefined): string | undefined {
    const jwt = /^bearer (.+)$/i.exec(authorization ?? '')?.[1];
    const parts = jwt?.split('.');
    if (!parts || parts.length !== 3) return 'an app JWT is required (Authorization: Bearer <jwt>)';
    const signed = verify(
      'RSA-SHA256',
      Buffer.from(`${parts[0]}.${parts[1]}`),
      this.publicKey,
      Buffer.from(parts[2]!, 'base64url'),
    );
    if (!signed) return "the JWT is not signed with the app's private key";
    const claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString()) as {
      iss?: string | number;
      exp?: number;
    };
    if (String(claims.iss) !== this.appId) return `the JWT's issuer ${claims.iss} is not app ${this.appId}`;
    if (!claims.exp || claims.exp * 1000 < Date.now()) return 'the JWT has expired';
    return undefined;
  }

  issueToken(): string {
    const token = `ghs_${randomBytes(18).toString('base64url')}`;
    this.tokens.add(token);
    return token;
  }

  checkToken(authorization: string | undefined): string | undefined {
    const token = /^(?:token|bearer) (\S+)$/i.exec(authorization ?? '')?.[1];
    return token && this.tokens.has(token) ? undefined : 'an installation access token is required';
  }
}
