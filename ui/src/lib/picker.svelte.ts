// The customer picker shown on the booking or order screen, so Ctrl+N anywhere on that screen
// creates the walk-in there (not in the directory).
export const picker = { createNew: null as null | (() => void) };
