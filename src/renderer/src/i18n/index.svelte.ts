/**
 * The language of the app: follows the system (navigator.language) until the person picks one,
 * then their choice is kept in localStorage. Components read `i18n.m` (the message catalogue of
 * the current language) and `i18n.tag` (the BCP 47 tag for Intl formatting); both are reactive.
 */
import { en, type Messages } from './en';
import { zh } from './zh';

export type Locale = 'en' | 'zh';
export const LOCALES: Locale[] = ['en', 'zh'];
const CATALOGUES: Record<Locale, Messages> = { en, zh };
const STORAGE_KEY = 'tenc-language';

/** The app's language for a BCP 47 tag from the system ("zh-CN", "zh-Hans-SG", "en-GB"...). */
export function localeFor(tag: string | undefined | null): Locale {
  return tag?.toLowerCase().startsWith('zh') ? 'zh' : 'en';
}

function stored(): Locale | null {
  try {
    const v = globalThis.localStorage?.getItem(STORAGE_KEY);
    return v === 'en' || v === 'zh' ? v : null;
  } catch {
    return null;
  }
}

class I18n {
  locale = $state<Locale>(stored() ?? localeFor(globalThis.navigator?.language));
  readonly m: Messages = $derived(CATALOGUES[this.locale]);
  /** The tag Intl formats numbers and dates with. */
  readonly tag: string = $derived(this.locale === 'zh' ? 'zh-CN' : (globalThis.navigator?.language ?? 'en'));

  /** The language the system asks for. */
  get systemLocale(): Locale {
    return localeFor(globalThis.navigator?.language);
  }

  /** Follow the system's language again (forgets the choice kept in this browser). */
  useSystem(): void {
    try {
      globalThis.localStorage?.removeItem(STORAGE_KEY);
    } catch {
      // Nothing kept, nothing to forget.
    }
    this.locale = this.systemLocale;
    if (globalThis.document) document.documentElement.lang = this.locale === 'zh' ? 'zh-CN' : 'en';
  }

  set(locale: Locale): void {
    this.locale = locale;
    try {
      globalThis.localStorage?.setItem(STORAGE_KEY, locale);
    } catch {
      // Private windows may refuse storage: the choice then lasts for this page only.
    }
    if (globalThis.document) document.documentElement.lang = locale === 'zh' ? 'zh-CN' : 'en';
  }
}

export const i18n = new I18n();
if (globalThis.document) document.documentElement.lang = i18n.locale === 'zh' ? 'zh-CN' : 'en';

export function languageName(locale: Locale): string {
  return CATALOGUES[locale].languageName;
}
