// The quick-create dialog, reusable from any flow: the caller gets the customer back
// (created, or an existing one the receptionist chose to use) and stays where it was.
import type { Customer, CustomerInput } from "../bindings";
import { call, commands } from "./api";

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

/** Opens quick create with what was typed (`q`) read as a name, a phone and an email by the
 *  core ("Bella 07700 900126" → first name Bella, phone 07700 900126). */
export async function quickCreateFrom(q: string, onDone: (c: Picked, created: Customer | null) => void): Promise<void> {
  let draft: Partial<CustomerInput> = {};
  try {
    draft = await call(commands.draftCustomer(q));
  } catch {
    draft = { first_name: q.trim() }; // the form still opens, with the words as typed
  }
  openQuickCreate(draft, onDone);
}
