import type {
  ChatChannelEvent,
  ChatServerFrame,
  ChatSettingsValue,
  ChatUser,
  ErrorFrame,
  WelcomeFrame,
} from '@phzzk/contracts';

// One chat connection (`phzzk.chat.v1`) that survives drops: it reconnects with backoff and
// `?since={lastSeq}`, so the server sends exactly the events missed. Framework-free (a browser's
// WebSocket or Node's), tested against a real server speaking the protocol.

export interface ChatProtocol {
  /** CHAT_SUBPROTOCOL from packages/contracts. */
  subprotocol: string;
  /** CHAT_BEARER_SUBPROTOCOL_PREFIX from packages/contracts. */
  bearerPrefix: string;
}

export type ChatStatus = 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface ChatConnectionEvents {
  welcome(frame: WelcomeFrame, resumed: boolean): void;
  events(events: ChatChannelEvent[]): void;
  ack(nonce: string, messageId: string): void;
  error(frame: ErrorFrame): void;
  status(status: ChatStatus): void;
}

export interface ChatConnectionOptions {
  /** ws(s)://host/ws/chat/{channelId} */
  url: string;
  protocol: ChatProtocol;
  /** The access token (signed in) or undefined (read only); asked again at every (re)connect. */
  token: () => Promise<string | undefined>;
  /** The seq to resume after (the log's lastSeq); 0 for none. */
  lastSeq: () => number;
  on: ChatConnectionEvents;
  WebSocket?: typeof WebSocket;
  backoffMs?: { initial: number; max: number };
}

export class ChatConnection {
  #socket: WebSocket | undefined;
  #attempt = 0;
  #closed = false;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #ping: ReturnType<typeof setInterval> | undefined;
  #user: ChatUser | null = null;
  #settings: ChatSettingsValue | undefined;
  readonly #options: ChatConnectionOptions;

  constructor(options: ChatConnectionOptions) {
    this.#options = options;
  }

  get user(): ChatUser | null {
    return this.#user;
  }

  get settings(): ChatSettingsValue | undefined {
    return this.#settings;
  }

  start(): void {
    this.#closed = false;
    void this.#connect();
  }

  close(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
    clearInterval(this.#ping);
    this.#socket?.close(1000);
    this.#options.on.status('closed');
  }

  /** Sends a message; false when not connected. The answer is an ack or an error with the nonce. */
  send(text: string, nonce: string): boolean {
    const socket = this.#socket;
    if (socket?.readyState !== 1) return false;
    socket?.send(JSON.stringify({ type: 'send', text, nonce }));
    return true;
  }

  async #connect(): Promise<void> {
    const { protocol, on } = this.#options;
    on.status(this.#attempt === 0 ? 'connecting' : 'reconnecting');
    let token: string | undefined;
    try {
      token = await this.#options.token();
    } catch {
      token = undefined;
    }
    if (this.#closed) return;
    const since = this.#options.lastSeq();
    const url = since > 0 ? `${this.#options.url}?since=${since}` : this.#options.url;
    const protocols = token ? [protocol.subprotocol, `${protocol.bearerPrefix}${token}`] : [protocol.subprotocol];
    const Socket = this.#options.WebSocket ?? WebSocket;
    const socket = new Socket(url, protocols);
    this.#socket = socket;
    socket.onmessage = (message) => {
      if (typeof message.data !== 'string') return;
      let frame: ChatServerFrame;
      try {
        frame = JSON.parse(message.data) as ChatServerFrame;
      } catch {
        return;
      }
      this.#handle(frame, since > 0);
    };
    socket.onopen = () => {
      clearInterval(this.#ping);
      this.#ping = setInterval(() => {
        if (socket.readyState === 1) socket.send('{"type":"ping"}');
      }, 25_000);
    };
    socket.onclose = () => {
      clearInterval(this.#ping);
      if (this.#socket !== socket || this.#closed) return;
      this.#socket = undefined;
      this.#schedule();
    };
    socket.onerror = () => {
      // onclose follows; reconnecting is decided there.
    };
  }

  #handle(frame: ChatServerFrame, resumed: boolean): void {
    const { on } = this.#options;
    switch (frame.type) {
      case 'welcome':
        this.#attempt = 0;
        this.#user = frame.user;
        this.#settings = frame.settings;
        on.status('open');
        on.welcome(frame, resumed);
        break;
      case 'ack':
        on.ack(frame.nonce, frame.messageId);
        break;
      case 'error':
        on.error(frame);
        break;
      case 'pong':
        break;
      default:
        if (frame.type === 'settings') this.#settings = frame.settings;
        on.events([frame]);
    }
  }

  #schedule(): void {
    const { initial, max } = this.#options.backoffMs ?? { initial: 500, max: 15_000 };
    const delay = Math.min(max, initial * 2 ** this.#attempt) * (0.5 + Math.random() / 2);
    this.#attempt++;
    this.#options.on.status('reconnecting');
    this.#timer = setTimeout(() => void this.#connect(), delay);
  }
}
