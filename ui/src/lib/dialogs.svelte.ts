// Dialogs that outlive the screen that opened them (an import keeps going, and its summary
// stays up, while the list behind it fills).
export const dialogs = $state({ importing: false });
