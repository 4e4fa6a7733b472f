// What a person is typing, kept in this tab (sessionStorage) so that a
// reload, a language switch or a trip to another page does not lose it.
// Cleared on sign-out.
const PREFIX = "safar.draft.";

export function loadDraft(name) {
  try {
    return JSON.parse(sessionStorage.getItem(PREFIX + name) || "null");
  } catch {
    return null;
  }
}

export function saveDraft(name, value) {
  try {
    sessionStorage.setItem(PREFIX + name, JSON.stringify(value));
  } catch {
    /* full or unavailable: the form still works */
  }
}

export function dropDraft(name) {
  try {
    sessionStorage.removeItem(PREFIX + name);
  } catch {
    /* nothing kept */
  }
}

export function clearDrafts() {
  try {
    for (const k of Object.keys(sessionStorage)) if (k.startsWith(PREFIX)) sessionStorage.removeItem(k);
  } catch {
    /* nothing kept */
  }
}
