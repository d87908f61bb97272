// The directory's query, filters, sort and results. Every keystroke runs a search; answers
// that arrive after a newer keystroke are dropped. Pages load as the list scrolls.
import { tick } from "svelte";
import type { CustomerHit, ParsedQuery, SortBy, StatusFilter } from "../bindings";
import { call, commands, messageOf } from "./api";

export const PAGE = 100;

export const search = $state({
  query: "",
  branch: null as number | null,
  status: "live" as StatusFilter,
  sort: "relevance" as SortBy,
  hits: [] as CustomerHit[],
  total: 0,
  totalExact: true,
  sorted: true,
  next: null as string | null,
  understood: null as ParsedQuery | null,
  selected: -1,
  loading: false,
  error: null as string | null,
  /** A search has answered at least once. */
  ready: false,
});

let latest = 0;

/** Keystroke → results painted, in ms, and when (ms since the page's time origin); read by the
 *  in-window benchmark over WebDriver. */
export const paintTimes: { query: string; ms: number; at: number }[] = [];
(window as unknown as { __frontdesk: object }).__frontdesk = { paintTimes };

function request(after: string | null) {
  return {
    query: search.query,
    filter: { branch: search.branch, status: search.status, created_from: null, created_to: null },
    sort: search.sort,
    limit: PAGE,
    after,
  };
}

/** Runs the current query from the first page. `startedAt` is the keystroke's time. */
export async function runSearch(startedAt = performance.now(), keepId: string | null = null): Promise<void> {
  const mine = ++latest;
  search.loading = true;
  try {
    const page = await call(commands.search(request(null)));
    if (mine !== latest) return;
    search.hits = page.hits;
    search.total = page.total;
    search.totalExact = page.total_exact;
    search.sorted = page.sorted;
    search.next = page.next;
    search.understood = page.understood_as;
    search.error = null;
    const kept = keepId ? page.hits.findIndex((h) => h.id === keepId) : -1;
    search.selected = kept >= 0 ? kept : page.hits.length ? 0 : -1;
    search.ready = true;
    const query = search.query;
    await tick();
    requestAnimationFrame(() =>
      setTimeout(() => {
        const now = performance.now();
        paintTimes.push({ query, ms: now - startedAt, at: now });
        if (paintTimes.length > 10_000) paintTimes.splice(0, 5_000);
      }),
    );
  } catch (e) {
    if (mine === latest) search.error = messageOf(e);
  } finally {
    if (mine === latest) search.loading = false;
  }
}

let loadingMore = false;

/** Appends the next page (when the list is scrolled near its end). */
export async function loadMore(): Promise<void> {
  if (!search.next || loadingMore) return;
  loadingMore = true;
  const mine = latest;
  try {
    const page = await call(commands.search(request(search.next)));
    if (mine !== latest) return;
    search.hits = search.hits.concat(page.hits);
    search.next = page.next;
  } catch (e) {
    search.error = messageOf(e);
  } finally {
    loadingMore = false;
  }
}

/** Shows one customer in the list (after creating it, or "use this customer"). */
export async function showCustomer(code: string, id: string): Promise<void> {
  search.query = code;
  search.status = "live";
  search.branch = null;
  await runSearch(performance.now(), id);
}

export function selectedHit(): CustomerHit | null {
  return search.selected >= 0 ? (search.hits[search.selected] ?? null) : null;
}
