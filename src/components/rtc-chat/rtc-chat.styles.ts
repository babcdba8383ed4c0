import { css } from 'lit';

export const styles = css`
  :host {
    flex: 1;
    display: flex;
    flex-direction: column;
    min-height: 0;
    color: var(--rtc-call-foreground, #151821);
    font-family: var(--rtc-call-font, system-ui, sans-serif);
  }
  :host([hidden]) {
    display: none;
  }
  [part~='chat-header'] {
    display: flex;
    align-items: center;
    justify-content: space-between;
    font-weight: 600;
  }
  [part~='chat-messages'] {
    flex: 1;
    min-height: 120px;
    overflow-y: auto;
    margin: 0;
    padding: 0;
    list-style: none;
    display: flex;
    flex-direction: column;
    gap: 6px;
  }
  [part~='chat-message'],
  [part~='file'] {
    padding: 6px 10px;
    border-radius: 10px;
    background: var(--rtc-call-control-background, #e2e5ee);
    overflow-wrap: anywhere;
  }
  [part~='chat-message-local'] {
    align-self: flex-end;
    background: var(--rtc-call-accent, #3d4fd1);
    color: var(--rtc-call-accent-foreground, #fff);
  }
  [part~='chat-message-local'] a {
    color: inherit;
  }
  [part~='chat-sender'] {
    font-weight: 600;
    margin-inline-end: 6px;
  }
  [part~='chat-time'] {
    font-size: 0.8em;
    opacity: 0.8;
  }
  [part~='chat-text'] {
    white-space: pre-wrap;
    margin: 2px 0 0;
  }
  [part~='file-progress'] {
    width: 100%;
  }
  [part~='chat-form'] {
    display: flex;
    gap: 6px;
    align-items: flex-end;
  }
  [part~='chat-input'] {
    flex: 1;
    font: inherit;
    resize: none;
    padding: 6px 8px;
    border-radius: 8px;
    border: 1px solid var(--rtc-call-border, #c6cad3);
    background: var(--rtc-call-background, #fff);
    color: inherit;
  }
  button {
    font: inherit;
    padding: 6px 10px;
    border-radius: 8px;
    border: 0;
    background: var(--rtc-call-control-background, #e2e5ee);
    color: inherit;
    cursor: pointer;
  }
  button:focus-visible,
  a:focus-visible,
  [part~='chat-input']:focus-visible {
    outline: 2px solid var(--rtc-call-accent, #3d4fd1);
    outline-offset: 2px;
  }
  [part~='chat-error'] {
    color: var(--rtc-call-danger, #c62a2f);
    font-size: 0.9em;
  }
`;
