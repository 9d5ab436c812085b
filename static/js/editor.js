// The article editor: live preview rendered by the server, autosave of drafts,
// images uploaded and inserted as Markdown. Without JavaScript the same form
// works with its "Preview", "Upload and insert", "Save draft" and "Publish" buttons.

const PREVIEW_DELAY_MS = 400;
const AUTOSAVE_EVERY_MS = 5000;

function debounce(fn, delay) {
  let timer = null;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), delay);
  };
}

async function post(url, form, body) {
  const token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  const response = await fetch(url, {
    method: "POST",
    body,
    credentials: "same-origin",
    headers: { "X-CSRFToken": token, Accept: "application/json" },
  });
  let payload = {};
  try {
    payload = await response.json();
  } catch {
    payload = {};
  }
  if (!response.ok) {
    const error = new Error(payload.error || form.closest("[data-editor]")?.dataset.msgError || "");
    error.status = response.status;
    throw error;
  }
  return payload;
}

function insertAtCursor(textarea, text) {
  const start = textarea.selectionStart ?? textarea.value.length;
  const end = textarea.selectionEnd ?? start;
  const before = textarea.value.slice(0, start);
  const after = textarea.value.slice(end);
  const padBefore = before && !before.endsWith("\n\n") ? (before.endsWith("\n") ? "\n" : "\n\n") : "";
  const padAfter = after && !after.startsWith("\n") ? "\n\n" : "\n";
  const insertion = `${padBefore}${text}${padAfter}`;
  textarea.value = before + insertion + after;
  const caret = before.length + insertion.length;
  textarea.setSelectionRange(caret, caret);
  textarea.focus();
  textarea.dispatchEvent(new Event("input", { bubbles: true }));
}

function setupEditor(form) {
  const title = form.querySelector("[name=title]");
  const body = form.querySelector("[name=body]");
  const category = form.querySelector("[name=category]");
  const tags = form.querySelector("[name=tags]");
  const imageInput = form.querySelector("[name=image]");
  const preview = document.getElementById("preview");
  const status = document.getElementById("autosave-status");
  const messages = form.dataset;

  // With JavaScript, the preview follows the text and images upload on their own.
  for (const button of form.querySelectorAll("[data-nojs-only]")) button.hidden = true;
  form.classList.add("editor--live");

  let previewRequest = 0;
  const refreshPreview = debounce(async () => {
    const ticket = ++previewRequest;
    const data = new FormData();
    data.append("body", body.value);
    preview.setAttribute("aria-busy", "true");
    try {
      const result = await post(messages.previewUrl, form, data);
      if (ticket !== previewRequest) return; // a newer preview is on its way
      // The server's renderer sanitized this HTML (markdown-it-py + nh3).
      preview.innerHTML = result.html || `<p class="muted">${messages.msgEmpty}</p>`;
    } catch (error) {
      if (ticket === previewRequest) status.textContent = error.message;
    } finally {
      if (ticket === previewRequest) preview.setAttribute("aria-busy", "false");
    }
  }, PREVIEW_DELAY_MS);
  body.addEventListener("input", refreshPreview);

  // Autosave: drafts only (published articles change when "Update" is pressed).
  let dirty = false;
  let saving = false;
  const autosaveUrl = messages.autosaveUrl;
  const markDirty = () => {
    dirty = true;
  };
  for (const field of [title, body, category, tags]) {
    if (field) field.addEventListener("input", markDirty);
  }

  async function autosave() {
    if (!autosaveUrl || !dirty || saving) return;
    if (!messages.articleId && !title.value.trim() && !body.value.trim()) return;
    saving = true;
    dirty = false;
    const data = new FormData();
    if (messages.articleId) data.append("article", messages.articleId);
    data.append("title", title.value);
    data.append("body", body.value);
    if (category) data.append("category", category.value);
    if (tags) data.append("tags", tags.value);
    status.textContent = messages.msgSaving;
    try {
      const result = await post(autosaveUrl, form, data);
      if (!messages.articleId || form.getAttribute("action") !== result.edit_url) {
        // From now on the form edits this draft, whatever happens to the title.
        form.dataset.articleId = String(result.article_id);
        const draftField = form.querySelector("input[name=draft]");
        if (draftField) draftField.value = String(result.article_id);
        form.setAttribute("action", result.edit_url);
        history.replaceState(null, "", result.edit_url);
      }
      status.textContent = result.message;
    } catch (error) {
      dirty = true;
      status.textContent = error.status === 400 && error.message ? error.message : messages.msgError;
    } finally {
      saving = false;
    }
  }
  if (autosaveUrl) {
    setInterval(autosave, AUTOSAVE_EVERY_MS);
    window.addEventListener("pagehide", () => {
      if (dirty) autosave();
    });
  }

  // Images: upload at once, insert the Markdown where the cursor is.
  if (imageInput) {
    imageInput.addEventListener("change", async () => {
      const file = imageInput.files[0];
      if (!file) return;
      const data = new FormData();
      data.append("image", file);
      status.textContent = messages.msgUploading;
      try {
        const result = await post(messages.uploadUrl, form, data);
        insertAtCursor(body, result.markdown);
        status.textContent = messages.msgUploaded;
      } catch (error) {
        status.textContent = error.message || messages.msgError;
      } finally {
        imageInput.value = "";
      }
    });
  }

  // A real submit saves everything: no need for the autosave to race it.
  form.addEventListener("submit", () => {
    dirty = false;
  });
}

for (const form of document.querySelectorAll("form[data-editor]")) setupEditor(form);
