/**
 * The host's side of a webview's messages, without `vscode` so plain-Node
 * tests drive it: nothing is posted until the document says `ready` (and again
 * after VS Code recreated a hidden webview's document), only the latest
 * message is kept for that moment, and what the webview sends is checked by
 * the panel protocol's type guard before a handler sees it.
 */
import { isReadyMessage, type ReadyMessage } from '../../protocol/webviewPanel';

/** Where messages go: a vscode.Webview fits. */
export interface WebviewPort<HostMessage> {
  postMessage(message: HostMessage): PromiseLike<boolean>;
}

export interface ChannelLog {
  warn(message: string): void;
}

/** A message of the webview's union other than `ready`. */
export type PanelMessage<WebviewMessage> = Exclude<WebviewMessage, ReadyMessage>;

/** One handler per message type, each given the message of its type. */
export type MessageHandlers<Message extends { type: string }> = {
  [Type in Message['type']]: (message: Extract<Message, { type: Type }>) => void;
};

export function dispatchByType<Message extends { type: string }>(
  handlers: MessageHandlers<Message>,
  message: Message,
): void {
  const handler = handlers[message.type as Message['type']] as (message: Message) => void;
  handler(message);
}

export interface WebviewChannelOptions<HostMessage, WebviewMessage> {
  port: WebviewPort<HostMessage>;
  /** The panel protocol's guard for what the webview sends, `ready` included. */
  isMessage: (raw: unknown) => raw is WebviewMessage;
  onMessage: (message: PanelMessage<WebviewMessage>) => void;
  log: ChannelLog;
  /** How the log names the panel, e.g. "results panel". */
  name: string;
}

export class WebviewChannel<HostMessage, WebviewMessage extends { type: string }> {
  /** True between the document's `ready` and the moment it goes away. */
  private ready = false;
  private latest: HostMessage | undefined;

  constructor(private readonly options: WebviewChannelOptions<HostMessage, WebviewMessage>) {}

  /** Whether the current document has said `ready`. */
  get isReady(): boolean {
    return this.ready;
  }

  /** The document went away (new HTML, or hidden): wait for the next `ready`. */
  documentGone(): void {
    this.ready = false;
  }

  /** Sends `message` now if the document listens, else when it says `ready`; only the latest is kept. */
  postLatest(message: HostMessage): void {
    this.latest = message;
    this.flush();
  }

  /** A message as the webview sent it. */
  receive(raw: unknown): void {
    if (isReadyMessage(raw)) {
      this.ready = true;
      this.flush();
      return;
    }
    if (this.options.isMessage(raw)) {
      this.options.onMessage(raw as PanelMessage<WebviewMessage>);
      return;
    }
    this.options.log.warn(
      `${this.options.name}: ignored an unknown message ${JSON.stringify(raw)?.slice(0, 200)}`,
    );
  }

  private flush(): void {
    if (!this.ready || this.latest === undefined) return;
    void this.options.port.postMessage(this.latest).then((delivered) => {
      if (!delivered)
        this.options.log.warn(
          `${this.options.name}: the webview did not take the message (it was hidden or closed)`,
        );
    });
  }
}
