/** The setup pages a person's browser shows: the form that posts the manifest to GitHub, and the outcome. */

const escape = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const page = (title: string, body: string) =>
  `<!doctype html><html><head><meta charset="utf-8"><title>${escape(title)}</title></head>` +
  `<body style="font-family: sans-serif; max-width: 40em; margin: 3em auto">${body}</body></html>`;

export function formPage(action: string, manifest: Record<string, unknown>, outDir: string): string {
  return page(
    'ZeroOps setup',
    `<h1>Create the ZeroOps GitHub App</h1>
<p>GitHub shows the App's name, permissions and events to confirm (you may rename it there), then sends
you back here, and ZeroOps writes the App's credentials to <code>${escape(outDir)}</code>.</p>
<form action="${escape(action)}" method="post">
<input type="hidden" name="manifest" value="${escape(JSON.stringify(manifest))}">
<button type="submit">Create the GitHub App on ${escape(new URL(action).host)}</button>
</form>`,
  );
}

export function donePage(app: { name: string; html_url: string }): string {
  const install = `${app.html_url}/installations/new`;
  return page(
    'ZeroOps setup: done',
    `<h1>${escape(app.name)} is created</h1>
<p>Its credentials are written; the terminal shows the next steps. First:
<a href="${escape(install)}">install the App on your ops repository</a>.</p>`,
  );
}

export function failedPage(problem: string): string {
  return page('ZeroOps setup: failed', `<h1>The App's credentials could not be fetched</h1><p>${escape(problem)}</p>`);
}
