import { css } from 'lit';

export const styles = css`
  :host {
    --rtc-tile-background: #1f2430;
    --rtc-tile-foreground: #fff;
    --rtc-tile-radius: 12px;
    --rtc-tile-aspect-ratio: 16 / 9;
    --rtc-tile-object-fit: cover;
    --rtc-tile-label-background: rgb(0 0 0 / 55%);
    --rtc-tile-avatar-background: #5b6ee1;
    --rtc-tile-avatar-size: 30%;
    --rtc-tile-muted-color: #ff6b6b;
    display: block;
    position: relative;
    min-width: 0;
    color: var(--rtc-tile-foreground);
    font: inherit;
  }
  :host([hidden]) {
    display: none;
  }
  [part~='base'] {
    position: relative;
    width: 100%;
    aspect-ratio: var(--rtc-tile-aspect-ratio);
    background: var(--rtc-tile-background);
    border-radius: var(--rtc-tile-radius);
    overflow: hidden;
  }
  video {
    display: block;
    width: 100%;
    height: 100%;
    object-fit: var(--rtc-tile-object-fit);
    background: transparent;
  }
  :host([local]:not([screen])) video {
    transform: scaleX(-1);
  }
  :host([video-off]) video,
  :host([weak-link]) video {
    visibility: hidden;
  }
  [part~='avatar'] {
    position: absolute;
    inset: 0;
    margin: auto;
    width: var(--rtc-tile-avatar-size);
    aspect-ratio: 1;
    height: auto;
    border-radius: 50%;
    display: grid;
    place-items: center;
    background: var(--rtc-tile-avatar-background);
    font-size: clamp(1rem, 6cqi, 3rem);
    font-weight: 600;
    user-select: none;
  }
  [part~='base'] {
    container-type: inline-size;
  }
  /* The name bar and the connection notice are the same kind of badge over the video. */
  [part~='label'],
  [part~='status'],
  [part~='weak-link'] {
    position: absolute;
    left: 8px;
    padding: 2px 8px;
    border-radius: 6px;
    background: var(--rtc-tile-label-background);
    font-size: 0.85em;
  }
  [part~='label'] {
    bottom: 8px;
    max-width: calc(100% - 16px);
    display: flex;
    align-items: center;
    gap: 6px;
  }
  [part~='name'] {
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  [part~='mic-state'],
  [part~='camera-state'] {
    display: inline-flex;
    color: var(--rtc-tile-muted-color);
  }
  [part~='status'],
  [part~='weak-link'] {
    top: 8px;
    font-size: 0.8em;
  }
  [part~='speaking'] {
    position: absolute;
    inset: 0;
    border-radius: inherit;
    box-shadow: inset 0 0 0 3px var(--rtc-tile-speaking-color, #3ddc84);
    pointer-events: none;
  }
  :host([active-speaker]) [part~='base'] {
    outline: 3px solid var(--rtc-tile-active-color, #8b9bff);
    outline-offset: -3px;
  }
  [part~='reaction'] {
    position: absolute;
    left: 50%;
    bottom: 20%;
    font-size: clamp(1.5rem, 12cqi, 4rem);
    pointer-events: none;
    animation: rtc-float 4s ease-out forwards;
  }
  @keyframes rtc-float {
    from {
      transform: translate(-50%, 0);
      opacity: 1;
    }
    to {
      transform: translate(-50%, -120%);
      opacity: 0;
    }
  }
  @keyframes rtc-fade {
    from {
      opacity: 1;
    }
    to {
      opacity: 0;
    }
  }
  @media (prefers-reduced-motion: reduce) {
    [part~='reaction'] {
      transform: translate(-50%, 0);
      animation-name: rtc-fade;
    }
  }
  /* Three bars, as a phone shows its signal: green all three, amber two, red one. */
  [part~='quality'] {
    position: absolute;
    top: 8px;
    right: 8px;
    display: flex;
    align-items: flex-end;
    gap: 2px;
    height: 22px;
    padding: 3px 6px;
    border: 0;
    border-radius: 6px;
    background: var(--rtc-tile-label-background);
    cursor: pointer;
    --rtc-q: #3ddc84;
  }
  [part~='quality'] i {
    width: 4px;
    height: 40%;
    background: var(--rtc-q);
  }
  [part~='quality'] i:nth-child(2) {
    height: 70%;
  }
  [part~='quality'] i:nth-child(3) {
    height: 100%;
  }
  [data-quality='fair'] {
    --rtc-q: #f5b83d;
  }
  [data-quality='fair'] i:nth-child(3),
  [data-quality='poor'] i:nth-child(n + 2) {
    opacity: 0.3;
  }
  [data-quality='poor'] {
    --rtc-q: #ff6b6b;
  }
  [part~='quality']:focus-visible {
    outline: 2px solid #fff;
  }
  :host([screen]) video {
    object-fit: contain;
  }
  [part~='controls'] {
    position: absolute;
    top: 4px;
    right: 4px;
    display: flex;
    gap: 4px;
  }
  [part~='pin-button'],
  [part~='pip-button'] {
    display: grid;
    place-items: center;
    width: 44px;
    height: 44px;
    padding: 0;
    border: 0;
    border-radius: 50%;
    background: var(--rtc-tile-label-background);
    color: inherit;
    font-size: 20px;
    cursor: pointer;
  }
  [aria-pressed='true'] {
    background: var(--rtc-tile-foreground);
    color: var(--rtc-tile-background);
  }
  /* Where there is hover, the buttons show on it (and on focus), out of the picture's way otherwise. */
  @media (hover: hover) {
    [part~='controls'] {
      opacity: 0;
    }
    :host(:hover) [part~='controls'],
    :host([pinned]) [part~='controls'],
    [part~='controls']:focus-within {
      opacity: 1;
    }
  }
  [part~='unmute-button'] {
    position: absolute;
    top: 8px;
    right: 8px;
    font: inherit;
    font-size: 0.85em;
    padding: 4px 10px;
    border: 0;
    border-radius: 6px;
    background: #fff;
    color: #111;
    cursor: pointer;
  }
`;
