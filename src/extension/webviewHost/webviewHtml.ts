/**
 * The HTML shell every MARGIN webview gets. Pure so a test can check the CSP:
 * no inline script, scripts by nonce only, resources from the webview's origin.
 */
import { randomBytes } from 'node:crypto';

export interface WebviewHtmlInput {
  /** `webview.cspSource`. */
  cspSource: string;
  nonce: string;
  /** asWebviewUri strings. */
  scriptUri: string;
  styleUri: string;
  codiconsUri: string;
  title: string;
}

/** 32 characters from [A-Za-z0-9]: valid in a CSP nonce and in an HTML attribute. */
export function createNonce(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = randomBytes(32);
  let nonce = '';
  for (const byte of bytes) nonce += alphabet[byte % alphabet.length];
  return nonce;
}

/**
 * @vscode-elements (Lit) styles its shadow roots with constructable style
 * sheets, which style-src does not govern, and the only inline styles are
 * CSSOM writes (`element.style.x = …`), which CSP allows: no 'unsafe-inline'.
 */
export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `img-src ${cspSource} data:`,
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
  ].join('; ');
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/**
 * The codicon stylesheet keeps the id @vscode-elements looks for; the page is
 * one `#app` element that the bundle fills (busy until the first message).
 */
export function buildWebviewHtml(input: WebviewHtmlInput): string {
  const attr = escapeHtml;
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy" content="${attr(contentSecurityPolicy(input.cspSource, input.nonce))}">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
  <link rel="stylesheet" id="vscode-codicon-stylesheet" href="${attr(input.codiconsUri)}">
  <link rel="stylesheet" href="${attr(input.styleUri)}">
  <title>${escapeHtml(input.title)}</title>
</head>
<body>
  <main id="app" class="app" aria-busy="true"></main>
  <script nonce="${attr(input.nonce)}" src="${attr(input.scriptUri)}"></script>
</body>
</html>`;
}
