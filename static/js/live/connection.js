// One websocket per tab at /ws/, multiplexed over spaces (docs/realtime-protocol.md).
//
// Reconnects with exponential backoff and full jitter, and resumes every space
// after the last seq it applied, so nothing is lost across a drop, a server
// restart or a deploy. Events are handed to `onEvent` at most once each, in order.

const PING_EVERY_MS = 25_000;
const PONG_WITHIN_MS = 10_000;
const BACKOFF_BASE_MS = 500;
const BACKOFF_CAP_MS = 30_000;

// Close codes (realtime/protocol.py CloseCode).
export const CLOSE_SIGNED_OUT = 4001;
export const CLOSE_RATE_LIMITED = 4008;
export const CLOSE_TOO_MANY_CONNECTIONS = 4029;

export class LiveConnection {
  /**
   * @param {object} handlers
   * @param {(frame: object) => void} handlers.onEvent   an `event` frame, in seq order, once
   * @param {(space: string, reason: string) => void} handlers.onReload  the page is too old
   * @param {(space: string, code: string) => void} handlers.onRevoked  access ended
   * @param {(state: "connecting"|"live"|"down"|"stopped") => void} handlers.onState
   * @param {() => void} handlers.onSignedOut
   * @param {(space: string) => void} [handlers.onSubscribed]  a space is live (again)
   * @param {(frame: object) => void} [handlers.onEphemeral]  a `presence` or `typing` frame
   */
  constructor(handlers, url = LiveConnection.defaultUrl()) {
    this.handlers = handlers;
    this.url = url;
    this.spaces = new Map(); // slug -> last seq applied
    this.socket = null;
    this.attempt = 0;
    this.stopped = false;
    this.retryTimer = null;
    this.pingTimer = null;
    this.pongTimer = null;
  }

  static defaultUrl() {
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    return `${scheme}//${location.host}/ws/`;
  }

  /** Follow a space from `afterSeq` (the seq the page was rendered at). */
  follow(space, afterSeq) {
    if (!this.spaces.has(space)) this.spaces.set(space, afterSeq);
    if (this.socket?.readyState === WebSocket.OPEN) this.subscribe(space);
  }

  start() {
    this.stopped = false;
    if (!this.socket) this.open();
  }

  stop(state = "stopped") {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.drop();
    this.handlers.onState(state);
  }

  /** Close now and reconnect at once (the network came back). */
  reconnectNow() {
    if (this.stopped) return;
    clearTimeout(this.retryTimer);
    this.attempt = 0;
    this.drop();
    this.open();
  }

  /** The browser went offline: drop the socket (it may look open for minutes) and retry. */
  offline() {
    if (this.stopped) return;
    this.drop();
    this.handlers.onState("down");
    this.retry();
  }

  open() {
    this.handlers.onState("connecting");
    let socket;
    try {
      socket = new WebSocket(this.url);
    } catch {
      this.retry();
      return;
    }
    this.socket = socket;
    socket.addEventListener("open", () => {
      for (const space of this.spaces.keys()) this.subscribe(space);
      this.heartbeat();
    });
    socket.addEventListener("message", (message) => this.receive(message.data));
    socket.addEventListener("close", (event) => {
      if (socket !== this.socket) return;
      this.socket = null;
      this.clearHeartbeat();
      this.closed(event.code);
    });
  }

  drop() {
    const socket = this.socket;
    this.socket = null;
    this.clearHeartbeat();
    if (socket && socket.readyState <= WebSocket.OPEN) socket.close(1000);
  }

  closed(code) {
    if (this.stopped) return;
    if (code === CLOSE_SIGNED_OUT) {
      this.stop();
      this.handlers.onSignedOut();
      return;
    }
    if (code === CLOSE_TOO_MANY_CONNECTIONS) this.attempt = Math.max(this.attempt, 5);
    this.handlers.onState("down");
    this.retry();
  }

  retry() {
    if (this.stopped) return;
    const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** this.attempt);
    this.attempt += 1;
    const delay = Math.random() * ceiling; // full jitter: reconnects spread out
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.open(), delay);
  }

  subscribe(space) {
    const frame = { op: "subscribe", space, ref: space };
    const after = this.spaces.get(space);
    if (Number.isInteger(after)) frame.after_seq = after;
    this.send(frame);
  }

  send(frame) {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(frame));
  }

  heartbeat() {
    this.clearHeartbeat();
    this.pingTimer = setInterval(() => {
      this.send({ op: "ping" });
      clearTimeout(this.pongTimer);
      // No pong: the connection is dead without knowing it (a laptop lid, a proxy).
      this.pongTimer = setTimeout(() => this.reconnectNow(), PONG_WITHIN_MS);
    }, PING_EVERY_MS);
  }

  clearHeartbeat() {
    clearInterval(this.pingTimer);
    clearTimeout(this.pongTimer);
  }

  receive(text) {
    let frame;
    try {
      frame = JSON.parse(text);
    } catch {
      return;
    }
    switch (frame.op) {
      case "subscribed":
        this.attempt = 0;
        // Followed without a seq: resume from the head from now on.
        if (this.spaces.has(frame.space) && !Number.isInteger(this.spaces.get(frame.space))) {
          this.spaces.set(frame.space, frame.head_seq);
        }
        this.handlers.onState("live");
        this.handlers.onSubscribed?.(frame.space);
        break;
      case "presence":
      case "typing":
        // Ephemeral (no seq): who is here and who is typing, for the page to show.
        if (this.spaces.has(frame.space)) this.handlers.onEphemeral?.(frame);
        break;
      case "event": {
        if (!this.spaces.has(frame.space)) break;
        const last = this.spaces.get(frame.space);
        if (Number.isInteger(last) && frame.seq <= last) break; // already applied
        this.spaces.set(frame.space, frame.seq);
        try {
          this.handlers.onEvent(frame);
        } catch (error) {
          console.error("carnet-live: could not apply", frame.type, error);
        }
        break;
      }
      case "reload":
        this.spaces.delete(frame.space);
        this.handlers.onReload(frame.space, frame.reason);
        break;
      case "error":
        if (frame.code === "access_revoked" || frame.code === "forbidden") {
          this.spaces.delete(frame.space);
          this.handlers.onRevoked(frame.space, frame.code);
        } else if (frame.code === "unavailable" && frame.space) {
          // The server could not read the log: try this space again a bit later.
          setTimeout(() => this.subscribe(frame.space), 2000 + Math.random() * 3000);
        }
        break;
      case "pong":
        clearTimeout(this.pongTimer);
        break;
      default:
        break;
    }
  }
}
