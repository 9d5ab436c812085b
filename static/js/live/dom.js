// Apply events to the page. Every change is idempotent: an element is looked up by
// its id before it is inserted, and replacements swap an element for its newer self.
// Fragments are server-rendered and sanitized; they are parsed with a <template>.

import { t } from "./i18n.js";

function fragment(html) {
  const template = document.createElement("template");
  template.innerHTML = html.trim();
  return template.content;
}

function viewerId() {
  return document.body.dataset.userId || "";
}

/** Reveal the per-viewer controls the server rendered hidden (the server enforces anyway). */
export function revealControls(root = document) {
  const viewer = viewerId();
  const moderator = document.querySelector("#comments")?.dataset.viewerModerator === "true";
  for (const comment of root.querySelectorAll("[data-author-id]")) {
    const own = viewer !== "" && comment.dataset.authorId === viewer;
    for (const control of comment.querySelectorAll(":scope [data-owner-only]")) {
      if (control.closest("[data-author-id]") === comment) control.hidden = !own;
    }
    for (const control of comment.querySelectorAll(":scope [data-moderator-only]")) {
      if (control.closest("[data-author-id]") === comment) control.hidden = !(moderator && !own);
    }
  }
}

function setCount(articleId, count) {
  if (!Number.isInteger(count)) return;
  for (const element of document.querySelectorAll(`[data-comment-count="${articleId}"]`)) {
    element.textContent = String(count);
  }
}

// Comments ---------------------------------------------------------------------------

function commentCreated({ data, html }) {
  setCount(data.article_id, data.comment_count);
  const section = document.querySelector(`#comments[data-article-id="${data.article_id}"]`);
  if (!section || document.getElementById(`comment-${data.comment_id}`)) return;
  const list = data.parent_id
    ? section.querySelector(`ol.replies[data-parent-id="${data.parent_id}"]`)
    : section.querySelector("ol.comment-list");
  if (!list) return; // a reply to a comment not on this page
  const content = fragment(html);
  revealControls(content);
  const item = content.firstElementChild;
  list.append(content);
  section.classList.add("comments--has-comments");
  item?.classList.add("live-new");
}

function commentReplaced({ data, html }) {
  setCount(data.article_id, data.comment_count);
  const current = document.getElementById(`comment-${data.comment_id}`);
  if (!current) return;
  const content = fragment(html);
  revealControls(content);
  // Swap the comment itself, not its <li>: the replies already on the page stay.
  const fresh = content.querySelector(`#comment-${data.comment_id}`);
  if (fresh) current.replaceWith(fresh);
}

// Articles ---------------------------------------------------------------------------

const waiting = new Map(); // list element -> Map(article id -> card html)

function liveLists(categoryId) {
  return [...document.querySelectorAll("ol[data-live-articles]")].filter((list) => {
    const wanted = list.dataset.categoryId || "";
    return wanted === "" || wanted === String(categoryId ?? "");
  });
}

function newArticlesBar(list) {
  let bar = list.previousElementSibling;
  if (bar?.classList.contains("live-new-articles")) return bar;
  bar = document.createElement("button");
  bar.type = "button";
  bar.className = "button button--small live-new-articles";
  bar.addEventListener("click", () => showWaiting(list));
  list.before(bar);
  return bar;
}

function updateBar(list) {
  const count = waiting.get(list)?.size ?? 0;
  if (count === 0) {
    // Removed rather than hidden: button styles would override [hidden].
    const bar = list.previousElementSibling;
    if (bar?.classList.contains("live-new-articles")) bar.remove();
    return;
  }
  newArticlesBar(list).textContent = t("newArticles", count);
}

function showWaiting(list) {
  const cards = waiting.get(list);
  if (!cards) return;
  // Newest first, like the list: the last published goes on top.
  for (const [id, html] of cards) {
    if (document.getElementById(`article-${id}`)) continue;
    const content = fragment(html);
    content.firstElementChild?.classList.add("live-new");
    list.prepend(content);
  }
  cards.clear();
  updateBar(list);
}

function articlePublished({ data, html }) {
  for (const list of liveLists(data.category_id)) {
    if (list.querySelector(`#article-${data.article_id}`)) continue;
    if (!waiting.has(list)) waiting.set(list, new Map());
    waiting.get(list).set(data.article_id, html);
    updateBar(list);
  }
}

function articleUpdated({ data, html }) {
  const current = document.getElementById(`article-${data.article_id}`);
  if (current) current.replaceWith(fragment(html));
  for (const [list, cards] of waiting) {
    if (cards.has(data.article_id)) cards.set(data.article_id, html);
    updateBar(list);
  }
}

function articleUnpublished({ data }) {
  document.getElementById(`article-${data.article_id}`)?.remove();
  for (const [list, cards] of waiting) {
    if (cards.delete(data.article_id)) updateBar(list);
  }
}

const appliers = {
  "comment.created": commentCreated,
  "comment.updated": commentReplaced,
  "comment.removed": commentReplaced,
  "article.published": articlePublished,
  "article.updated": articleUpdated,
  "article.unpublished": articleUnpublished,
};

/** Apply one `event` frame to the page; unknown types change nothing. */
export function applyEvent(frame) {
  appliers[frame.type]?.(frame);
  document.dispatchEvent(new CustomEvent("carnet:event", { detail: frame }));
}
