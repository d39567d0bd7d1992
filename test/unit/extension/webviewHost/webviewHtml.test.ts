import assert from 'node:assert/strict';
import {
  buildWebviewHtml,
  contentSecurityPolicy,
  createNonce,
  escapeHtml,
} from '../../../../src/extension/webviewHost/webviewHtml';

const input = {
  cspSource: 'https://*.vscode-cdn.net',
  nonce: 'abcDEF123',
  scriptUri: 'https://file.vscode-cdn.net/ext/dist/webview/results.js',
  styleUri: 'https://file.vscode-cdn.net/ext/media/results.css',
  codiconsUri: 'https://file.vscode-cdn.net/ext/node_modules/@vscode/codicons/dist/codicon.css',
  title: 'MARGIN: <Label> "issues"',
};

/** Directives of the CSP meta tag, parsed back out of the HTML. */
function policyOf(html: string): Map<string, string[]> {
  const content = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html)?.[1];
  assert.ok(content, 'a CSP meta tag');
  const decoded = content.replace(/&#39;/g, "'").replace(/&#34;/g, '"').replace(/&#38;/g, '&');
  return new Map(
    decoded
      .split(';')
      .map((directive) => directive.trim().split(/\s+/))
      .filter((parts) => parts[0])
      .map(([name, ...sources]) => [name, sources]),
  );
}

describe('extension/webviewHost/webviewHtml', () => {
  it('allows scripts by nonce only and everything else from the webview origin', () => {
    const policy = policyOf(buildWebviewHtml(input));
    assert.deepEqual(policy.get('default-src'), ["'none'"]);
    assert.deepEqual(policy.get('script-src'), ["'nonce-abcDEF123'"]);
    assert.deepEqual(policy.get('style-src'), ['https://*.vscode-cdn.net']);
    assert.deepEqual(policy.get('img-src'), ['https://*.vscode-cdn.net', 'data:']);
    assert.deepEqual(policy.get('font-src'), ['https://*.vscode-cdn.net']);
    for (const sources of policy.values()) {
      assert.ok(
        !sources.includes("'unsafe-inline'") && !sources.includes("'unsafe-eval'"),
        sources.join(' '),
      );
    }
  });

  it('has one script, external and carrying the nonce', () => {
    const html = buildWebviewHtml(input);
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    assert.equal(scripts.length, 1);
    assert.match(scripts[0][1], /nonce="abcDEF123"/);
    assert.match(scripts[0][1], /src="https:\/\/file\.vscode-cdn\.net\/ext\/dist\/webview\/results\.js"/);
    assert.equal(scripts[0][2].trim(), '', 'no inline code');
    assert.doesNotMatch(html, /\son[a-z]+=/i, 'no inline event handlers');
    assert.doesNotMatch(html, /\sstyle=/i, 'no inline style attributes');
  });

  it('links the codicon stylesheet with the id @vscode-elements looks for', () => {
    assert.match(
      buildWebviewHtml(input),
      /<link rel="stylesheet" id="vscode-codicon-stylesheet" href="[^"]*codicon\.css">/,
    );
  });

  it('escapes the title', () => {
    const html = buildWebviewHtml(input);
    assert.match(html, /<title>MARGIN: &#60;Label&#62; &#34;issues&#34;<\/title>/);
    assert.equal(escapeHtml(`<img src=x onerror='a'>&`), '&#60;img src=x onerror=&#39;a&#39;&#62;&#38;');
  });

  it('makes fresh alphanumeric nonces of 32 characters', () => {
    const nonces = new Set(Array.from({ length: 50 }, createNonce));
    assert.equal(nonces.size, 50);
    for (const nonce of nonces) assert.match(nonce, /^[A-Za-z0-9]{32}$/);
    assert.equal(contentSecurityPolicy('x', 'n').includes("'nonce-n'"), true);
  });
});
