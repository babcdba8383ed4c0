import { css } from 'lit';

export const styles = css`
  :host {
    --rtc-picker-background: #fff;
    --rtc-picker-foreground: #1b1f29;
    --rtc-picker-border: 1px solid #c6cad3;
    --rtc-picker-radius: 8px;
    --rtc-picker-gap: 10px;
    --rtc-picker-padding: 12px;
    display: block;
    font: inherit;
  }
  :host([hidden]) {
    display: none;
  }
  [part~='base'] {
    display: grid;
    gap: var(--rtc-picker-gap);
    padding: var(--rtc-picker-padding);
    background: var(--rtc-picker-background);
    color: var(--rtc-picker-foreground);
    border-radius: var(--rtc-picker-radius);
  }
  [part~='field'] {
    display: grid;
    gap: 4px;
  }
  [part~='label'] {
    font-size: 0.85em;
    font-weight: 600;
  }
  [part~='select'] {
    font: inherit;
    padding: 6px 8px;
    border: var(--rtc-picker-border);
    border-radius: 6px;
    background: var(--rtc-picker-background);
    color: var(--rtc-picker-foreground);
    max-width: 100%;
  }
  [part~='empty'] {
    font-size: 0.85em;
    opacity: 0.8;
  }
`;
