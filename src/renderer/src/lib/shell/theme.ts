/**
 * Light or dark: the person's choice, or the system's (prefers-color-scheme, followed live).
 * The resolved theme is set as `data-theme` on the root element; theme.css styles the dark one.
 */
export type ThemeChoice = 'system' | 'light' | 'dark';

export function systemTheme(): 'light' | 'dark' {
  return globalThis.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

export function resolveTheme(choice: ThemeChoice): 'light' | 'dark' {
  return choice === 'system' ? systemTheme() : choice;
}

/** Applies `choice` now and, while it is 'system', whenever the system changes; returns the stop function. */
export function applyTheme(choice: ThemeChoice, onResolved?: (theme: 'light' | 'dark') => void): () => void {
  const set = () => {
    const theme = resolveTheme(choice);
    document.documentElement.dataset.theme = theme;
    document.documentElement.style.colorScheme = theme;
    onResolved?.(theme);
  };
  set();
  if (choice !== 'system' || !globalThis.matchMedia) return () => undefined;
  const query = matchMedia('(prefers-color-scheme: dark)');
  query.addEventListener('change', set);
  return () => query.removeEventListener('change', set);
}
