/** The large-text, high-contrast mode (适老化): a class on <html>, remembered in this browser. */
const LARGE_TEXT_KEY = 'shiyu.largeText';
export const LARGE_TEXT_CLASS = 'large-text';

export function largeTextEnabled(): boolean {
  return document.documentElement.classList.contains(LARGE_TEXT_CLASS);
}

export function setLargeText(on: boolean): void {
  document.documentElement.classList.toggle(LARGE_TEXT_CLASS, on);
  localStorage.setItem(LARGE_TEXT_KEY, on ? '1' : '0');
}

/** Applies the remembered choice before the first paint. */
export function applyStoredPreferences(): void {
  document.documentElement.classList.toggle(LARGE_TEXT_CLASS, localStorage.getItem(LARGE_TEXT_KEY) === '1');
}
