// Page navigation with JavaScript on. Pages are rendered on the server and only their
// islands are hydrated, so a link or a form inside the app would reload the whole page:
// instead, the next page's HTML is fetched and its body swapped in (the window, the
// loaded wasm and the scroll position on the same page are kept; islands in the new body
// are hydrated). Without JavaScript every link and form is an ordinary page load, and
// anything this script cannot handle falls back to one.
//
// Left to the browser: other origins, /api/ and /pkg/ URLs and any path naming a file
// (JSON, CSV, PDF, PNG, SVG downloads), links with a target, `download` or rel=external,
// modified clicks, and in-page anchors.

const NOT_A_PAGE = /^\/(api|pkg)(\/|$)/;
const A_FILE = /\.[a-z0-9]{2,5}$/i;

function isPage(url) {
  return url.origin === location.origin && !NOT_A_PAGE.test(url.pathname) && !A_FILE.test(url.pathname);
}

let latest = 0;

async function navigate(url, { method = "GET", body = null, push = true } = {}) {
  const mine = ++latest;
  document.documentElement.classList.add("navigating");
  let response, html;
  try {
    response = await fetch(url, { method, body, headers: { Accept: "text/html" }, credentials: "same-origin" });
    if (!(response.headers.get("content-type") || "").startsWith("text/html")) {
      throw new Error("not a page");
    }
    html = await response.text();
  } catch {
    // A network error or a file: the browser shows it as it would without this script.
    if (method === "GET") location.assign(url);
    else document.documentElement.classList.remove("navigating");
    return;
  }
  if (mine !== latest) return; // a newer navigation has started
  const next = new DOMParser().parseFromString(html, "text/html");
  followRefresh(next);
  // The answer to a POST that did not redirect (the import form's verdict) has no address
  // of its own: reloading the action's URL would ask it with GET, which it refuses. The
  // page keeps the form's address, in a new history entry so Back shows the form again.
  const answered = method !== "GET" && !response.redirected;
  const target = answered ? new URL(location.href) : new URL(response.url || url, location.href);
  const samePage = !answered && target.pathname === location.pathname;
  if (push) history.pushState(null, "", target);
  document.title = next.title;
  document.body.replaceChildren(...next.body.childNodes);
  document.documentElement.classList.remove("navigating");
  hydrateIslands();
  if (!samePage) {
    window.scrollTo(0, 0);
    const main = document.querySelector("main");
    if (main) {
      main.setAttribute("tabindex", "-1");
      main.focus({ preventScroll: true });
    }
  }
  document.dispatchEvent(new CustomEvent("quarry:navigated", { detail: { url: target.href } }));
}

// A page that asks to be fetched again (`<meta http-equiv="refresh">`, as an import's
// progress page does) would not be, once only its body is swapped in: ask in place.
let again = 0;
function followRefresh(doc) {
  clearTimeout(again);
  const meta = doc.querySelector('meta[http-equiv="refresh" i]');
  const seconds = meta && /^\s*(\d+)\s*$/.exec(meta.getAttribute("content") || "");
  if (seconds) again = setTimeout(() => document.dispatchEvent(new Event("quarry:refresh")), seconds[1] * 1000);
}

// leptos's island loader hydrates the first page's islands; a swapped-in body brings new
// ones. Before the wasm has loaded there is nothing to call: the loader then finds them.
function hydrateIslands() {
  if (typeof window.__hydrateIsland !== "function") return;
  for (const island of document.body.querySelectorAll("leptos-island")) {
    window.__hydrateIsland(island, island.dataset.component);
  }
}

document.addEventListener("click", (ev) => {
  if (ev.defaultPrevented || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
  const a = ev.target instanceof Element ? ev.target.closest("a[href]") : null;
  if (!a || (a.target && a.target !== "_self") || a.hasAttribute("download")) return;
  if ((a.getAttribute("rel") || "").split(/\s+/).includes("external")) return;
  const url = new URL(a.href, location.href);
  if (!isPage(url)) return;
  if (url.hash && url.pathname === location.pathname && url.search === location.search) return;
  ev.preventDefault();
  navigate(url.href);
});

document.addEventListener("submit", (ev) => {
  if (ev.defaultPrevented) return;
  const form = ev.target;
  if (!(form instanceof HTMLFormElement) || (form.target && form.target !== "_self")) return;
  const action = new URL(form.getAttribute("action") || location.href, location.href);
  const method = (ev.submitter?.getAttribute("formmethod") || form.method || "get").toUpperCase();
  const data = new FormData(form, ev.submitter);
  if (method === "GET") {
    if (!isPage(action)) return;
    const params = new URLSearchParams();
    for (const [k, v] of data) if (typeof v === "string") params.append(k, v);
    action.search = params.toString();
    ev.preventDefault();
    navigate(action.href);
  } else if (method === "POST") {
    ev.preventDefault();
    const multipart = (form.enctype || "").toLowerCase() === "multipart/form-data";
    navigate(action.href, { method, body: multipart ? data : new URLSearchParams(data) });
  }
});

window.addEventListener("popstate", () => navigate(location.href, { push: false }));

// An island that follows something running (components::AutoRefresh) asks for the page
// again: same URL, in place, no history entry.
// Not while someone is typing into a form on it: that would throw their input away.
document.addEventListener("quarry:refresh", function refresh() {
  if (document.activeElement?.closest("form")) {
    setTimeout(refresh, 2000);
    return;
  }
  navigate(location.href, { push: false });
});
