/**
 * The host's half of the webview handshake and message dispatch
 * (webviewHost/webviewChannel.ts), driven as the PanelHost drives it, with a
 * port that records what a vscode.Webview would be given, and the results
 * and calibration protocols' own guards.
 */
import assert from 'node:assert/strict';
import {
  dispatchByType,
  WebviewChannel,
  type MessageHandlers,
  type PanelMessage,
} from '../../../../src/extension/webviewHost/webviewChannel';
import {
  isCalibrateWebviewMessage,
  type CalibrateWebviewToHost,
} from '../../../../src/protocol/calibratePanel';
import {
  isResultsWebviewMessage,
  type ResultsHostToWebview,
  type ResultsWebviewToHost,
} from '../../../../src/protocol/resultsPanel';

type Post = { type: 'results'; payload: { n: number } };

/** What the webview was sent; `delivers` is what postMessage resolves to. */
class RecordingPort {
  readonly posted: Post[] = [];
  delivers = true;
  postMessage(message: Post): Promise<boolean> {
    this.posted.push(message);
    return Promise.resolve(this.delivers);
  }
}

function results(n: number): Post {
  return { type: 'results', payload: { n } };
}

/** Lets postMessage's `then` run. */
const settled = () => new Promise((resolve) => setImmediate(resolve));

function channelFor() {
  const port = new RecordingPort();
  const warnings: string[] = [];
  const received: PanelMessage<ResultsWebviewToHost>[] = [];
  const channel = new WebviewChannel<Post, ResultsWebviewToHost>({
    port,
    isMessage: isResultsWebviewMessage,
    onMessage: (message) => received.push(message),
    log: { warn: (message) => warnings.push(message) },
    name: 'results panel',
  });
  return { port, warnings, received, channel };
}

describe('extension/webviewHost/WebviewChannel', () => {
  it('posts nothing before `ready`, then only the latest message', () => {
    const { port, channel } = channelFor();
    channel.postLatest(results(1));
    channel.postLatest(results(2));
    assert.deepEqual(port.posted, []);
    assert.equal(channel.isReady, false);
    channel.receive({ type: 'ready' });
    assert.equal(channel.isReady, true);
    assert.deepEqual(port.posted, [results(2)]);
    channel.postLatest(results(3));
    assert.deepEqual(port.posted, [results(2), results(3)]);
  });

  it('says nothing at `ready` when there is nothing to send yet', () => {
    const { port, channel } = channelFor();
    channel.receive({ type: 'ready' });
    assert.deepEqual(port.posted, []);
    channel.postLatest(results(1));
    assert.deepEqual(port.posted, [results(1)]);
  });

  it('waits again when the document goes, and sends the latest again to the new one', () => {
    const { port, channel } = channelFor();
    channel.receive({ type: 'ready' });
    channel.postLatest(results(1));
    channel.documentGone();
    channel.postLatest(results(2));
    assert.deepEqual(port.posted, [results(1)]);
    channel.receive({ type: 'ready' });
    assert.deepEqual(port.posted, [results(1), results(2)]);
    // A hidden panel shown again: the same latest message, once more.
    channel.documentGone();
    channel.receive({ type: 'ready' });
    assert.deepEqual(port.posted, [results(1), results(2), results(2)]);
  });

  it('hands messages that pass the guard to the panel, typed, and not `ready`', () => {
    const { received, warnings, channel } = channelFor();
    channel.receive({ type: 'ready' });
    channel.receive({ type: 'openSample', index: 7 });
    assert.deepEqual(received, [{ type: 'openSample', index: 7 }]);
    assert.deepEqual(warnings, []);
  });

  it('drops and logs what fails the guard', () => {
    const { received, warnings, channel } = channelFor();
    const bad = [
      { type: 'openSample', index: -1 },
      { type: 'openSample', index: 1.5 },
      { type: 'openSample', index: '3' },
      { type: 'openSample' },
      { type: 'findLabelIssues' },
      'ready',
      null,
      undefined,
    ];
    for (const raw of bad) channel.receive(raw);
    assert.deepEqual(received, []);
    assert.equal(warnings.length, bad.length);
    assert.equal(warnings[0], 'results panel: ignored an unknown message {"type":"openSample","index":-1}');
    assert.equal(warnings[5], 'results panel: ignored an unknown message "ready"');
    assert.equal(warnings[7], 'results panel: ignored an unknown message undefined');
  });

  it('logs a message the webview did not take', async () => {
    const { port, warnings, channel } = channelFor();
    port.delivers = false;
    channel.receive({ type: 'ready' });
    channel.postLatest(results(1));
    await settled();
    assert.deepEqual(warnings, [
      'results panel: the webview did not take the message (it was hidden or closed)',
    ]);
    port.delivers = true;
    channel.postLatest(results(2));
    await settled();
    assert.equal(warnings.length, 1);
  });
});

describe('extension/webviewHost/dispatchByType', () => {
  it('calls the handler of the message type, with that message', () => {
    const calls: string[] = [];
    type Message = { type: 'open'; index: number } | { type: 'close' } | { type: 'rename'; name: string };
    const handlers: MessageHandlers<Message> = {
      open: ({ index }) => calls.push(`open ${index}`),
      close: () => calls.push('close'),
      rename: ({ name }) => calls.push(`rename ${name}`),
    };
    dispatchByType<Message>(handlers, { type: 'rename', name: 'a' });
    dispatchByType<Message>(handlers, { type: 'open', index: 3 });
    dispatchByType<Message>(handlers, { type: 'close' });
    assert.deepEqual(calls, ['rename a', 'open 3', 'close']);
  });

  it('routes the calibration panel’s button message through its guard to its handler', () => {
    let scans = 0;
    const handlers: MessageHandlers<PanelMessage<CalibrateWebviewToHost>> = {
      findLabelIssues: () => scans++,
    };
    const channel = new WebviewChannel<ResultsHostToWebview, CalibrateWebviewToHost>({
      port: { postMessage: () => Promise.resolve(true) },
      isMessage: isCalibrateWebviewMessage,
      onMessage: (message) => dispatchByType(handlers, message),
      log: { warn: () => undefined },
      name: 'calibration panel',
    });
    channel.receive({ type: 'findLabelIssues' });
    channel.receive({ type: 'openSample', index: 1 });
    channel.receive({ type: 'ready' });
    assert.equal(scans, 1);
  });
});
