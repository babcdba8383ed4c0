import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** The keys, with Ctrl (⌘ on a Mac): D for the microphone, E for the camera (as in Google Meet). */
export const SHORTCUT_KEYS = { microphone: 'KeyD', camera: 'KeyE' } as const;
/** The same, as `aria-keyshortcuts` says them. */
export const ARIA_KEYSHORTCUTS = { microphone: 'Control+D Meta+D', camera: 'Control+E Meta+E' } as const;

export interface ShortcutActions {
  /** Whether shortcuts apply now (turned on, and in a call). */
  enabled(): boolean;
  microphone(): void;
  camera(): void;
}

/** Whether the visitor is typing: an input, a text area, a select or editable content has the key. */
function typing(target: EventTarget | undefined): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return (
    target.isContentEditable ||
    target instanceof HTMLInputElement ||
    target instanceof HTMLTextAreaElement ||
    target instanceof HTMLSelectElement
  );
}

/**
 * Keyboard shortcuts for the microphone and camera, anywhere on the page but in a text field. With several calls on
 * one page, a key pressed inside one of them is that one's; a key pressed elsewhere goes to each call.
 */
export class ShortcutsController implements ReactiveController {
  constructor(
    private readonly host: ReactiveControllerHost & HTMLElement,
    private readonly actions: ShortcutActions,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    document.addEventListener('keydown', this.#onKey);
  }

  hostDisconnected(): void {
    document.removeEventListener('keydown', this.#onKey);
  }

  #onKey = (e: KeyboardEvent): void => {
    if (e.defaultPrevented || e.repeat || !(e.ctrlKey || e.metaKey) || e.altKey || e.shiftKey) return;
    const action =
      e.code === SHORTCUT_KEYS.microphone ? 'microphone' : e.code === SHORTCUT_KEYS.camera ? 'camera' : undefined;
    if (!action || !this.actions.enabled()) return;
    const path = e.composedPath();
    if (typing(path[0])) return;
    const calls = path.filter((t) => t instanceof HTMLElement && t.localName === this.host.localName);
    if (calls.length && !calls.includes(this.host)) return;
    // The browser's own meaning of Ctrl+D (bookmark) and Ctrl+E (search) gives way while in a call.
    e.preventDefault();
    this.actions[action]();
  };
}
