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

/** What was typed in the search box, as the start of a new customer: an email (a word with @),
 *  a phone (the words made of digits and + ( ) . - /, together) and a name (the other words):
 *  "Bella 07700 900126" → first name Bella, phone 07700 900126. */
export function draftFromQuery(q: string): Partial<CustomerInput> {
  const words = q.trim().split(/\s+/).filter((w) => w !== "");
  const draft: Partial<CustomerInput> = {};
  const phone: string[] = [];
  const name: string[] = [];
  for (const w of words) {
    if (w.includes("@") && !draft.email) draft.email = w;
    else if (/^[\d+().\-/]+$/.test(w) && /\d/.test(w)) phone.push(w);
    else name.push(w.charAt(0).toLocaleUpperCase() + w.slice(1));
  }
  if (phone.length) draft.phone = phone.join(" ");
  if (name.length) draft.first_name = name[0];
  if (name.length > 1) draft.last_name = name.slice(1).join(" ");
  return draft;
}
