import { en, type RtcStrings } from './strings.js';

/**
 * The languages besides English, each one file loaded the first time an element needs it. Adding a language is
 * adding its file and a line here.
 */
const LOADERS: Record<string, () => Promise<{ default: RtcStrings }>> = {
  'zh-CN': () => import('./zh-CN.js'),
};

/** Tags that mean one of ours: the exact tag first, then its language alone (`zh-TW` is not taken as `zh-CN`). */
const ALIASES: Record<string, string> = {
  en: 'en',
  zh: 'zh-CN',
  'zh-cn': 'zh-CN',
  'zh-sg': 'zh-CN',
  'zh-hans': 'zh-CN',
  'zh-hans-cn': 'zh-CN',
  'zh-hans-sg': 'zh-CN',
};

/** The language of ours that a BCP 47 tag (`zh-Hans-CN`, `en-GB`, …) asks for; English when none fits. */
export function matchLanguage(tag: string): string {
  const lower = tag.trim().toLowerCase();
  if (ALIASES[lower]) return ALIASES[lower];
  const primary = lower.split('-')[0];
  // Chinese in another script or region (zh-TW, zh-Hant) has no file yet: English, rather than the wrong script.
  if (primary === 'zh') return lower.includes('hant') || /-(tw|hk|mo)\b/.test(lower) ? 'en' : 'zh-CN';
  return ALIASES[primary] ?? 'en';
}

const loaded = new Map<string, RtcStrings>([['en', en]]);
const loading = new Map<string, Promise<RtcStrings>>();

/** The strings of a language if they are here already (English always is). */
export function loadedStrings(language: string): RtcStrings | undefined {
  return loaded.get(language);
}

/** Loads a language's file once; English if it cannot be loaded. */
export function loadStrings(language: string): Promise<RtcStrings> {
  const ready = loaded.get(language);
  if (ready) return Promise.resolve(ready);
  let pending = loading.get(language);
  if (!pending) {
    const load = LOADERS[language];
    pending = (load ? load() : Promise.reject(new Error(`no strings for ${language}`))).then(
      (m) => {
        loaded.set(language, m.default);
        return m.default;
      },
      () => en,
    );
    loading.set(language, pending);
  }
  return pending;
}
