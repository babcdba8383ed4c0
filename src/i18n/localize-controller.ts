import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { loadedStrings, loadStrings, matchLanguage } from './languages.js';
import { en, format, type RtcStringKey, type RtcStrings } from './strings.js';

type Host = ReactiveControllerHost & HTMLElement & { strings?: Partial<RtcStrings> };

/**
 * The language of one element: its own `lang`, else the nearest ancestor's (through shadow roots), else the page's
 * (`<html lang>`); English when none is ours. It follows changes to its own and the page's `lang` attributes, loads a
 * language's file the first time, and lets the element's `strings` property override any word. Each element has its
 * own, so two calls on one page may speak differently.
 */
export class LocalizeController implements ReactiveController {
  #observer?: MutationObserver;
  #language = 'en';
  #strings: RtcStrings = en;
  /** The language last asked for (it may still be loading). */
  #wanted = '';

  constructor(private readonly host: Host) {
    host.addController(this);
  }

  hostConnected(): void {
    this.#observer = new MutationObserver(() => this.#follow());
    // The page's light DOM (so `<html lang>` or a wrapper's `lang`), and the element itself wherever it is.
    this.#observer.observe(document.documentElement, { attributes: true, attributeFilter: ['lang'], subtree: true });
    this.#observer.observe(this.host, { attributes: true, attributeFilter: ['lang'] });
    this.#follow();
  }

  hostDisconnected(): void {
    this.#observer?.disconnect();
    this.#observer = undefined;
  }

  /** The language spoken now (`en`, `zh-CN`): the one asked for once its file has arrived. */
  get language(): string {
    return this.#language;
  }

  /** Every string, with the page's overrides. */
  get strings(): RtcStrings {
    const own = this.host.strings;
    if (!own) return this.#strings;
    return { ...this.#strings, ...own, errors: { ...this.#strings.errors, ...own.errors } };
  }

  /** One string, its `{placeholders}` filled. */
  t(key: RtcStringKey, values: Record<string, string | number> = {}): string {
    return format(this.strings[key], values);
  }

  #follow(): void {
    const wanted = matchLanguage(languageOf(this.host));
    const ready = loadedStrings(wanted);
    if (ready) return this.#use(wanted, ready);
    this.#wanted = wanted;
    void loadStrings(wanted).then((strings) => {
      // Asked for another language meanwhile: that one wins.
      if (this.#wanted === wanted) this.#use(wanted, strings);
    });
  }

  #use(language: string, strings: RtcStrings): void {
    this.#wanted = language;
    if (language === this.#language && strings === this.#strings) return;
    this.#language = language;
    this.#strings = strings;
    this.host.requestUpdate();
  }
}

/** The nearest `lang` attribute at or above `el`, crossing shadow roots; '' when nothing says. */
function languageOf(el: Element): string {
  for (let node: Element | null = el; node;) {
    const lang = node.getAttribute('lang');
    if (lang) return lang;
    const root = node.getRootNode();
    node = node.parentElement ?? (root instanceof ShadowRoot ? root.host : null);
  }
  return '';
}
