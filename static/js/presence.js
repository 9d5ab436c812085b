// Who is here and who is typing, on a live thread page (docs/realtime-protocol.md,
// "Presence and typing").
//
// carnet-live.js dispatches `carnet:subscribed` on document each time the page's
// space is (re)subscribed, and `carnet:frame` for presence and typing frames. The
// page joins the thread's presence on every subscription (so a reconnect joins
// again), and leaves it by closing its socket. Everything shown here is built from
// text nodes: names never go through innerHTML.

const ACTIVE_EVERY_MS = 60_000; // "I am still here, doing things": at most once a minute
const TYPING_EVERY_MS = 3_000; // keystrokes announced at most every 3 s (server: 2.5 s)

const root = document.querySelector(".thread[data-thread-id]");
if (root && document.body.dataset.space) setUp(root, document.body.dataset.space);

function setUp(root, space) {
  const threadId = Number(root.dataset.threadId);
  const scope = `thread:${threadId}`;
  const viewer = Number(root.dataset.viewerId || 0);
  const mayChat = root.dataset.viewerCanChat === "true";
  const label = (name) => root.dataset[`label${name}`] || "";
  const list = document.querySelector(`[data-presence-thread="${threadId}"]`);
  const line = document.querySelector(`[data-typing-thread="${threadId}"]`);
  const composer = root.querySelector("#composer");
  const textarea = composer?.querySelector("textarea[name=body]");
  const send = (frame) => window.carnetLive?.send(frame);

  // Who is here ----------------------------------------------------------------------

  let present = new Set();

  function avatar(member) {
    if (member.avatar) {
      const image = document.createElement("img");
      image.className = "avatar avatar--sm";
      image.src = member.avatar;
      image.alt = "";
      return image;
    }
    const initials = document.createElement("span");
    initials.className = "avatar avatar--sm avatar--initials";
    initials.setAttribute("aria-hidden", "true");
    initials.textContent = member.initials || member.name.slice(0, 1).toUpperCase();
    return initials;
  }

  function renderMembers(members) {
    if (!list) return;
    const items = members.map((member) => {
      const item = document.createElement("li");
      item.className = "presence-member";
      item.dataset.userId = member.id;
      item.title = member.away ? `${member.name} (${label("Away")})` : member.name;
      if (member.away) item.classList.add("presence-member--away");
      const name = document.createElement("span");
      name.className = "presence-member__name";
      name.textContent = member.name;
      item.append(avatar(member), name);
      if (member.away) {
        const state = document.createElement("span");
        state.className = "presence-member__state";
        state.textContent = label("Away");
        item.append(state);
      }
      return item;
    });
    list.replaceChildren(...items);
    present = new Set(members.map((member) => member.id));
    for (const id of typers.keys()) if (!present.has(id)) stopTyper(id); // gone: not typing
  }

  // Who is typing --------------------------------------------------------------------

  const typers = new Map(); // user id -> { name, timer }

  function renderTyping() {
    if (!line) return;
    const names = [...typers.values()].map((typer) => typer.name);
    let text = "";
    if (names.length === 1) text = label("TypingOne").replace("{name}", names[0]);
    else if (names.length === 2)
      text = label("TypingTwo").replace("{first}", names[0]).replace("{second}", names[1]);
    else if (names.length > 2) text = label("TypingMany");
    line.textContent = text;
  }

  function stopTyper(id) {
    const typer = typers.get(id);
    if (!typer) return;
    clearTimeout(typer.timer);
    typers.delete(id);
    renderTyping();
  }

  function typingFrame(frame) {
    const id = frame.user.id;
    if (id === viewer) return; // my other tabs: I know I am typing
    if (frame.state !== "start") {
      stopTyper(id);
      return;
    }
    const known = typers.get(id);
    if (known) clearTimeout(known.timer);
    // Without news for `expires_in` seconds (a lost stop), the line goes by itself.
    const timer = setTimeout(() => stopTyper(id), (frame.expires_in || 15) * 1000);
    typers.set(id, { name: frame.user.name, timer });
    renderTyping();
  }

  // Frames from the live connection ---------------------------------------------------

  document.addEventListener("carnet:subscribed", ({ detail }) => {
    if (detail.space === space) send({ op: "presence.join", space, scope });
  });

  document.addEventListener("carnet:frame", ({ detail: frame }) => {
    if (frame.space !== space) return;
    if (frame.op === "presence" && frame.scope === scope) renderMembers(frame.members);
    else if (frame.op === "typing" && frame.thread === threadId) typingFrame(frame);
  });

  document.addEventListener("carnet:state", ({ detail: state }) => {
    // Disconnected: what we show may be stale; the next subscription sends it fresh.
    list?.classList.toggle("presence-list--stale", state !== "live");
    if (state !== "live") for (const id of [...typers.keys()]) stopTyper(id);
  });

  document.addEventListener("carnet:event", ({ detail: frame }) => {
    // Their message arrived: they are not typing it any more.
    if (frame.type === "message.posted" && frame.data.thread_id === threadId) {
      stopTyper(frame.data.author_id);
    }
  });

  // What I do --------------------------------------------------------------------------

  let lastActive = Date.now();
  function activity() {
    if (Date.now() - lastActive < ACTIVE_EVERY_MS) return;
    lastActive = Date.now();
    send({ op: "presence.active" });
  }
  for (const kind of ["keydown", "pointerdown", "wheel", "touchstart", "focus"]) {
    window.addEventListener(kind, activity, { passive: true, capture: true });
  }
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") activity();
  });

  if (!mayChat || !textarea) return;
  let lastTyping = 0;
  textarea.addEventListener("input", () => {
    if (!textarea.value.trim() || root.dataset.threadState !== "open") return;
    const now = Date.now();
    if (now - lastTyping < TYPING_EVERY_MS) return;
    lastTyping = now;
    lastActive = now; // the server counts typing as activity
    send({ op: "typing", space, thread: threadId });
  });
  composer.addEventListener("submit", () => {
    if (!lastTyping) return;
    lastTyping = 0;
    send({ op: "typing", space, thread: threadId, state: "stop" });
  });
}
