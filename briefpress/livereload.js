// briefpress serve: live reload. Added to HTML responses by the dev server, never to built files.
// Listens to the server's events: reloads this page when its URL changed (or when it showed
// an error), swaps stylesheets when only CSS changed, and shows build errors as an overlay.
(() => {
  const script = document.currentScript;
  const here = normalise(location.pathname);
  let overlay = null;

  function normalise(path) {
    try {
      path = decodeURI(path);
    } catch (error) {
      // a malformed escape: compare the path as it is
    }
    return path.replace(/index\.html$/, "");
  }

  function changed(urls) {
    return urls.includes("*") || urls.some((url) => normalise(url) === here);
  }

  function swapStylesheets() {
    for (const link of document.querySelectorAll('link[rel="stylesheet"]')) {
      const url = new URL(link.href, location.href);
      if (url.origin !== location.origin) continue;
      url.searchParams.set("briefpress", String(Date.now()));
      const fresh = link.cloneNode();
      fresh.href = url.href;
      fresh.addEventListener("load", () => link.remove());
      fresh.addEventListener("error", () => fresh.remove());
      link.after(fresh);
    }
  }

  function showProblems(problems) {
    if (overlay) overlay.remove();
    overlay = null;
    if (!problems.length) return;
    overlay = document.createElement("div");
    overlay.id = "briefpress-problems";
    overlay.setAttribute("role", "alert");
    overlay.style.cssText =
      "position:fixed;left:0;right:0;bottom:0;max-height:60vh;overflow:auto;z-index:2147483647;" +
      "margin:0;padding:1rem 1.25rem;background:#1c1c1e;color:#f5f5f5;" +
      "font:14px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;" +
      "border-top:4px solid #e5484d;box-shadow:0 -6px 24px rgba(0,0,0,.35)";
    const title = document.createElement("strong");
    title.textContent =
      "briefpress could not build your last change; this is the last good build. " +
      "Fix the file and save:";
    const list = document.createElement("pre");
    list.style.cssText = "margin:.5rem 0 0;white-space:pre-wrap;color:#ffb4ae";
    list.textContent = problems.join("\n");
    const close = document.createElement("button");
    close.type = "button";
    close.textContent = "×";
    close.setAttribute("aria-label", "Hide");
    close.style.cssText =
      "float:right;font:inherit;font-size:1.25rem;line-height:1;background:none;color:inherit;" +
      "border:0;cursor:pointer";
    close.addEventListener("click", () => overlay && overlay.remove());
    overlay.append(close, title, list);
    document.body.append(overlay);
  }

  const since = encodeURIComponent(script.dataset.since || "");
  const events = new EventSource(`${script.dataset.events}?since=${since}`);
  events.addEventListener("change", (event) => {
    const change = JSON.parse(event.data);
    if (overlay || changed(change.urls)) {
      events.close();
      location.reload();
    } else if (change.css) {
      swapStylesheets();
    }
  });
  events.addEventListener("problems", (event) => showProblems(JSON.parse(event.data)));
})();
