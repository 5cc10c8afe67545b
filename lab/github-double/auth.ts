/** GitHub App authentication as GitHub checks it: an RS256 JWT from the app, then installation tokens. */
import { createPublicKey, randomBytes, verify, type KeyObject } from 'node:crypto';

export class AppAuth {
  /** Public keys of the apps GitHub knows: the lab's own, and those created from manifests. */
  private readonly apps = new Map<string, KeyObject>();
  private readonly tokens = new Set<string>();

  constructor(
    readonly appId: string,
    privateKey: string,
  ) {
    this.addApp(appId, privateKey);
  }

  addApp(appId: string, privateKey: string): void {
    this.apps.set(appId, createPublicKey(privateKey));
  }

  /** The app's JWT must name a known app as issuer, be signed with that app's key, and not have expired. */
  checkAppJwt(authorization: string | undefined): { appId: string } | { problem: string } {
    const jwt = /^bearer (.+)$/i.exec(authorization ?? '')?.[1];
    const parts = jwt?.split('.');
    if (!parts || parts.length !== 3) return { problem: 'an app JWT is required (Authorization: Bearer <jwt>)' };
    let claims: { iss?: string | number; exp?: number };
    try {
      claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString()) as typeof claims;
    } catch {
      return { problem: 'A JSON web token could not be decoded' };
    }
    const key = this.apps.get(String(claims.iss));
    if (!key) return { problem: `the JWT's issuer ${claims.iss} is no app GitHub knows` };
    const data = Buffer.from(`${parts[0]}.${parts[1]}`);
    if (!verify('RSA-SHA256', data, key, Buffer.from(parts[2]!, 'base64url')))
      return { problem: "the JWT is not signed with the app's private key" };
    if (!claims.exp || claims.exp * 1000 < Date.now()) return { problem: 'the JWT has expired' };
    return { appId: String(claims.iss) };
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
