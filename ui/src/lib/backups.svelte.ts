// Where backups go and how the last one went: shown in Settings, and as a warning in the top
// bar when the last good backup is more than two days old.
import type { BackupStatus } from "../bindings";
import { call, commands, messageOf } from "./api";
import { counted } from "./format";

export const backups = $state({ status: null as BackupStatus | null, error: null as string | null });

export async function loadBackupStatus(): Promise<void> {
  try {
    backups.status = await call(commands.backupStatus());
    backups.error = null;
  } catch (e) {
    backups.error = messageOf(e);
  }
}

/** "3 days ago", "5 hours ago", "just now". */
export function ago(ms: number, now = Date.now()): string {
  const minutes = Math.floor((now - ms) / 60_000);
  if (minutes < 1) return "just now";
  if (minutes < 60) return `${minutes} minute${minutes === 1 ? "" : "s"} ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} hour${hours === 1 ? "" : "s"} ago`;
  return `${Math.floor(hours / 24)} days ago`;
}

export function describeCounts(c: { customers: number; appointments: number; orders: number; payments: number }): string {
  return [counted(c.customers, "customer"), counted(c.appointments, "appointment"), counted(c.orders, "order"), counted(c.payments, "payment")].join(", ");
}

export function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}
