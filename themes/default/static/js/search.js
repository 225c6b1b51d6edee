// The search page: Pagefind's JS API over the bundles of pagefind/bundles.json (one,
// or one per year on a large site, newest first), rendered as a plain result list.
// Query, tag and order live in the URL (?q=&tag=&sort=date): a search can be linked,
// reloaded, and Back returns to the previous one.
//
// Each year's bundle is its own Pagefind instance rather than a mergeIndex: a merged
// search orders results by score even when sorting by date, whereas bundles that are
// already newest year first only need concatenating.

const PAGE_SIZE = 10;
const TYPING_DELAY_MS = 250;

const form = document.getElementById("search-form");
const box = document.getElementById("search-q");
const tagSelect = document.getElementById("search-tag");
const sortSelect = document.getElementById("search-sort");
const status = document.getElementById("search-status");
const list = document.getElementById("search-results");
const more = document.getElementById("search-more");
const dateFormat = new Intl.DateTimeFormat(form.dataset.lang, { dateStyle: "long", timeZone: "UTC" });

/** Pagefind instances, one per bundle: a promise, so a search typed early waits for them. */
let bundles = Promise.resolve([]);
let results = [];
let shown = 0;
let generation = 0;
let typingTimer = 0;

async function loadBundles() {
  const response = await fetch(form.dataset.manifest);
  if (!response.ok) throw new Error(`${form.dataset.manifest}: HTTP ${response.status}`);
  const manifest = await response.json();
  const siteBase = new URL(form.dataset.base, location.href);
  return Promise.all(
    manifest.bundles.map(async (bundle) => {
      const basePath = new URL(bundle.path, siteBase).pathname;
      const pagefind = await import(`${basePath}pagefind.js`);
      await pagefind.options({ basePath, baseUrl: siteBase.pathname });
      return pagefind;
    })
  );
}

/** Tag names with their counts over every bundle, most used first. */
async function loadTags(instances) {
  const counts = new Map();
  for (const filters of await Promise.all(instances.map((pagefind) => pagefind.filters()))) {
    for (const [name, count] of Object.entries(filters.tag || {})) {
      counts.set(name, (counts.get(name) || 0) + count);
    }
  }
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

function fillTags(tags, selected) {
  for (const [name, count] of tags) tagSelect.append(new Option(`${name} (${count})`, name));
  if (selected && !tags.some(([name]) => name === selected)) tagSelect.append(new Option(selected, selected));
}

function stateFromUrl() {
  const params = new URLSearchParams(location.search);
  return { q: params.get("q") || "", tag: params.get("tag") || "", sort: params.get("sort") === "date" ? "date" : "" };
}

function stateFromForm() {
  return { q: box.value.trim(), tag: tagSelect.value, sort: sortSelect.value };
}

function showState(state) {
  box.value = state.q;
  tagSelect.value = state.tag;
  sortSelect.value = state.sort;
}

function urlOf(state) {
  const params = new URLSearchParams();
  for (const key of ["q", "tag", "sort"]) if (state[key]) params.set(key, state[key]);
  const query = params.toString();
  return location.pathname + (query ? `?${query}` : "");
}

/** Typing replaces the history entry; a submitted search or a changed filter adds one. */
function remember(state, push) {
  const url = urlOf(state);
  if (url === location.pathname + location.search) return;
  history[push ? "pushState" : "replaceState"](null, "", url);
}

async function search(state) {
  const run = ++generation;
  if (!state.q && !state.tag) {
    results = [];
    list.replaceChildren();
    status.textContent = "";
    more.hidden = true;
    return;
  }
  const options = { filters: state.tag ? { tag: state.tag } : {} };
  if (state.sort === "date") options.sort = { date: "desc" };
  let responses;
  try {
    const instances = await bundles;
    responses = await Promise.all(instances.map((pagefind) => pagefind.search(state.q || null, options)));
  } catch (error) {
    status.textContent = status.dataset.failed;
    throw error;
  }
  if (run !== generation) return; // a newer search started meanwhile
  results = responses.flatMap((response) => (response ? response.results : []));
  if (state.sort !== "date") results.sort((a, b) => b.score - a.score);
  shown = 0;
  list.replaceChildren();
  status.textContent = results.length ? `${status.dataset.count} ${results.length}` : status.dataset.none;
  await showMore(run);
}

async function showMore(run) {
  const page = await Promise.all(results.slice(shown, shown + PAGE_SIZE).map((result) => result.data()));
  if (run !== generation) return;
  shown += page.length;
  list.append(...page.map(renderResult));
  more.hidden = shown >= results.length;
}

function renderResult(data) {
  const item = document.createElement("li");
  item.className = "search-result";
  if (data.meta.image) {
    const image = document.createElement("img");
    image.src = data.meta.image;
    image.alt = "";
    image.loading = "lazy";
    item.append(image);
  }
  const text = document.createElement("div");
  const heading = document.createElement("h2");
  const link = document.createElement("a");
  link.href = data.url;
  link.textContent = data.meta.title || data.url;
  heading.append(link);
  text.append(heading);
  if (data.meta.date) {
    const time = document.createElement("time");
    time.dateTime = data.meta.date;
    time.textContent = dateFormat.format(new Date(`${data.meta.date.slice(0, 10)}T00:00:00Z`));
    const line = document.createElement("p");
    line.className = "dateline";
    line.append(time);
    text.append(line);
  }
  const excerpt = document.createElement("p");
  excerpt.className = "excerpt";
  excerpt.innerHTML = data.excerpt; // Pagefind's escaped text with <mark> around matches
  text.append(excerpt);
  item.append(text);
  return item;
}

function searchNow(push) {
  clearTimeout(typingTimer);
  const state = stateFromForm();
  remember(state, push);
  search(state);
}

function start() {
  const initial = stateFromUrl();
  showState(initial);
  bundles = loadBundles();
  bundles
    .then(loadTags)
    .then((tags) => {
      fillTags(tags, initial.tag);
      tagSelect.value = stateFromUrl().tag;
    })
    .catch(() => {}); // search() reports a bundle that does not load
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    searchNow(true);
  });
  box.addEventListener("input", () => {
    clearTimeout(typingTimer);
    typingTimer = setTimeout(() => searchNow(false), TYPING_DELAY_MS);
  });
  tagSelect.addEventListener("change", () => searchNow(true));
  sortSelect.addEventListener("change", () => searchNow(true));
  more.addEventListener("click", () => showMore(generation));
  window.addEventListener("popstate", () => {
    const state = stateFromUrl();
    showState(state);
    search(state);
  });
  search(initial);
}

start();
