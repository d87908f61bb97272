// Which screen is shown, and the guard that keeps a half-typed form from being lost.
import type { CustomerInput } from "../bindings";

export type View =
  | { name: "directory" }
  | { name: "profile"; id: string }
  | { name: "form"; id: string | null; draft?: Partial<CustomerInput> }
  | { name: "settings" }
  /** A new booking, for a customer already chosen or to be found on the screen. */
  | { name: "booking"; customerId?: string }
  /** A new order (sale), likewise. */
  | { name: "order"; customerId?: string; appointmentId?: string };

export const nav = $state({
  view: { name: "directory" } as View,
  /** A form with unsaved changes is open. */
  dirty: false,
  /** A navigation waiting for "discard changes?" to be answered. */
  pending: null as View | null,
});

/** Shows `v`, unless a form has unsaved changes: then asks first. */
export function go(v: View): void {
  if (nav.dirty) {
    nav.pending = v;
    return;
  }
  nav.view = v;
}

export function discardAndGo(): void {
  const v = nav.pending;
  nav.pending = null;
  nav.dirty = false;
  if (v) nav.view = v;
}

export function keepEditing(): void {
  nav.pending = null;
}
