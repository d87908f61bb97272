// The directory's query, filters, sort and results. Every keystroke runs a search; answers
// that arrive after a newer keystroke are dropped. Pages load as the list scrolls.
import { tick } from "svelte";
import type { ActivityFilter, Condition, CustomerHit, ParsedQuery, Segment, SortBy, StatusFilter } from "../bindings";
import { call, commands, fieldError, messageOf } from "./api";

export const PAGE = 50;

class SearchState {
  query = $state("");
  branch = $state<number | null>(null);
  status = $state<StatusFilter>("live");
  /** What the customers did lately (visited, lapsed, new …); null: anyone. Replaced whole. */
  activity = $state.raw<ActivityFilter | null>(null);
  /** The filter builder's conditions (all must hold); replaced whole. */
  conditions = $state.raw<Condition[]>([]);
  /** The saved segment the conditions came from, if any. */
  segment = $state.raw<Segment | null>(null);
  /** A condition the core refused: its place in `conditions` and why. */
  conditionError = $state.raw<{ index: number; message: string } | null>(null);
  sort = $state<SortBy>("relevance");
  /** null: the sort's usual direction (A→Z for name and email, highest / newest first otherwise). */
  descending = $state<boolean | null>(null);
  /** Raw (not deeply reactive): a page is replaced whole, and 100 proxied rows cost a frame. */
  hits = $state.raw<CustomerHit[]>([]);
  /** The query the shown hits answer (what their highlighting marks). */
  hitsQuery = $state("");
  total = $state(0);
  totalExact = $state(true);
  sorted = $state(true);
  next = $state<string | null>(null);
  understood = $state.raw<ParsedQuery | null>(null);
  selected = $state(-1);
  /** Customers ticked in the list (ids), for actions on several at once. */
  marked = $state<string[]>([]);
  loading = $state(false);
  error = $state<string | null>(null);
  /** A search has answered at least once. */
  ready = $state(false);
  /** When nothing live matches: how many archived customers do (so no one re-creates them). */
  archivedMatches = $state(0);
  /** Bumped when the list is reloaded after a write (what the quick stats refresh on). */
  written = $state(0);
}

export const search = new SearchState();

let latest = 0;
/** The newest search, until it has answered. */
let pending: Promise<void> = Promise.resolve();
/** The request whose answer gave `search.next` (a next page continues that search). */
let shownRequest: ReturnType<typeof request> | null = null;

/** Resolves once the results on screen answer the query as typed now. */
export async function settled(): Promise<void> {
  while (search.hitsQuery !== search.query || search.loading) {
    const p = pending;
    await p;
    if (p === pending) break;
  }
}

/** Keystroke → results painted, in ms, and when (ms since the page's time origin); read by the
 *  in-window benchmark over WebDriver. */
export const paintTimes: { query: string; ms: number; at: number; ipc: number; dom: number }[] = [];
(window as unknown as { __frontdesk: object }).__frontdesk = { paintTimes };

/** The search on screen (query, filters, sort) as the core takes it. */
export function currentRequest(): ReturnType<typeof request> {
  return request(null);
}

/** A condition with what it needs (one still being filled in is not sent yet). */
export function complete(c: Condition): boolean {
  if (c.op === "empty" || c.op === "not_empty") return true;
  const v = c.value;
  if (v === null || v === undefined || v === "") return false;
  if (Array.isArray(v)) return v.length > 0 && (c.op !== "between" || (v.length === 2 && v.every((x) => x !== null && x !== "")));
  return true;
}

/** The places in `search.conditions` of the conditions sent (for an error to point at). */
let sentConditions: number[] = [];

function request(after: string | null) {
  sentConditions = search.conditions.flatMap((c, i) => (complete(c) ? [i] : []));
  return {
    query: search.query,
    filter: {
      branch: search.branch,
      status: search.status,
      created_from: null,
      created_to: null,
      activity: search.activity,
      conditions: search.conditions.filter(complete),
    },
    sort: search.sort,
    descending: search.descending,
    limit: PAGE,
    after,
  };
}

/** Runs the current query from the first page. `startedAt` is the keystroke's time. */
export function runSearch(startedAt = performance.now(), keepId: string | null = null): Promise<void> {
  pending = search_(startedAt, keepId);
  return pending;
}

async function search_(startedAt: number, keepId: string | null): Promise<void> {
  const mine = ++latest;
  // The spinner shows only for a slow answer: a re-render per keystroke would cost a frame.
  const slow = setTimeout(() => mine === latest && (search.loading = true), 150);
  try {
    const sent = request(null);
    const page = await call(commands.search(sent));
    const ipc = performance.now() - startedAt;
    if (mine !== latest) return;
    search.hits = page.hits;
    search.hitsQuery = sent.query;
    shownRequest = sent;
    search.total = page.total;
    search.totalExact = page.total_exact;
    search.sorted = page.sorted;
    search.next = page.next;
    search.understood = page.understood_as;
    search.error = null;
    search.conditionError = null;
    const kept = keepId ? page.hits.findIndex((h) => h.id === keepId) : -1;
    search.selected = kept >= 0 ? kept : page.hits.length ? 0 : -1;
    search.ready = true;
    search.archivedMatches = 0;
    if (page.hits.length === 0 && sent.query.trim() && sent.filter.status === "live") countArchived(sent, mine);
    const query = search.query;
    await tick();
    const dom = performance.now() - startedAt;
    requestAnimationFrame(() =>
      setTimeout(() => {
        const now = performance.now();
        paintTimes.push({ query, ms: now - startedAt, at: now, ipc, dom });
        if (paintTimes.length > 10_000) paintTimes.splice(0, 5_000);
      }),
    );
  } catch (e) {
    if (mine !== latest) return;
    // A condition the core refused is said beside it, not over the list.
    const f = fieldError(e);
    const at = f ? /^conditions\.(\d+)$/.exec(f.field) : null;
    if (f && at) search.conditionError = { index: sentConditions[Number(at[1])] ?? Number(at[1]), message: f.message };
    else search.error = messageOf(e);
  } finally {
    clearTimeout(slow);
    if (mine === latest) search.loading = false;
  }
}

async function countArchived(sent: ReturnType<typeof request>, mine: number): Promise<void> {
  try {
    const page = await call(commands.search({ ...sent, filter: { ...sent.filter, status: "archived" }, limit: 1 }));
    if (mine === latest) search.archivedMatches = page.total;
  } catch {
    // Only a hint: the empty result already says what to do.
  }
}

let loadingMore = false;

/** Appends the next page (when the list is scrolled near its end). */
export async function loadMore(): Promise<void> {
  if (!search.next || !shownRequest || loadingMore) return;
  loadingMore = true;
  const mine = latest;
  try {
    const page = await call(commands.search({ ...shownRequest, after: search.next }));
    if (mine !== latest) return;
    search.hits = search.hits.concat(page.hits);
    search.next = page.next;
  } catch (e) {
    if (mine === latest) search.error = messageOf(e);
  } finally {
    loadingMore = false;
  }
}

/** Shows one customer in the list (after creating it, or "use this customer"). */
export async function showCustomer(code: string, id: string): Promise<void> {
  search.query = code;
  search.status = "live";
  search.branch = null;
  search.activity = null;
  search.conditions = [];
  search.segment = null;
  await reloadAfterWrite(id);
}

/** Runs the current search again after something was written (a customer created, demo data or
 *  an import loaded …), keeping `keepId` selected, and has the quick stats refreshed. */
export async function reloadAfterWrite(keepId: string | null = null): Promise<void> {
  await runSearch(performance.now(), keepId);
  search.written++;
}

/** The sorts by a customer's running stats (the list then shows their spent / visits columns). */
export const STAT_SORTS: readonly SortBy[] = ["total_spent", "last_visit", "appointment_count"];

/** The activity filter's choices, by a key a <select> can hold. */
export const ACTIVITY_CHOICES: { key: string; label: string; filter: ActivityFilter | null }[] = [
  { key: "any", label: "Any activity", filter: null },
  { key: "visited_within:30", label: "Visited in last 30 days", filter: { kind: "visited_within", days: 30 } },
  { key: "visited_within:90", label: "Visited in last 90 days", filter: { kind: "visited_within", days: 90 } },
  { key: "not_visited_for:90", label: "Not visited for 90+ days", filter: { kind: "not_visited_for", days: 90 } },
  { key: "never", label: "Never visited", filter: { kind: "never" } },
  { key: "new", label: "New (last 30 days)", filter: { kind: "new" } },
  { key: "upcoming", label: "Has upcoming appointment", filter: { kind: "upcoming" } },
];

/** The <select> key of an activity filter. */
export function activityKey(f: ActivityFilter | null): string {
  if (!f) return "any";
  return f.kind === "visited_within" || f.kind === "not_visited_for" ? `${f.kind}:${f.days}` : f.kind;
}

export function activityFromKey(key: string): ActivityFilter | null {
  return ACTIVITY_CHOICES.find((c) => c.key === key)?.filter ?? null;
}

export function selectedHit(): CustomerHit | null {
  return search.selected >= 0 ? (search.hits[search.selected] ?? null) : null;
}
