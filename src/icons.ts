import { svg } from 'lit';

/**
 * Inline icons (Material Symbols shapes, 24px grid), so the widget needs no font or image requests. Their points are
 * rounded to 0.1 of the grid (at most 0.05 off: a 24th of a pixel at 20 px), which no one sees and the bundle feels.
 */
const icon = (d: ReturnType<typeof svg>) =>
  svg`<svg viewBox="0 0 24 24" width="1em" height="1em" fill="currentColor" aria-hidden="true" focusable="false">${d}</svg>`;

export const micIcon = icon(
  svg`<path d="M12 14a3 3 0 0 0 3-3V5a3 3 0 0 0-6 0v6a3 3 0 0 0 3 3Zm5-3a5 5 0 0 1-10 0H5a7 7 0 0 0 6 6.9V21h2v-3.1A7 7 0 0 0 19 11h-2Z"/>`,
);
export const micOffIcon = icon(
  svg`<path d="M19 11h-2a5 5 0 0 1-.7 2.6l1.5 1.4A7 7 0 0 0 19 11ZM15 11V5a3 3 0 0 0-5.9-.6L15 10.3V11ZM4.3 3 3 4.3l6 6V11a3 3 0 0 0 4.5 2.6l1.5 1.5A5 5 0 0 1 7 11H5a7 7 0 0 0 6 6.9V21h2v-3.1a6.9 6.9 0 0 0 3.1-1.1L19.7 21 21 19.7 4.3 3Z"/>`,
);
export const camIcon = icon(
  svg`<path d="M17 10.5V7a1 1 0 0 0-1-1H4a1 1 0 0 0-1 1v10a1 1 0 0 0 1 1h12a1 1 0 0 0 1-1v-3.5l4 4v-11l-4 4Z"/>`,
);
export const camOffIcon = icon(
  svg`<path d="M21 6.5l-4 4V7a1 1 0 0 0-1-1H9.8L21 17.2V6.5ZM3.3 2 2 3.3 4.7 6H4a1 1 0 0 0-1 1v10a1 1 0 0 0 1 1h12c.2 0 .4-.1.5-.2L19.7 21 21 19.7 3.3 2Z"/>`,
);
export const settingsIcon = icon(
  svg`<path d="M19.1 12.9a7.1 7.1 0 0 0 0-1.8l2.1-1.6a.5.5 0 0 0 .1-.7l-1.9-3.3a.5.5 0 0 0-.6-.2l-2.4 1a7 7 0 0 0-1.6-1l-.4-2.5A.5.5 0 0 0 13.9 2h-3.8a.5.5 0 0 0-.5.4l-.4 2.6a7 7 0 0 0-1.6.9l-2.4-1a.5.5 0 0 0-.6.3L2.7 8.5a.5.5 0 0 0 .1.6l2 1.6a7.1 7.1 0 0 0 0 1.9L2.8 14.5a.5.5 0 0 0-.1.7l1.9 3.3c.1.2.4.3.6.2l2.4-1c.5.4 1 .7 1.6 1l.4 2.5c0 .3.2.4.5.4h3.8c.2 0 .4-.1.5-.4l.4-2.5a7 7 0 0 0 1.6-1l2.4 1c.2.1.4 0 .6-.2l1.9-3.3a.5.5 0 0 0-.1-.7l-2.1-1.6ZM12 15.5A3.5 3.5 0 1 1 12 8.5a3.5 3.5 0 0 1 0 7Z"/>`,
);
export const leaveIcon = icon(
  svg`<path d="M12 9c-1.6 0-3.1.3-4.6.7v3.1c0 .4-.2.8-.6.9-.9.5-1.8 1.1-2.6 1.9a1 1 0 0 1-1.4 0L.3 13.1A1 1 0 0 1 .3 11.7C3.3 8.8 7.5 7 12 7s8.7 1.8 11.7 4.7a1 1 0 0 1 0 1.4l-2.5 2.5a1 1 0 0 1-1.4 0 11.3 11.3 0 0 0-2.6-1.9 1 1 0 0 1-.6-.9v-3.1A15 15 0 0 0 12 9Z"/>`,
);
export const chatIcon = icon(svg`<path d="M20 2H4a2 2 0 0 0-2 2v18l4-4h14a2 2 0 0 0 2-2V4a2 2 0 0 0-2-2Z"/>`);
export const screenIcon = icon(svg`<path d="M3 4h18v12H3zm2 2v8h14V6zm3 12h8v2H8z"/>`);
export const fullscreenIcon = icon(
  svg`<path d="M4 4h6v2H6v4H4zm10 0h6v6h-2V6h-4zM4 14h2v4h4v2H4zm14 0h2v6h-6v-2h4z"/>`,
);
export const pinIcon = icon(svg`<path d="M16 3H8v2l1 1v5l-3 3v2h5v5l1 1 1-1v-5h5v-2l-3-3V6l1-1z"/>`);
export const pipIcon = icon(svg`<path d="M3 5h18v14H3zm2 2v10h14V7zm6 5h7v4h-7z"/>`);
/** Two arrows round a camera: the next camera (front and back on a phone). */
export const switchCameraIcon = icon(
  svg`<path d="M20 5h-3.2L15 3H9L7.2 5H4a2 2 0 0 0-2 2v12a2 2 0 0 0 2 2h16a2 2 0 0 0 2-2V7a2 2 0 0 0-2-2Zm-5 11.5V14H9v2.5L5.5 13 9 9.5V12h6V9.5l3.5 3.5-3.5 3.5Z"/>`,
);
/**
 * The hand, reactions and people buttons drew emoji once. Drawn here instead: the first emoji on a page loads the
 * colour emoji font (megabytes, in the renderer and the browser), which cost a call's start about a tenth of its CPU.
 */
export const handIcon = icon(
  svg`<path d="M7 11V5.5a1.5 1.5 0 0 1 3 0V10h1V3.5a1.5 1.5 0 0 1 3 0V10h1V4.5a1.5 1.5 0 0 1 3 0V14a7 7 0 0 1-12.5 4.3L3.2 13a1.4 1.4 0 0 1 2.1-1.8L7 13Z"/>`,
);
export const reactionsIcon = icon(
  svg`<path fill-rule="evenodd" d="M12 2a10 10 0 1 1 0 20 10 10 0 0 1 0-20ZM8 8v3h2V8zm6 0v3h2V8zm-7 6a5 5 0 0 0 10 0z"/>`,
);
export const peopleIcon = icon(
  svg`<path d="M9 11a3.5 3.5 0 1 0 0-7 3.5 3.5 0 0 0 0 7Zm7 0a3 3 0 1 0 0-6 3 3 0 0 0 0 6ZM2 20v-2.5C2 14.5 6 13 9 13s7 1.5 7 4.5V20zm16 0v-2.5c0-1.4-.7-2.5-1.8-3.4l.3-.1c2 0 5.5 1.5 5.5 4.5V20z"/>`,
);
