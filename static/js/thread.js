// The live thread page: composer (Enter sends, Shift+Enter a new line), optimistic
// display of my own messages, infinite scroll upward, @mention autocompletion,
// reactions, inline edit and removal, and live updates from the realtime client.
//
// Live events come from carnet-live.js, which dispatches `carnet:event` on document
// for every event frame it applies. Every fragment is server-rendered and sanitized;
// inserting is idempotent (an element is looked up by its id first).

const root = document.querySelector(".thread[data-thread-id]");

function fragment(html) {
  const template = document.createElement("template");
  template.innerHTML = html.trim();
  return template.content;
}

function csrfToken() {
  return document.querySelector("input[name=csrfmiddlewaretoken]")?.value ?? "";
}

async function postForm(url, data) {
  let response;
  try {
    response = await fetch(url, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": csrfToken() },
    });
  } catch {
    // The browser's own network error text is not in the reader's language.
    const error = new Error(root.dataset.errorGeneric);
    error.status = 0;
    throw error;
  }
  let body = {};
  try {
    body = await response.json();
  } catch {
    body = {};
  }
  if (!response.ok) {
    const error = new Error(body.error || root.dataset.errorGeneric);
    error.status = response.status;
    throw error;
  }
  return body;
}

if (root) setUp(root);
if (document.querySelector("[data-thread-list]")) followThreadList();

/** The list of threads: a new thread appears on top, a changed one moves to its list. */
function followThreadList() {
  document.addEventListener("carnet:event", ({ detail: frame }) => {
    if (frame.type !== "thread.created" && frame.type !== "thread.updated") return;
    const item = fragment(frame.html).querySelector("li.thread-card");
    if (!item) return;
    const current = document.getElementById(item.id);
    const target = document.querySelector(`[data-thread-list="${frame.data.state}"]`);
    if (target) {
      current?.remove();
      target.prepend(item);
      target.closest("section")?.querySelector(".empty")?.remove();
    } else if (current) {
      current.replaceWith(item); // no list for that state on this page yet: change in place
    }
  });
}

function setUp(root) {
  const threadId = root.dataset.threadId;
  const viewer = root.dataset.viewerId && root.dataset.viewerId !== "0" ? root.dataset.viewerId : "";
  const moderator = root.dataset.viewerModerator === "true";
  const mayChat = root.dataset.viewerCanChat === "true";
  const mayReact = root.dataset.viewerCanReact === "true";
  const label = (name) => root.dataset[`label${name}`] || "";
  const scroller = root.querySelector("#thread-scroller");
  const list = root.querySelector("#message-list");
  const jump = root.querySelector("[data-jump-latest]");
  const composer = root.querySelector("#composer");
  const textarea = composer?.querySelector("textarea[name=body]");
  const latestPage = root.dataset.pageLatest === "true";
  const isOpen = () => root.dataset.threadState === "open";

  // Per-viewer controls ------------------------------------------------------------

  function reveal(scope = list) {
    const now = Date.now();
    for (const message of scope.querySelectorAll("li.message[data-author-id]")) {
      const own = viewer !== "" && message.dataset.authorId === viewer;
      message.classList.toggle("message--mine", own);
      for (const control of message.querySelectorAll("[data-owner-only]")) {
        let show = own && mayChat && isOpen();
        if (control.dataset.action === "edit") {
          show = show && now < Date.parse(control.dataset.editUntil || "");
        } else if (control.dataset.action === "remove") {
          show = show && !moderator;
        }
        control.hidden = !show;
      }
      for (const control of message.querySelectorAll("[data-moderator-only]")) {
        control.hidden = !moderator;
      }
      for (const control of message.querySelectorAll("[data-chatter-only]")) {
        control.hidden = !(mayChat && isOpen());
      }
      for (const control of message.querySelectorAll("[data-reactor-only]")) {
        control.hidden = !(mayReact && isOpen());
      }
      for (const button of message.querySelectorAll("button.reaction")) {
        const ids = (button.dataset.userIds || "").split(",");
        button.setAttribute("aria-pressed", String(viewer !== "" && ids.includes(viewer)));
        button.disabled = !(mayReact && isOpen());
      }
    }
  }

  // Scrolling ----------------------------------------------------------------------

  const nearBottom = () =>
    scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 80;
  const scrollToBottom = () => {
    scroller.scrollTop = scroller.scrollHeight;
  };

  function updateJump(fresh = false) {
    if (!jump) return;
    const away = !latestPage || !nearBottom();
    jump.hidden = !away;
    if (fresh && away) jump.dataset.fresh = "true";
    if (!away) delete jump.dataset.fresh;
    jump.textContent = `${jump.dataset.fresh ? label("NewMessages") : jump.dataset.text} ↓`;
  }
  if (jump) jump.dataset.text = jump.textContent.replace("↓", "").trim();

  scroller.addEventListener("scroll", () => updateJump(), { passive: true });
  jump?.addEventListener("click", (event) => {
    if (!latestPage) return; // an older page: go to the newest page
    event.preventDefault();
    scroller.scrollTo({ top: scroller.scrollHeight, behavior: "smooth" });
  });

  // Messages in the list -----------------------------------------------------------

  function lastDay(before = null) {
    let node = before ? before.previousElementSibling : list.lastElementChild;
    while (node) {
      if (node.dataset.day) return node.dataset.day;
      node = node.previousElementSibling;
    }
    return "";
  }

  function separatorFor(item) {
    const li = document.createElement("li");
    li.className = "day-separator";
    li.setAttribute("role", "presentation");
    li.dataset.day = item.dataset.day;
    const span = document.createElement("span");
    span.textContent = item.dataset.dayLabel || item.dataset.day;
    li.append(span);
    return li;
  }

  function firstPending() {
    return list.querySelector("li.message--pending");
  }

  /** Put a server-rendered message at the end (before my unconfirmed ones). */
  function appendMessage(html, { replacing = null } = {}) {
    const content = fragment(html);
    const item = content.querySelector("li.message");
    if (!item) return null;
    const existing = document.getElementById(item.id);
    if (existing) {
      replacing?.remove();
      return existing;
    }
    reveal(content);
    const follow = nearBottom();
    const anchor = replacing ?? firstPending();
    if (item.dataset.day && lastDay(anchor) !== item.dataset.day) {
      list.insertBefore(separatorFor(item), anchor);
    }
    list.insertBefore(item, anchor);
    replacing?.remove();
    root.querySelector("[data-empty-note]")?.remove();
    if (follow || replacing) scrollToBottom();
    else updateJump(true);
    return item;
  }

  function replaceMessage(id, html) {
    const current = document.getElementById(`message-${id}`);
    if (!current) return;
    const content = fragment(html);
    const item = content.querySelector("li.message");
    if (!item) return;
    reveal(content);
    current.replaceWith(item);
  }

  function setCount(count) {
    if (!Number.isInteger(count)) return;
    const rules = new Intl.PluralRules(document.documentElement.lang || "fr");
    const text = (rules.select(count) === "one" ? label("CountOne") : label("CountOther")) || "";
    for (const element of document.querySelectorAll(`[data-thread-count="${threadId}"]`)) {
      if (text) element.textContent = text.replace("{count}", String(count));
    }
  }

  // Live events --------------------------------------------------------------------

  function setState(state) {
    root.dataset.threadState = state;
    for (const badge of root.querySelectorAll("[data-state-badge]")) {
      badge.hidden = badge.dataset.stateBadge !== state;
    }
    for (const notice of root.querySelectorAll("[data-closed-notice]")) {
      notice.hidden = notice.dataset.closedNotice !== state;
    }
    for (const button of root.querySelectorAll(".thread__tools button[name=action]")) {
      const action = button.value;
      button.hidden =
        (action === "reopen" && state === "open") ||
        (action === "lock" && state !== "open") ||
        (action === "archive" && state === "archived");
    }
    if (composer) composer.hidden = state !== "open";
    reveal();
  }

  document.addEventListener("carnet:event", ({ detail: frame }) => {
    const data = frame.data || {};
    if (String(data.thread_id) !== threadId) return;
    switch (frame.type) {
      case "message.posted": {
        setCount(data.message_count);
        const placeholder = data.client_nonce
          ? list.querySelector(`li.message--pending[data-nonce="${CSS.escape(data.client_nonce)}"]`)
          : null;
        if (placeholder) {
          appendMessage(frame.html, { replacing: placeholder });
        } else if (latestPage) {
          appendMessage(frame.html);
        } else {
          updateJump(true);
        }
        break;
      }
      case "message.edited":
      case "message.removed":
      case "reaction.changed":
        setCount(data.message_count);
        replaceMessage(data.message_id, frame.html);
        break;
      case "thread.updated":
        setState(data.state);
        break;
      default:
        break;
    }
  });

  // Composer -----------------------------------------------------------------------

  if (composer && textarea) setUpComposer();

  function setUpComposer() {
    const errorLine = composer.querySelector("[data-composer-error]");
    const replyInput = composer.querySelector("[data-reply-input]");
    const replying = composer.querySelector("[data-replying]");
    const replyingLabel = composer.querySelector("[data-replying-label]");
    const suggestions = composer.querySelector("#mention-suggestions");

    function showError(message) {
      errorLine.textContent = message || "";
      errorLine.hidden = !message;
    }

    function setReply(id, name) {
      replyInput.value = id || "";
      replying.hidden = !id;
      if (id) replyingLabel.textContent = `↩ ${name}`;
    }

    composer.querySelector("[data-cancel-reply]")?.addEventListener("click", (event) => {
      event.preventDefault();
      setReply("", "");
      textarea.focus();
    });

    list.addEventListener("click", (event) => {
      const reply = event.target.closest("[data-action=reply]");
      if (!reply) return;
      event.preventDefault();
      const message = reply.closest("li.message");
      setReply(message.dataset.messageId, message.querySelector(".message__author")?.textContent);
      textarea.focus();
    });

    function pendingItem(text, nonce) {
      const item = document.createElement("li");
      item.className = "message message--pending message--mine";
      item.dataset.nonce = nonce;
      item.dataset.authorId = viewer;
      const avatar = document.querySelector(".user-chip .avatar")?.cloneNode(true);
      if (avatar) {
        avatar.classList.replace("avatar--sm", "avatar--md");
        item.append(avatar);
      }
      const main = document.createElement("div");
      main.className = "message__main";
      const head = document.createElement("header");
      head.className = "message__head";
      const name = document.createElement("span");
      name.className = "message__author";
      name.textContent = root.dataset.viewerName || "";
      const status = document.createElement("span");
      status.className = "message__status";
      status.setAttribute("role", "status");
      status.textContent = label("Sending");
      head.append(name, status);
      const body = document.createElement("div");
      body.className = "message__body prose prose--compact";
      const paragraph = document.createElement("p");
      paragraph.textContent = text; // plain text until the server's rendering arrives
      body.append(paragraph);
      main.append(head, body);
      item.append(main);
      return item;
    }

    function markFailed(item, message, data) {
      item.classList.add("message--failed");
      const status = item.querySelector(".message__status");
      status.textContent = `${label("Failed")} — ${message}`;
      const actions = document.createElement("div");
      actions.className = "message__actions";
      const retry = document.createElement("button");
      retry.type = "button";
      retry.className = "link-button";
      retry.textContent = label("Retry");
      retry.addEventListener("click", () => {
        item.classList.remove("message--failed");
        status.textContent = label("Sending");
        actions.remove();
        send(item, data);
      });
      const discard = document.createElement("button");
      discard.type = "button";
      discard.className = "link-button";
      discard.textContent = label("Discard");
      discard.addEventListener("click", () => {
        if (!textarea.value.trim()) textarea.value = data.get("body");
        item.remove();
        textarea.focus();
      });
      actions.append(retry, discard);
      item.querySelector(".message__main").append(actions);
    }

    async function send(item, data) {
      try {
        const answer = await postForm(composer.action, data);
        if (!latestPage) {
          location.href = `${location.pathname}#message-${answer.message_id}`;
          return;
        }
        if (item.isConnected) appendMessage(answer.html, { replacing: item });
      } catch (error) {
        if (!item.isConnected) return;
        markFailed(item, error.message, data);
        showError(error.message);
      }
    }

    composer.addEventListener("submit", (event) => {
      event.preventDefault();
      const text = textarea.value;
      if (!text.trim()) {
        textarea.focus();
        return;
      }
      showError("");
      const nonce = `${viewer}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
      composer.querySelector("[data-nonce-input]").value = nonce;
      const data = new FormData(composer);
      const item = pendingItem(text, nonce);
      list.append(item);
      root.querySelector("[data-empty-note]")?.remove();
      scrollToBottom();
      textarea.value = "";
      autosize();
      setReply("", "");
      closeSuggestions();
      send(item, data);
    });

    function autosize() {
      textarea.style.height = "auto";
      textarea.style.height = `${Math.min(textarea.scrollHeight + 2, 240)}px`;
    }
    textarea.addEventListener("input", autosize);

    textarea.addEventListener("keydown", (event) => {
      if (!suggestions.hidden && handleSuggestionKey(event)) return;
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        composer.requestSubmit();
      }
    });

    // @mention autocompletion ------------------------------------------------------

    let options = [];
    let active = -1;
    let lookup = 0;
    let timer = null;

    function mentionAtCaret() {
      const before = textarea.value.slice(0, textarea.selectionStart);
      const match = before.match(/(?:^|[^\w@/.+-])@([\w.+-]{0,30})$/);
      return match ? { query: match[1], start: before.length - match[1].length - 1 } : null;
    }

    function closeSuggestions() {
      suggestions.hidden = true;
      suggestions.replaceChildren();
      textarea.setAttribute("aria-expanded", "false");
      textarea.removeAttribute("aria-activedescendant");
      options = [];
      active = -1;
    }

    function highlight(index) {
      active = index;
      options.forEach((option, i) => option.setAttribute("aria-selected", String(i === index)));
      if (options[index]) textarea.setAttribute("aria-activedescendant", options[index].id);
    }

    function choose(username) {
      const found = mentionAtCaret();
      if (!found) return closeSuggestions();
      const value = textarea.value;
      const end = textarea.selectionStart;
      const insert = `@${username} `;
      textarea.value = value.slice(0, found.start) + insert + value.slice(end);
      const caret = found.start + insert.length;
      textarea.setSelectionRange(caret, caret);
      closeSuggestions();
      textarea.focus();
    }

    function handleSuggestionKey(event) {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        const step = event.key === "ArrowDown" ? 1 : -1;
        highlight((active + step + options.length) % options.length);
        return true;
      }
      if ((event.key === "Enter" || event.key === "Tab") && active >= 0) {
        event.preventDefault();
        choose(options[active].dataset.username);
        return true;
      }
      if (event.key === "Escape") {
        event.preventDefault();
        closeSuggestions();
        return true;
      }
      return false;
    }

    async function suggest(query) {
      const ticket = ++lookup;
      const url = `${root.dataset.membersUrl}?q=${encodeURIComponent(query)}`;
      let members = [];
      try {
        const response = await fetch(url, { headers: { Accept: "application/json" } });
        if (response.ok) members = (await response.json()).members || [];
      } catch {
        members = [];
      }
      if (ticket !== lookup || !mentionAtCaret()) return;
      if (!members.length) return closeSuggestions();
      suggestions.replaceChildren();
      options = members.map((member, index) => {
        const option = document.createElement("li");
        option.id = `mention-option-${index}`;
        option.setAttribute("role", "option");
        option.dataset.username = member.username;
        const name = document.createElement("span");
        name.className = "mention-suggestions__name";
        name.textContent = member.name;
        const handle = document.createElement("span");
        handle.className = "mention-suggestions__handle";
        handle.textContent = `@${member.username}`;
        option.append(name, handle);
        option.addEventListener("mousedown", (event) => {
          event.preventDefault(); // keep the focus in the textarea
          choose(member.username);
        });
        return option;
      });
      suggestions.append(...options);
      suggestions.hidden = false;
      textarea.setAttribute("aria-expanded", "true");
      highlight(0);
    }

    textarea.addEventListener("input", () => {
      const found = mentionAtCaret();
      clearTimeout(timer);
      if (!found) return closeSuggestions();
      timer = setTimeout(() => suggest(found.query), 120);
    });
    textarea.addEventListener("blur", () => setTimeout(closeSuggestions, 150));
  }

  // Reactions, edit and removal ----------------------------------------------------

  list.addEventListener("submit", async (event) => {
    const form = event.target.closest("form[data-reactions]");
    if (!form) return;
    event.preventDefault();
    const button = event.submitter;
    if (!button?.value) return;
    const data = new FormData();
    data.append("emoji", button.value);
    const message = form.closest("li.message");
    try {
      const answer = await postForm(form.action, data);
      replaceMessage(answer.message_id, answer.html);
    } catch (error) {
      flash(message, error.message);
    }
  });

  function flash(message, text) {
    let line = message.querySelector(".message__error");
    if (!line) {
      line = document.createElement("p");
      line.className = "message__error";
      line.setAttribute("role", "alert");
      message.querySelector(".message__main")?.append(line);
    }
    line.textContent = text;
  }

  list.addEventListener("click", async (event) => {
    const control = event.target.closest("[data-action=edit], [data-action=remove]");
    if (!control) return;
    event.preventDefault();
    const message = control.closest("li.message");
    if (control.dataset.action === "remove") {
      if (!window.confirm(label("ConfirmRemove"))) return;
      try {
        // Not an empty FormData: an empty multipart body is a 400 for the server.
        const answer = await postForm(control.href, new URLSearchParams({ confirm: "1" }));
        replaceMessage(answer.message_id, answer.html);
      } catch (error) {
        flash(message, error.message);
      }
      return;
    }
    editInline(message, control.href);
  });

  async function editInline(message, url) {
    if (message.querySelector("form.message__edit")) return;
    let source = "";
    try {
      const response = await fetch(url, { headers: { Accept: "text/html" } });
      const page = new DOMParser().parseFromString(await response.text(), "text/html");
      source = page.querySelector("textarea[name=body]")?.value ?? "";
      if (!response.ok) throw new Error(page.querySelector(".errorlist li")?.textContent || "");
    } catch (error) {
      flash(message, error.message || root.dataset.errorGeneric);
      return;
    }
    const body = message.querySelector(".message__body");
    const form = document.createElement("form");
    form.className = "message__edit";
    const field = document.createElement("textarea");
    field.name = "body";
    field.value = source;
    field.rows = Math.min(8, source.split("\n").length + 1);
    field.setAttribute("aria-label", label("Save"));
    const save = document.createElement("button");
    save.type = "submit";
    save.className = "button button--small";
    save.textContent = label("Save");
    const cancel = document.createElement("button");
    cancel.type = "button";
    cancel.className = "button button--small button--ghost";
    cancel.textContent = label("Cancel");
    const row = document.createElement("div");
    row.className = "message__edit-actions";
    row.append(save, cancel);
    form.append(field, row);
    body.hidden = true;
    body.after(form);
    field.focus();
    const close = () => {
      form.remove();
      body.hidden = false;
    };
    cancel.addEventListener("click", close);
    field.addEventListener("keydown", (event) => {
      if (event.key === "Escape") close();
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        form.requestSubmit();
      }
    });
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const data = new FormData();
      data.append("body", field.value);
      try {
        const answer = await postForm(url, data);
        replaceMessage(answer.message_id, answer.html);
      } catch (error) {
        flash(message, error.message);
      }
    });
  }

  // Older messages: infinite scroll upward, the link still works without JS --------

  let loadingOlder = false;

  async function loadOlder(link) {
    if (loadingOlder) return;
    loadingOlder = true;
    link.setAttribute("aria-busy", "true");
    try {
      const response = await fetch(link.href, { headers: { Accept: "text/html" } });
      if (!response.ok) throw new Error(String(response.status));
      const page = new DOMParser().parseFromString(await response.text(), "text/html");
      const older = page.querySelector("#message-list");
      const items = [...(older?.children ?? [])].filter(
        (item) => !item.id || !document.getElementById(item.id),
      );
      const firstExisting = list.firstElementChild;
      // One separator per day: drop ours when the older page ends on the same day.
      const lastOlderDay = [...items].reverse().find((item) => item.dataset.day)?.dataset.day;
      if (
        firstExisting?.classList.contains("day-separator") &&
        firstExisting.dataset.day === lastOlderDay
      ) {
        firstExisting.remove();
      }
      const height = scroller.scrollHeight;
      const top = scroller.scrollTop;
      const content = document.createDocumentFragment();
      for (const item of items) content.append(document.importNode(item, true));
      reveal(content);
      list.prepend(content);
      scroller.scrollTop = top + (scroller.scrollHeight - height);
      const marker = link.closest("p");
      const next = page.querySelector("[data-older-link]");
      if (next) {
        link.href = next.getAttribute("href");
      } else {
        const start = page.querySelector(".thread__start");
        marker.replaceWith(start ? document.importNode(start, true) : document.createElement("p"));
        observer?.disconnect();
      }
    } catch {
      // Leave the link: following it loads the older page the plain way.
    } finally {
      link.removeAttribute("aria-busy");
      loadingOlder = false;
    }
  }

  const olderLink = root.querySelector("[data-older-link]");
  let observer = null;
  if (olderLink) {
    olderLink.addEventListener("click", (event) => {
      event.preventDefault();
      loadOlder(olderLink);
    });
    observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((entry) => entry.isIntersecting)) loadOlder(olderLink);
      },
      { root: scroller, rootMargin: "200px 0px 0px 0px" },
    );
  }

  // Start ------------------------------------------------------------------------

  function start() {
    // After carnet-live.js's own pass over [data-author-id], which knows nothing of threads.
    reveal();
    setState(root.dataset.threadState);
    const target = location.hash.startsWith("#message-")
      ? document.getElementById(location.hash.slice(1))
      : null;
    if (target) {
      target.scrollIntoView({ block: "center" });
      target.classList.add("message--target");
    } else if (latestPage && root.dataset.threadState !== "archived") {
      scrollToBottom(); // a transcript reads from its beginning instead
    }
    updateJump();
    // Observe only once the first scroll is done, not to load history on arrival.
    requestAnimationFrame(() => olderLink && observer?.observe(olderLink));
    setInterval(() => reveal(), 30_000); // edit windows close as time passes
    root.dataset.ready = "true"; // for the browser tests: the page is set up
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start, { once: true });
  } else {
    start();
  }
}
