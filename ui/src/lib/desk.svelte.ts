// This desk's settings and branches, loaded once and refreshed after changes.
import type { DeskInfo } from "../bindings";
import { call, commands, messageOf } from "./api";
import { setLocale } from "./format";

export const desk = $state({ info: null as DeskInfo | null, error: null as string | null });

let latest = 0;

export async function loadDesk(): Promise<void> {
  const mine = ++latest;
  try {
    const info = await call(commands.deskInfo());
    if (mine !== latest) return; // a newer load is on its way
    setLocale(info.settings.locale);
    desk.info = info;
    desk.error = null;
  } catch (e) {
    if (mine === latest) desk.error = messageOf(e);
  }
}

export function region(): string {
  return desk.info?.settings.default_region ?? "US";
}

export function branchName(id: number | null | undefined): string {
  return desk.info?.branches.find((b) => b.id === id)?.name ?? "";
}
