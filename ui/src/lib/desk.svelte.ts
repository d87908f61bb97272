// This desk's settings and branches, loaded once and refreshed after changes.
import type { DeskInfo } from "../bindings";
import { call, commands } from "./api";

export const desk = $state({ info: null as DeskInfo | null, error: null as string | null });

export async function loadDesk(): Promise<void> {
  try {
    desk.info = await call(commands.deskInfo());
    desk.error = null;
  } catch (e) {
    desk.error = e instanceof Error ? e.message : String(e);
  }
}

export function region(): string {
  return desk.info?.settings.default_region ?? "US";
}

export function branchName(id: number | null | undefined): string {
  return desk.info?.branches.find((b) => b.id === id)?.name ?? "";
}
