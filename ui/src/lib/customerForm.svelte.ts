// A customer form's state, shared by the full form and the quick-create dialog: the values,
// the backend's field errors (checked while typing, debounced), who already has the typed
// email/phone, and saving.
import { TEXT_FIELDS, type ContactOwner, type Customer, type CustomerInput as SentInput, type FieldDef, type TextFields, type Value } from "../bindings";

/** The form always holds every field (the command accepts missing ones as defaults). */
export type CustomerInput = Required<SentInput>;
import { AppError, call, commands, messageOf, fieldError, fieldErrors } from "./api";

/** The plain text fields (address…), as the core's table lists them. */
function textFields(from?: TextFields): Required<TextFields> {
  return Object.fromEntries(TEXT_FIELDS.map((f) => [f.key, from?.[f.key] ?? null])) as Required<TextFields>;
}

/** The business's fields a form of `place` shows for a customer of `branch`, in form order. */
export function fieldsFor(all: FieldDef[], place: "form" | "quick_create" | "profile" | "overview" | "column", branch: number | null): FieldDef[] {
  return all.filter((f) => !f.archived && f.shown_in.includes(place) && (f.branches.length === 0 || branch === null || f.branches.includes(branch)));
}

/** A new customer's custom values: the default of each field their branch uses. */
export function defaultsOf(all: FieldDef[], branch: number | null = null): Record<string, Value> {
  const used = (f: FieldDef) => f.branches.length === 0 || (branch !== null && f.branches.includes(branch));
  return Object.fromEntries(all.filter((f) => !f.archived && f.default_value !== null && used(f)).map((f) => [f.key, f.default_value as Value]));
}

export function blankInput(fields: FieldDef[] = [], branch: number | null = null): CustomerInput {
  return {
    first_name: "",
    last_name: "",
    phone: null,
    phone_shared: false,
    email: null,
    email_shared: false,
    ...textFields(),
    branch_id: null,
    remarks: null,
    tags: [],
    birthday: null,
    marketing_consent: null,
    custom: defaultsOf(fields, branch),
    quick_create: false,
  };
}

export function inputFrom(c: Customer): CustomerInput {
  return {
    first_name: c.first_name,
    last_name: c.last_name,
    phone: c.phone_raw,
    phone_shared: c.phone_shared,
    email: c.email,
    email_shared: c.email_shared,
    ...textFields(c),
    branch_id: c.branch_id,
    remarks: c.remarks,
    tags: [...c.tags],
    birthday: c.birthday,
    marketing_consent: null,
    custom: { ...(c.custom ?? {}) },
    quick_create: false,
  };
}

/** Blank text fields are "not given". */
function cleaned(i: CustomerInput): CustomerInput {
  const custom: Record<string, Value> = {};
  for (const [k, v] of Object.entries(i.custom)) custom[k] = typeof v === "string" && v.trim() === "" ? null : Array.isArray(v) ? [...v] : v;
  const out = { ...i, tags: [...i.tags], custom } as Record<string, unknown>;
  for (const [k, v] of Object.entries(out)) if (typeof v === "string" && v.trim() === "" && k !== "first_name" && k !== "last_name") out[k] = null;
  return out as unknown as CustomerInput;
}

export class CustomerForm {
  input = $state<CustomerInput>(blankInput());
  errors = $state<Record<string, string>>({});
  owners = $state<ContactOwner[]>([]);
  touched = $state<Record<string, boolean>>({});
  submitted = $state(false);
  saving = $state(false);
  saveError = $state<string | null>(null);
  private initial: string;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private checks = 0;

  /** `baseline`: what counts as unchanged (for a new customer opened with a draft: the
   *  blank form, so the draft is protected by the unsaved-changes guard). */
  constructor(
    public readonly id: string | null,
    start: CustomerInput,
    baseline: CustomerInput = start,
  ) {
    this.input = start;
    this.initial = JSON.stringify(cleaned(baseline));
  }

  get dirty(): boolean {
    return JSON.stringify(cleaned(this.input)) !== this.initial;
  }

  /** The error to show next to `field`: once it was left, or after a save was tried. */
  shown(field: string): string | undefined {
    return this.touched[field] || this.submitted ? this.errors[field] : undefined;
  }

  touch(field: string): void {
    this.touched[field] = true;
  }

  /** Asks the backend about the form as it is now, 250 ms after the last change. */
  changed(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.check(), 250);
  }

  async check(): Promise<boolean> {
    const mine = ++this.checks;
    try {
      const r = await call(commands.checkCustomer(cleaned(this.input), this.id));
      if (mine !== this.checks) return false;
      const errors: Record<string, string> = {};
      for (const e of r.errors) if (e.type === "Validation" && !errors[e.data.field]) errors[e.data.field] = e.data.message;
      this.errors = errors;
      this.owners = r.owners;
      return Object.keys(errors).length === 0;
    } catch (e) {
      this.saveError = messageOf(e);
      return false;
    }
  }

  /** An owner the receptionist has not marked as a shared contact blocks saving. */
  blocking(o: ContactOwner): boolean {
    return !(o.field === "email" ? this.input.email_shared : this.input.phone_shared);
  }

  async save(): Promise<Customer | null> {
    this.submitted = true;
    this.saveError = null;
    clearTimeout(this.timer);
    if (!(await this.check())) return null;
    this.saving = true;
    try {
      const input = cleaned(this.input);
      const saved = this.id ? await call(commands.updateCustomer(this.id, input)) : await call(commands.createCustomer(input));
      this.initial = JSON.stringify(cleaned(inputFrom(saved)));
      return saved;
    } catch (e) {
      if (fieldError(e)) {
        this.errors = { ...this.errors, ...fieldErrors(e) };
      } else if (e instanceof AppError && e.error.type === "Duplicate") {
        await this.check(); // shows "already belongs to" with its choices
      } else {
        this.saveError = messageOf(e);
      }
      return null;
    } finally {
      this.saving = false;
    }
  }
}
