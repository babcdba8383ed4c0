import { css } from 'lit';

/* The dark theme's values: by the visitor's preference (prefers-color-scheme) unless theme="light|dark" says. */
const dark = css`
  --rtc-call-background: #0f1218;
  --rtc-call-foreground: #f4f6fb;
  --rtc-call-accent: #8b9bff;
  --rtc-call-accent-foreground: #0f1218;
  --rtc-call-danger: #e5484d;
  --rtc-call-danger-foreground: #fff;
  --rtc-call-control-background: #2a3040;
  --rtc-call-notice-background: #3a2f12;
  --rtc-call-notice-foreground: #ffe6a6;
  --rtc-call-border: #3a4152;
  color-scheme: dark;
`;

export const styles = css`
  :host {
    --rtc-call-background: #f6f7fa;
    --rtc-call-foreground: #151821;
    --rtc-call-accent: #3d4fd1;
    --rtc-call-accent-foreground: #fff;
    --rtc-call-danger: #c62a2f;
    --rtc-call-danger-foreground: #fff;
    --rtc-call-gap: 8px;
    --rtc-call-padding: 8px;
    --rtc-call-radius: 16px;
    --rtc-call-control-size: 44px;
    --rtc-call-control-background: #e2e5ee;
    --rtc-call-notice-background: #fff1c7;
    --rtc-call-notice-foreground: #4d3900;
    --rtc-call-border: #c6cad3;
    --rtc-call-font: system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif;
    color-scheme: light;
    display: block;
    color: var(--rtc-call-foreground);
    font-family: var(--rtc-call-font);
  }
  :host([theme='dark']) {
    ${dark}
  }
  @media (prefers-color-scheme: dark) {
    :host(:not([theme='light'])) {
      ${dark}
    }
  }
  :host([hidden]) {
    display: none;
  }
  [part~='base'] {
    box-sizing: border-box;
    height: 100%;
    container-type: inline-size;
    display: flex;
    flex-direction: column;
    gap: var(--rtc-call-gap);
    padding: var(--rtc-call-padding);
    background: var(--rtc-call-background);
    border-radius: var(--rtc-call-radius);
    position: relative;
  }
  [part~='base']:fullscreen {
    border-radius: 0;
  }
  /* The tiles' area has a height of its own: tiles are laid out in it, never the other way round. */
  [part~='layout'] {
    flex: 1 1 auto;
    min-height: 0;
    height: var(--rtc-call-layout-height, max(56.25cqw, 60svh));
    min-width: 0;
    display: flex;
    flex-direction: column;
    align-items: center;
    justify-content: center;
    gap: var(--rtc-call-gap);
  }
  [part~='layout'].side {
    flex-direction: row;
  }
  [part~='grid'] {
    display: grid;
    grid-template-columns: repeat(var(--rtc-columns, 1), var(--rtc-tile-width, minmax(0, 1fr)));
    justify-content: center;
    align-content: center;
    gap: var(--rtc-call-gap);
    width: 100%;
  }
  [part~='stage'] rtc-video-tile {
    width: var(--rtc-tile-width, 100%);
  }
  [part~='filmstrip'] {
    display: flex;
    gap: var(--rtc-call-gap);
    max-width: 100%;
    overflow: auto;
    flex-shrink: 0;
  }
  .side [part~='filmstrip'] {
    flex-direction: column;
    max-height: 100%;
  }
  [part~='filmstrip'] rtc-video-tile {
    flex: none;
    width: var(--rtc-tile-width, 160px);
  }
  /* The call's state and its notices float over the top of the call: they come and go without moving anything. */
  [part~='overlay'] {
    position: absolute;
    inset: var(--rtc-call-padding) var(--rtc-call-padding) auto;
    z-index: 3;
    pointer-events: none;
  }
  [part~='overlay'] [part~='status'] {
    justify-self: center;
    padding: 8px 12px;
    border-radius: 8px;
    background: var(--rtc-call-background);
  }
  [part~='overlay'],
  [part~='notices'] {
    display: grid;
    gap: 4px;
  }
  [part~='notice'] {
    display: flex;
    align-items: center;
    gap: 8px;
    padding: 8px 12px;
    border-radius: 8px;
    background: var(--rtc-call-notice-background);
    color: var(--rtc-call-notice-foreground);
    font-size: 0.9em;
    pointer-events: auto;
  }
  [part~='notice-text'] {
    flex: 1;
  }
  [part~='notice-dismiss'] {
    font: inherit;
    background: none;
    border: 0;
    color: inherit;
    cursor: pointer;
    padding: 0 4px;
  }
  [part~='status'] {
    font-size: 0.9em;
    opacity: 0.85;
    text-align: center;
  }
  [part~='controls'] {
    display: flex;
    justify-content: center;
    flex-wrap: wrap;
    gap: var(--rtc-call-gap);
  }
  [part~='control'] {
    display: inline-flex;
    align-items: center;
    justify-content: center;
    gap: 6px;
    min-width: var(--rtc-call-control-size);
    height: var(--rtc-call-control-size);
    padding: 0 12px;
    border: 0;
    border-radius: calc(var(--rtc-call-control-size) / 2);
    background: var(--rtc-call-control-background);
    color: var(--rtc-call-foreground);
    font: inherit;
    font-size: 1.25em;
    cursor: pointer;
  }
  [part~='control']:disabled {
    opacity: 0.55;
    cursor: not-allowed;
  }
  [part~='control']:focus-visible,
  [part~='notice-dismiss']:focus-visible {
    outline: 2px solid var(--rtc-call-accent);
    outline-offset: 2px;
  }
  [part~='control'][aria-pressed='false'],
  [part~='leave-button'] {
    background: var(--rtc-call-danger);
    color: var(--rtc-call-danger-foreground);
  }
  /* Sharing, full screen, a raised hand or a reaction is not turning something off: no danger color when not pressed. */
  [part~='screen-button'][aria-pressed],
  [part~='fullscreen-button'][aria-pressed],
  [part~='hand-button'][aria-pressed] {
    background: var(--rtc-call-control-background);
    color: var(--rtc-call-foreground);
  }
  [part~='screen-button'][aria-pressed='true'],
  [part~='fullscreen-button'][aria-pressed='true'],
  [part~='hand-button'][aria-pressed='true'] {
    background: var(--rtc-call-accent);
    color: var(--rtc-call-accent-foreground);
  }
  [part~='join-button'] {
    background: var(--rtc-call-accent);
    color: var(--rtc-call-accent-foreground);
    font-size: 1em;
    padding: 0 20px;
  }
  [part~='control'] .text {
    font-size: 0.7em;
  }
  /* Heard, not seen. */
  [part~='announcer'] {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
  [part~='people-count'] {
    font-size: 0.7em;
  }
  [part~='reaction-menu'] {
    display: flex;
    justify-content: center;
    flex-wrap: wrap;
    gap: 4px;
  }
  [part~='panel'] {
    position: absolute;
    z-index: 2;
    top: var(--rtc-call-padding);
    right: var(--rtc-call-padding);
    bottom: calc(var(--rtc-call-control-size) + 2 * var(--rtc-call-padding));
    width: min(340px, calc(100% - 2 * var(--rtc-call-padding)));
    display: flex;
    box-sizing: border-box;
    padding: var(--rtc-call-padding);
    border-radius: 12px;
    background: var(--rtc-call-background);
    box-shadow: 0 2px 12px #0004;
    overflow: auto;
    border: 1px solid var(--rtc-call-border);
  }
  [part~='chat-unread'] {
    font-size: 0.6em;
    min-width: 1.4em;
    padding: 0 4px;
    border-radius: 1em;
    background: var(--rtc-call-danger);
    color: var(--rtc-call-danger-foreground);
  }
  /* The pre-join screen: a preview as wide as fits (up to 480 px), the meter, the toggles and the name under it. */
  [part~='prejoin-screen'] {
    display: grid;
    justify-items: center;
    gap: var(--rtc-call-gap);
  }
  [part~='prejoin-preview'] {
    width: min(480px, 100%);
  }
  [part~='prejoin-meter'] {
    width: min(240px, 100%);
    height: 6px;
    border-radius: 3px;
    background-color: var(--rtc-call-control-background);
    background-image: linear-gradient(var(--rtc-call-accent), var(--rtc-call-accent));
    background-size: var(--rtc-level, 0%) 100%;
    background-repeat: no-repeat;
  }
  [part~='prejoin-toggles'] {
    display: flex;
    gap: var(--rtc-call-gap);
  }
  [part~='prejoin-name-label'] {
    display: grid;
    gap: 4px;
    font-size: 0.9em;
    width: min(320px, 100%);
  }
  [part~='prejoin-name'] {
    font: inherit;
    font-size: 1rem;
    padding: 8px 10px;
    border: 1px solid var(--rtc-call-border);
    border-radius: 8px;
    background: var(--rtc-call-background);
    color: var(--rtc-call-foreground);
  }
  [part~='prejoin-name']:focus-visible {
    outline: 2px solid var(--rtc-call-accent);
    outline-offset: 1px;
  }
  [part~='device-picker'] {
    --rtc-picker-background: var(--rtc-call-control-background);
    --rtc-picker-foreground: var(--rtc-call-foreground);
    --rtc-picker-border: 1px solid var(--rtc-call-border);
    align-self: center;
    min-width: min(320px, 100%);
  }
`;
