// The backend, as the UI uses it: every command returns its data or throws an AppError that
// carries the core's typed error ({type, data}). The UI matches on `type`/`code`, never on text.
import { Channel } from "@tauri-apps/api/core";
import { commands, type CoreError, type Progress } from "../bindings";

type Result<T, E> = { status: "ok"; data: T } | { status: "error"; error: E };

export class AppError extends Error {
  constructor(public readonly error: CoreError) {
    super(describe(error));
  }
}

/** A sentence for people (the message the core wrote, which names the field and what to do). */
export function describe(e: CoreError): string {
  switch (e.type) {
    case "Validation":
      return e.data.message;
    case "Duplicate":
      return `This ${e.data.field} already belongs to ${e.data.existing.display_name} (${e.data.existing.code}).`;
    case "NotFound":
      return `That ${e.data.entity} no longer exists (${e.data.id}).`;
    case "Conflict":
      return e.data.message;
    case "InvalidTransition":
      return e.data.message;
    case "File":
      return e.data.line ? `${e.data.message} (line ${e.data.line})` : e.data.message;
    case "Storage":
      return `The database could not do that: ${e.data.message}`;
  }
}

export async function call<T>(p: Promise<Result<T, CoreError>>): Promise<T> {
  const r = await p;
  if (r.status === "error") {
    const e: unknown = r.error;
    // The command's own typed error, or the bridge's plain-text failure (e.g. a denied command).
    if (typeof e === "object" && e !== null && "type" in e) throw new AppError(e as CoreError);
    throw new Error(`The app could not run that: ${String(e)}`);
  }
  return r.data;
}

/** The field a thrown error is about and what to tell the person, when it is a field's error. */
export function fieldError(e: unknown): { field: string; message: string } | null {
  return e instanceof AppError && e.error.type === "Validation" ? { field: e.error.data.field, message: e.error.data.message } : null;
}

/** A field's error as the `{field: message}` a form shows, or null. */
export function fieldErrors(e: unknown): Record<string, string> | null {
  const f = fieldError(e);
  return f ? { [f.field]: f.message } : null;
}

/** A readable message for anything thrown (typed errors, or a failure of the bridge itself). */
export function messageOf(e: unknown): string {
  if (e instanceof AppError) return e.message;
  if (e instanceof Error) return e.message;
  return String(e);
}

export { commands };

/** A channel for a long command's progress reports, each handed to `show`. */
export function progressChannel(show: (p: Progress) => void): Channel<Progress> {
  const channel = new Channel<Progress>();
  channel.onmessage = show;
  return channel;
}
