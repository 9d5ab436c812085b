// The discreet connection banner (#live-status in base.html).

import { t } from "./i18n.js";

// A drop shorter than this never shows: no flashing on a quick reconnect.
const SHOW_AFTER_MS = 1500;

export class StatusBanner {
  constructor(element = document.getElementById("live-status")) {
    this.element = element;
    this.timer = null;
    this.sticky = false; // a message that asks for an action stays until acted upon
  }

  set(state) {
    if (!this.element) return;
    document.body.dataset.live = state;
    if (this.sticky) return;
    clearTimeout(this.timer);
    if (state === "live" || state === "stopped") {
      this.hide();
    } else if (state === "down" || state === "connecting") {
      if (this.element.hidden) {
        this.timer = setTimeout(() => this.show(t("reconnecting")), SHOW_AFTER_MS);
      }
    }
  }

  show(text, action = null) {
    if (!this.element) return;
    this.sticky = action !== null;
    this.element.replaceChildren(document.createTextNode(text));
    if (action) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "link-button";
      button.textContent = action.label;
      button.addEventListener("click", action.run);
      this.element.append(" ", button);
    }
    this.element.hidden = false;
  }

  hide() {
    this.element.hidden = true;
    this.element.replaceChildren();
  }
}
