// Dialogs: the import dialog outlives the screen that opened it (an import keeps going, and its
// summary stays up, while the list behind it fills); every open dialog is counted so the
// app's global keys leave the page behind it alone.
import { onMount } from "svelte";

export const dialogs = $state({ importing: false, open: 0 });

/** Call in a dialog component's script: counts it as open while it is mounted. */
export function modal(): void {
  onMount(() => {
    dialogs.open++;
    return () => {
      dialogs.open--;
    };
  });
}
