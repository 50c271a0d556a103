/**
 * Every Agent Lane webview page is built here, so the security rules hold everywhere:
 * CSP `default-src 'none'`, scripts only with a per-render nonce from crypto.randomBytes,
 * styles and fonts only from our own media folder, no remote content.
 */
import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';

export interface PageOptions {
  webview: vscode.Webview;
  extensionUri: vscode.Uri;
  title: string;
  /** Bundle name under dist/media, e.g. `sidebar` → dist/media/sidebar.js. */
  script: string;
  /**
   * Stylesheets under media/, e.g. `['base.css', 'sidebar.css']`; a path starting with
   * `dist/media/` names a file the build copied there (e.g. `dist/media/codicon.css`).
   */
  styles: string[];
  /** Initial state for the page, serialised into a data attribute (never into script text). */
  initialState?: unknown;
}

export function nonce(): string {
  return randomBytes(18).toString('base64');
}

/** Webview options every panel and view uses: scripts on, resources only from media/ and dist/media/. */
export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return {
    enableScripts: true,
    enableCommandUris: false,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'media'), vscode.Uri.joinPath(extensionUri, 'dist', 'media')],
  };
}

export function renderPage(o: PageOptions): string {
  const n = nonce();
  const csp = [
    "default-src 'none'",
    `img-src ${o.webview.cspSource} data:`,
    `style-src ${o.webview.cspSource}`,
    `font-src ${o.webview.cspSource}`,
    `script-src 'nonce-${n}'`,
  ].join('; ');
  const styleTags = o.styles
    .map((s) => `<link rel="stylesheet" href="${o.webview.asWebviewUri(styleUri(o.extensionUri, s))}">`)
    .join('\n    ');
  const script = o.webview.asWebviewUri(vscode.Uri.joinPath(o.extensionUri, 'dist', 'media', `${o.script}.js`));
  const state = o.initialState === undefined ? '' : ` data-state="${escapeAttr(JSON.stringify(o.initialState))}"`;
  return `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="UTF-8">
    <meta http-equiv="Content-Security-Policy" content="${csp}">
    <meta name="viewport" content="width=device-width, initial-scale=1.0">
    ${styleTags}
    <title>${escapeHtml(o.title)}</title>
  </head>
  <body${state}>
    <div id="root" role="application" aria-label="${escapeAttr(o.title)}"></div>
    <script nonce="${n}" src="${script}"></script>
  </body>
</html>`;
}

const BUILT_MEDIA = 'dist/media/';

function styleUri(extensionUri: vscode.Uri, style: string): vscode.Uri {
  return style.startsWith(BUILT_MEDIA)
    ? vscode.Uri.joinPath(extensionUri, 'dist', 'media', style.slice(BUILT_MEDIA.length))
    : vscode.Uri.joinPath(extensionUri, 'media', style);
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function escapeAttr(s: string): string {
  return escapeHtml(s);
}
