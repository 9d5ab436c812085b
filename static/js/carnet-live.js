// Carnet's live page updates: one websocket per tab, every page works without it.
//
// A page under a space carries <body data-space data-space-seq data-user-id>; the
// client follows that space from the seq the page was rendered at, so nothing
// that happens between the render and the subscription is lost.

import { LiveConnection } from "./live/connection.js";
import { applyEvent, revealControls } from "./live/dom.js";
import { t } from "./live/i18n.js";
import { StatusBanner } from "./live/status.js";

function pageHasUnsavedInput() {
  return [...document.querySelectorAll("textarea, input[type=text]")].some(
    (field) => field.value !== field.defaultValue,
  );
}

const RELOADED_AT = "carnet-live-reloaded-at";

function reloadSoon(banner, message) {
  // Never throw away what the reader is typing, and never reload in a loop
  // (at most once a minute): ask instead.
  const last = Number(sessionStorage.getItem(RELOADED_AT) || 0);
  if (pageHasUnsavedInput() || Date.now() - last < 60_000) {
    banner.show(message, { label: t("reload"), run: () => location.reload() });
  } else {
    sessionStorage.setItem(RELOADED_AT, String(Date.now()));
    location.reload();
  }
}

function announce(name, detail) {
  document.dispatchEvent(new CustomEvent(name, { detail }));
}

function start() {
  const body = document.body;
  revealControls();
  const space = body.dataset.space;
  if (!space || !("WebSocket" in window)) return;
  const seq = Number.parseInt(body.dataset.spaceSeq ?? "", 10);
  const banner = new StatusBanner();
  const live = new LiveConnection({
    onEvent: applyEvent,
    onState: (state) => {
      banner.set(state);
      announce("carnet:state", state);
    },
    onReload: () => reloadSoon(banner, t("outdated")),
    onRevoked: (_space, code) => {
      live.stop();
      if (code === "access_revoked") {
        reloadSoon(banner, t("outdated"));
      } else {
        // Refused at subscribe although the page rendered: do not reload (it would
        // be refused again); the page still works, without live updates.
        banner.show(t("paused"));
      }
    },
    onSignedOut: () => reloadSoon(banner, t("outdated")),
    // For the page's own scripts (static/js/presence.js): a space is live again, a
    // presence or typing frame arrived, the connection changed state.
    onSubscribed: (subscribed) => announce("carnet:subscribed", { space: subscribed }),
    onEphemeral: (frame) => announce("carnet:frame", frame),
  });
  live.follow(space, Number.isInteger(seq) ? seq : undefined);
  live.start();

  window.addEventListener("offline", () => live.offline());
  window.addEventListener("online", () => live.reconnectNow());
  window.addEventListener("pagehide", () => live.stop("stopped"));
  window.addEventListener("pageshow", (event) => {
    if (event.persisted) live.start(); // back from the back/forward cache: resume
  });
  window.carnetLive = live; // for debugging and the browser tests
}

if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", start, { once: true });
} else {
  start();
}
