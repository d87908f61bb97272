// The quick-create dialog, reusable from any flow: the caller gets the customer back
// (created, or an existing one the receptionist chose to use) and stays where it was.
import type { Customer, CustomerInput } from "../bindings";

export interface Picked {
  id: string;
  code: string;
  display_name: string;
}

export const quick = $state({
  open: false,
  draft: {} as Partial<CustomerInput>,
  onDone: null as null | ((c: Picked, created: Customer | null) => void),
});

export function openQuickCreate(draft: Partial<CustomerInput>, onDone: (c: Picked, created: Customer | null) => void): void {
  quick.draft = draft;
  quick.onDone = onDone;
  quick.open = true;
}

export function closeQuickCreate(): void {
  quick.open = false;
  quick.onDone = null;
}

/** What was typed in the search box, as the start of a new customer. */
export function draftFromQuery(q: string): Partial<CustomerInput> {
  const t = q.trim();
  if (!t) return {};
  if (t.includes("@")) return { email: t };
  if (/^[\d\s+().\-/]+$/.test(t) && /\d/.test(t)) return { phone: t };
  const words = t.split(/\s+/).map((w) => w.charAt(0).toLocaleUpperCase() + w.slice(1));
  return words.length === 1 ? { first_name: words[0] } : { first_name: words[0], last_name: words.slice(1).join(" ") };
}
