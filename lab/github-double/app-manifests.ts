/**
 * GitHub Apps in the double: the lab's own, and those created through the App-manifest flow. In
 * that flow a person's browser posts the manifest to GitHub's web UI, which creates the App and
 * redirects back with a one-time code; `manifestCode()` plays that part, and
 * `POST /app-manifests/{code}/conversions` trades the code for the App's credentials, once, within an hour.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import type { AppAuth } from './auth.js';
import { userJson } from './representations.js';
import { now, type DoubleState } from './state.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

interface App {
  id: number;
  slug: string;
  name: string;
  manifest: Json;
  createdAt: string;
}

const codeLifetimeMs = 3600_000;

export class AppManifests {
  private readonly apps = new Map<string, App>();
  private readonly codes = new Map<string, { app: App; issuedAt: number }>();
  /** Manifests as GitHub's web UI received them, for tests to look at. */
  readonly received: Json[] = [];

  constructor(
    private readonly state: DoubleState,
    private readonly auth: AppAuth,
  ) {
    this.apps.set(auth.appId, this.app(Number(auth.appId), { name: state.appSlug }));
  }

  /** What GitHub's web UI does with a posted manifest: create the App (on confirmation) and hand back a code. */
  manifestCode(manifest: Json): string {
    this.received.push(manifest);
    const app = this.app(this.state.id(), manifest);
    const code = randomBytes(10).toString('hex');
    this.codes.set(code, { app, issuedAt: Date.now() });
    return code;
  }

  /** `apps/create-from-manifest`: the App with its key and secrets, for a fresh code, once. */
  convert(code: string): Json | undefined {
    const issued = this.codes.get(code);
    this.codes.delete(code);
    if (!issued || Date.now() - issued.issuedAt > codeLifetimeMs) return undefined;
    const pem = generateKeyPairSync('rsa', { modulusLength: 2048 })
      .privateKey.export({ type: 'pkcs1', format: 'pem' })
      .toString();
    this.auth.addApp(String(issued.app.id), pem);
    this.apps.set(String(issued.app.id), issued.app);
    return {
      ...this.json(issued.app),
      client_id: `Iv1.${randomBytes(8).toString('hex')}`,
      client_secret: randomBytes(20).toString('hex'),
      webhook_secret: randomBytes(20).toString('hex'),
      pem,
    };
  }

  /** `apps/get-authenticated`: the App whose JWT signed the request. */
  get(appId: string): Json | undefined {
    const app = this.apps.get(appId);
    return app && { ...this.json(app), installations_count: app.id === Number(this.auth.appId) ? 1 : 0 };
  }

  private app(id: number, manifest: Json): App {
    const name = String(manifest.name ?? 'app');
    const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '-');
    return { id, slug, name, manifest, createdAt: now() };
  }

  private json(app: App): Json {
    return {
      id: app.id,
      slug: app.slug,
      node_id: Buffer.from(`App${app.id}`).toString('base64'),
      client_id: `Iv1.${app.id}`,
      owner: userJson(this.state.user(this.state.owner)),
      name: app.name,
      description: app.manifest.description ?? null,
      external_url: app.manifest.url ?? 'https://example.invalid',
      html_url: `https://github.com/apps/${app.slug}`,
      created_at: app.createdAt,
      updated_at: app.createdAt,
      permissions: app.manifest.default_permissions ?? {},
      events: app.manifest.default_events ?? [],
    };
  }
}
