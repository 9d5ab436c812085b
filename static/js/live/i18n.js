// The client's few words, in the page's language (<html lang>), French by default.

const TEXT = {
  fr: {
    reconnecting: "Reconnexion…",
    paused: "Mises à jour en direct interrompues.",
    outdated: "Cette page n’est plus à jour.",
    reload: "Recharger",
    newArticles: (n) => (n === 1 ? "1 nouvel article — afficher" : `${n} nouveaux articles — afficher`),
  },
  en: {
    reconnecting: "Reconnecting…",
    paused: "Live updates paused.",
    outdated: "This page is out of date.",
    reload: "Reload",
    newArticles: (n) => (n === 1 ? "1 new article — show" : `${n} new articles — show`),
  },
};

export function language() {
  const lang = (document.documentElement.lang || "fr").toLowerCase().slice(0, 2);
  return lang in TEXT ? lang : "fr";
}

export function t(key, ...args) {
  const entry = TEXT[language()][key];
  return typeof entry === "function" ? entry(...args) : entry;
}
