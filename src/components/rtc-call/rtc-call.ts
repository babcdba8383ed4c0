import { LitElement, html, nothing, type PropertyDeclarations, type PropertyValues } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { ContextProvider } from '@lit/context';
import { callContext, type CallContextValue } from '../../context.js';
import {
  rtcDeviceChange,
  rtcLayoutChange,
  rtcRequestLeave,
  rtcStateChange,
  type RtcCallState,
  type RtcTileViewDetail,
  type RtcTilePinDetail,
} from '../../events.js';
import type { CallState, Participant } from '../../engine/types.js';
import type { Call } from '../../engine/call.js';
import type { AudioProcessing } from '../../engine/local-media.js';
import {
  camIcon,
  camOffIcon,
  chatIcon,
  fullscreenIcon,
  leaveIcon,
  micIcon,
  micOffIcon,
  screenIcon,
  settingsIcon,
  handIcon,
  reactionsIcon,
  peopleIcon,
  switchCameraIcon,
} from '../../icons.js';
import { fitGrid, fitStage, pickStage, tilesOf, type LayoutName, type TileRef } from './layout.js';
import { CallController } from './call-controller.js';
import { PrejoinController } from './prejoin.js';
import { ConsoleLogger, parseLogLevel } from '../../engine/logger.js';
import { ARIA_KEYSHORTCUTS, ShortcutsController } from './shortcuts.js';
import * as commands from './media-commands.js';
import type { RtcDeviceChoice } from './media-commands.js';
import { LocalizeController } from '../../i18n/localize-controller.js';
import { format, type RtcStringKey, type RtcStrings } from '../../i18n/strings.js';
import { RtcError, type RtcErrorDetail } from '../../engine/errors.js';
import { notInCall, type SendOptions } from '../../engine/data-topics.js';
import { styles } from './rtc-call.styles.js';
import { REACTIONS } from '../../engine/reactions.js';
import type { QualityDetails } from '../rtc-quality-details/rtc-quality-details.js';
import '../rtc-video-tile/rtc-video-tile.js';
import '../rtc-device-picker/rtc-device-picker.js';

/** Where this module was loaded from: the broker that served `rtc-call.js`, unless the page says otherwise. */
function defaultServer(): string {
  try {
    const url = new URL(import.meta.url);
    if (url.protocol === 'http:' || url.protocol === 'https:') return url.origin;
  } catch {
    /* fall through */
  }
  return globalThis.location?.origin ?? '';
}

/** Phones (and browsers without it) have no getDisplayMedia: no share button there. */
const canShareScreen = () => typeof navigator.mediaDevices?.getDisplayMedia === 'function';

/**
 * An inner element's `exportparts`: each of its `parts` as `prefix-part` (its `base` as `prefix` alone), and the `kept`
 * ones under their own names.
 */
const exportParts = (prefix: string, parts: string, kept = '') =>
  parts
    .split(' ')
    .map((p) => `${p}: ${p === 'base' ? prefix : `${prefix}-${p}`}`)
    .concat(kept ? kept.split(' ') : [])
    .join(', ');
const TILE_PARTS = exportParts(
  'tile',
  'base video avatar label name mic-state camera-state status weak-link unmute-button hand speaking reaction quality ' +
    'quality-bar quality-details controls pin-button pip-button',
  'details-base details-row details-term details-value',
);
const LIST_PARTS = exportParts(
  'people',
  'list row hand name mic-state camera-state edit-button name-form name-input save-button',
);
/** What the live region says: who joined, who left, whose hand is up. */
const ANNOUNCE_KEYS = ['announceJoined', 'announceLeft', 'announceHand'] as const;
/** How long a reaction floats over its sender's tile. */
const REACTION_MS = 4000;

/**
 * Alone in the room this long, a call drawing only its videos (`videosFirst`) draws the rest: someone arriving at the
 * same moment is usually there by then.
 */
const ALONE_MS = 300;
const PICKER_PARTS = exportParts('picker', 'base field label select empty');

const STATUS: Partial<Record<CallState, RtcStringKey>> = {
  idle: 'statusIdle',
  joining: 'statusJoining',
  reconnecting: 'statusReconnecting',
  left: 'statusLeft',
  failed: 'statusFailed',
};

/**
 * @summary A whole video call in one element: every visitor of the page who joins the same `room` sees and hears
 * everyone else, peer to peer, through your own broker.
 *
 * With a `room`, it shows the pre-join screen, and joins when the visitor clicks Join (`no-prejoin`: as soon as it is
 * on the page). Leaves when removed from the page, when the visitor clicks Leave, or when the tab closes.
 *
 * Speaks the language of its `lang` attribute, else of the nearest element above it with one, else the page's:
 * English or Simplified Chinese (`zh-CN`); `strings` overrides any word. The tiles and the picker inside it follow.
 *
 * Light or dark as the visitor's system prefers (`prefers-color-scheme`), unless `theme` says; each theme is a set of
 * the custom properties below, which a page may override.
 *
 * @tagname rtc-call
 *
 * @dependency rtc-video-tile
 * @dependency rtc-device-picker
 *
 * @fires {CustomEvent<RtcJoinedDetail>} rtc-joined - You are in the room. Detail: `{ room, participant }`.
 * @fires {CustomEvent<RtcParticipantDetail>} rtc-participant-joined - Someone joined. Detail: `{ participant }`.
 * @fires {CustomEvent<RtcParticipantDetail>} rtc-participant-left - Someone left. Detail: `{ participant }`.
 * @fires {CustomEvent<RtcLeftDetail>} rtc-left - You left the room. Detail: `{ room }`.
 * @fires {CustomEvent<RtcErrorDetail>} rtc-error - Something went wrong. Detail: `{ code, message, fatal }`; `code` is
 * stable (`unauthorized`, `room-full`, `invalid-room`, `origin-not-allowed`, `server-unreachable`, `connection-lost`,
 * `camera-denied`, `microphone-denied`, `camera-unavailable`, `microphone-unavailable`, `media-unsupported`, …),
 * `message` is for people, and `fatal` says the attempt to join has ended.
 * @fires {CustomEvent<RtcStateChangeDetail>} rtc-state-change - `state` changed. Detail: `{ state, previous }`. Fires on
 * every transition, in order, as it happens.
 * @fires {CustomEvent<RtcDeviceChangeDetail>} rtc-device-change - The devices the browser lists, or those the call uses,
 * changed (also when the call first learns them). Detail: `{ devices, selected }`, `selected` by kind
 * (`audioinput`, `videoinput`, `audiooutput`; `''` is the browser's default).
 * @fires {CustomEvent<RtcDataDetail>} rtc-data - Someone in the call sent the page a message with `send()`. Detail:
 * `{ topic, from: { id, name }, data }`.
 * @fires {CustomEvent<RtcMessageDetail>} rtc-message - A chat message, yours too (`local`), and each one of the
 * history you are sent on joining. Detail: `{ id, from: { id, name }, text, time, local }`.
 * @fires {CustomEvent<RtcScreenShareDetail>} rtc-screen-share - Someone (you too) started or stopped sharing their
 * screen. Detail: `{ participant, sharing }`; `participant.screen` is the screen's stream, or null.
 * @fires {CustomEvent<RtcParticipantUpdatedDetail>} rtc-participant-updated - Something about someone in the call
 * (you too) changed: their microphone or camera, name, hand, speaking, connection, quality, screen or stream. Detail:
 * `{ participant, changed }`: the new snapshot, and the names of the fields that changed (`['audioEnabled']`).
 * @fires {CustomEvent<RtcFileDetail>} rtc-file - A file transfer, either way, began or changed state. Detail:
 * `{ transfer, state }`: `offered` (to you: `transfer.accept()` or `refuse()`), `sending` / `receiving`, then `done`
 * (a received one has `transfer.blob`), `refused`, `cancelled` or `failed`. Send with `element.call.sendFile()`.
 * @fires {CustomEvent<RtcLayoutChangeDetail>} rtc-layout-change - The layout or what is pinned changed (`setLayout()`,
 * `pin()`, a tile's pin button, the `layout` attribute). Detail: `{ layout, pinned }`.
 * @fires {CustomEvent} rtc-request-leave - The visitor clicked Leave. Cancel it (`preventDefault()`) to stay.
 * @fires {CustomEvent<RtcHandDetail>} rtc-hand - Someone (you too) raised or lowered their hand. Detail:
 * `{ participant, raised }`. A newcomer gets one for each hand already up.
 * @fires {CustomEvent<RtcReactionDetail>} rtc-reaction - Someone (you too) reacted. Detail: `{ participant, emoji }`.
 * @fires {CustomEvent<RtcActiveSpeakerDetail>} rtc-active-speaker - The active speaker changed: the loudest person
 * speaking, held for a moment (may be you). Detail: `{ participant }`, undefined once they have left.
 * @fires {CustomEvent<RtcQualityDetail>} rtc-quality - The quality of the connection to someone changed. Detail:
 * `{ participant, quality }`, `quality` `good`, `fair` or `poor`.
 *
 * @slot toolbar-start - The site's own controls, at the start of the control bar.
 * @slot toolbar-end - The site's own controls, at the end of the control bar.
 * @slot empty - What shows while you are in the call and nobody else is (instead of "Waiting for others to join…").
 * @slot prejoin - The site's own content on the pre-join screen (`state="prejoin"`), above the Join button.
 *
 * @csspart base - The call's frame.
 * @csspart overlay - Floats over the top of the call, without moving anything under it: the call's `status` while tiles
 * show, and the `notices`.
 * @csspart notices - The list of problems and warnings.
 * @csspart notice - One problem or warning.
 * @csspart notice-text - A notice's words.
 * @csspart notice-dismiss - A notice's dismiss button.
 * @csspart status - The line saying what the call is doing (joining, left…).
 * @csspart empty - The wrapper of the `empty` slot (shown while nobody else is in the call).
 * @csspart prejoin - The wrapper of the `prejoin` slot (shown on the pre-join screen).
 * @csspart prejoin-screen - The pre-join screen: your preview, the level meter, the toggles, the device picker and
 * your name.
 * @csspart prejoin-preview - Your camera's preview (an `<rtc-video-tile>`; its parts are exported as `tile-*`).
 * @csspart prejoin-meter - Your microphone's level (`role="meter"`; the bar is its background, sized by
 * `--rtc-level`).
 * @csspart prejoin-toggles - The microphone and camera buttons of the pre-join screen.
 * @csspart prejoin-mic-button - Whether to start with the microphone on (`aria-pressed`; also part `control`).
 * @csspart prejoin-camera-button - Whether to start with the camera on (`aria-pressed`; also part `control`).
 * @csspart prejoin-name-label - The label of the name field.
 * @csspart prejoin-name - The name field (Enter joins).
 * @csspart layout - The tiles' area (`data-layout` says `grid` or `stage`).
 * @csspart grid - The grid of tiles (`layout="grid"` with nothing on the stage).
 * @csspart stage - The stage: the pinned tile, else a screen being shared, else (`layout="speaker"`) the active
 * speaker.
 * @csspart filmstrip - The other tiles beside or under the stage; it scrolls when they do not fit.
 * @csspart controls - The control bar.
 * @csspart control - Every control button.
 * @csspart mic-button - The microphone on/off button.
 * @csspart camera-button - The camera on/off button.
 * @csspart camera-switch-button - Switches to the next camera (a phone's front and back): shown on a touch screen
 * without a mouse, when there are two or more cameras and the camera is on.
 * @csspart screen-button - Shares your screen, or stops sharing it (`aria-pressed`); absent where the browser
 * cannot share (phones).
 * @csspart devices-button - The button that shows the device picker.
 * @csspart chat-button - The button that opens and closes the chat (`aria-expanded`).
 * @csspart chat-unread - The number of unread messages on it, while the chat is closed.
 * @csspart panel - The side panel (the chat), over the call's right side; on a phone, over all of it.
 * @csspart chat - The chat in it (`<rtc-chat>`); its pieces are `chat-base`, `chat-header`, `chat-title`,
 * `chat-close-button`,
 * `chat-messages`, `chat-empty`, `chat-message`, `chat-message-local`, `chat-sender`, `chat-time`, `chat-text`,
 * `chat-link`, `chat-form`, `chat-input`, `chat-send-button`, `chat-attach-button`, `chat-error`, and for files
 * `file`, `file-name`, `file-state`, `file-progress` (a `<progress>`), `file-accept`, `file-refuse`, `file-cancel`,
 * `file-download`.
 * @csspart fullscreen-button - Shows the whole call full screen, or leaves full screen (`aria-pressed`); absent
 * where the browser cannot.
 * @csspart leave-button - The Leave button.
 * @csspart hand-button - The raise-hand button (`aria-pressed` while your hand is up).
 * @csspart reactions-button - The button that opens the reactions menu.
 * @csspart reaction-menu - The reactions menu.
 * @csspart reaction - One reaction in it.
 * @csspart people-button - The button that opens the participant list, with the number of people in the call.
 * @csspart people-icon - The icon on it.
 * @csspart people-count - The number on it.
 * @csspart panel - The side panel (the participant list); over the whole call on a narrow screen.
 * @csspart people-list - The participant list (`<rtc-participant-list>`); its rows `people-row`, and in each
 * `people-hand`, `people-name`, `people-mic-state`, `people-camera-state`; on yours `people-edit-button`, and while
 * editing `people-name-form`, `people-name-input`, `people-save-button`.
 * @csspart people-row - One person in the list.
 * @csspart people-hand - A raised hand in the list.
 * @csspart people-name - A name in the list.
 * @csspart people-mic-state - A microphone state in the list (`data-on`).
 * @csspart people-camera-state - A camera state in the list (`data-on`).
 * @csspart people-edit-button - The control on your row that changes your name.
 * @csspart people-name-form - The form that changes your name.
 * @csspart people-name-input - Its text field.
 * @csspart people-save-button - Its Save button.
 * @csspart join-button - The Join button (shown when not in the call).
 * @csspart device-picker - The `<rtc-device-picker>`.
 * @csspart announcer - The live region that tells screen readers who joined and left (visually hidden).
 * @csspart announcement - One line in it.
 * @csspart tile - Each tile's frame (`<rtc-video-tile>` part `base`).
 * @csspart tile-video - Each tile's `<video>`.
 * @csspart tile-avatar - Each tile's initials avatar.
 * @csspart tile-label - Each tile's name bar.
 * @csspart tile-name - Each tile's name.
 * @csspart tile-mic-state - Each tile's muted-microphone icon.
 * @csspart tile-camera-state - Each tile's camera-off icon.
 * @csspart tile-status - Each tile's connection notice.
 * @csspart tile-weak-link - Each tile's "Weak connection: video paused" notice.
 * @csspart tile-unmute-button - Each tile's "Play sound" button.
 * @csspart tile-hand - A tile's raised hand.
 * @csspart tile-speaking - A tile's speaking ring, while its person speaks.
 * @csspart tile-reaction - A reaction floating over its sender's tile.
 * @csspart tile-quality - A remote tile's connection quality badge (`data-quality`: `good`, `fair`, `poor`); a button
 * that shows the details.
 * @csspart tile-quality-bar - One of the badge's three signal bars.
 * @csspart tile-quality-details - The connection details: round trip, loss, bitrate, resolution, codec, route (direct,
 * or relayed through TURN over UDP, TCP or TLS); in it `details-row` (`data-key`), `details-term`, `details-value`.
 * @csspart details-base - The list of facts inside the connection details.
 * @csspart details-row - One fact of the connection details.
 * @csspart details-term - A fact's name.
 * @csspart details-value - A fact's value.
 * @csspart tile-controls - Each tile's own buttons.
 * @csspart tile-pin-button - Each tile's pin button: pins it to the stage, or unpins it (`aria-pressed`).
 * @csspart tile-pip-button - Each tile's picture-in-picture button (absent where the browser has none).
 * @csspart picker - The device picker's wrapper.
 * @csspart picker-field - A device picker field.
 * @csspart picker-label - A device picker label.
 * @csspart picker-select - A device picker `<select>`.
 * @csspart picker-empty - The device picker's "no devices" note.
 *
 * @cssproperty [--rtc-call-background=#f6f7fa] - Background of the call (dark theme: `#0f1218`).
 * @cssproperty [--rtc-call-foreground=#151821] - Text and icon color (dark: `#f4f6fb`).
 * @cssproperty [--rtc-call-accent=#3d4fd1] - Focus rings and the Join button (dark: `#8b9bff`).
 * @cssproperty [--rtc-call-accent-foreground=#fff] - Text on the accent color (dark: `#0f1218`).
 * @cssproperty [--rtc-call-danger=#c62a2f] - The Leave button and controls that are off (dark: `#e5484d`).
 * @cssproperty [--rtc-call-danger-foreground=#fff] - Icons on the danger color.
 * @cssproperty [--rtc-call-gap=8px] - Space between tiles and controls.
 * @cssproperty [--rtc-call-padding=8px] - Inner padding.
 * @cssproperty [--rtc-call-radius=16px] - Corner radius of the call.
 * @cssproperty [--rtc-call-control-size=44px] - Height of the control buttons.
 * @cssproperty [--rtc-call-control-background=#e2e5ee] - Background of the control buttons and the device picker (dark:
 * `#2a3040`).
 * @cssproperty [--rtc-call-notice-background=#fff1c7] - Background of warnings (dark: `#3a2f12`).
 * @cssproperty [--rtc-call-notice-foreground=#4d3900] - Text color of warnings (dark: `#ffe6a6`).
 * @cssproperty [--rtc-call-border=#c6cad3] - Borders, such as the device picker's selects (dark: `#3a4152`).
 * @cssproperty [--rtc-call-font=system-ui, sans-serif] - Font family.
 * @cssproperty [--rtc-call-layout-height=max(56.25cqw, 60svh)] - Height of the tiles' area: 16:9 of the call's width,
 * at least 60% of the window's height. Give `rtc-call` a height of its own and the area fills what the status line
 * and the controls leave.
 */
export class RtcCall extends LitElement {
  static override styles = styles;

  // Declared here rather than with decorators: each decorator is a call of its own in the bundle (issue 10).
  static override properties: PropertyDeclarations = {
    room: { reflect: true },
    server: {},
    name: {},
    token: {},
    iceTransportPolicy: { attribute: 'ice-transport-policy' },
    startMuted: { type: Boolean, attribute: 'start-muted' },
    startCameraOff: { type: Boolean, attribute: 'start-camera-off' },
    pauseVideoWhenHidden: { attribute: 'pause-video-when-hidden' },
    echoCancellation: { attribute: 'echo-cancellation' },
    noiseSuppression: { attribute: 'noise-suppression' },
    autoGainControl: { attribute: 'auto-gain-control' },
    strings: { attribute: false },
    theme: { reflect: true },
    shortcuts: {},
    debug: {},
    fitVideo: { attribute: 'fit-video' },
    noPrejoin: { type: Boolean, attribute: 'no-prejoin' },
    manual: { type: Boolean },
    videosFirst: { type: Number, attribute: 'videos-first' },
    state: { reflect: true },
    callState: { reflect: true, attribute: 'call-state' },
    layout: { reflect: true },
    pinned: { state: true, attribute: false },
    area: { state: true, attribute: false },
    pickerOpen: { state: true, attribute: false },
    panel: { state: true, attribute: false },
    reactionsOpen: { state: true, attribute: false },
    unread: { state: true, attribute: false },
    settling: { state: true, attribute: false },
  };

  /** The room to join. Everyone on the same server with the same room name is in one call. */
  room = '';

  /** The broker's base URL. Defaults to the origin `rtc-call.js` was loaded from, so the script tag alone is enough. */
  server = defaultServer();

  /** Your display name, shown to the others. */
  name = '';

  /** A room token (JWT from the site's backend), needed when the server has `ROOM_SECRET`. */
  token = '';

  /**
   * `all` (default) or `relay`. `relay` sends every connection through the TURN server, so visitors never learn each
   * other's IP addresses; it needs a TURN server on the broker.
   */
  iceTransportPolicy: RTCIceTransportPolicy = 'all';

  /** Join with the microphone muted. */
  startMuted = false;

  /** Join with the camera off. */
  startCameraOff = false;

  /**
   * Whether your video pauses while the page is hidden (the browser in the background, the screen locked), and
   * resumes on return; the others see your camera as off meanwhile. `auto` (default): on phones and tablets (a
   * touch screen and no mouse), where the camera costs battery and the system may take it anyway; `on`; `off`.
   * Read when joining.
   */
  pauseVideoWhenHidden: 'auto' | 'on' | 'off' = 'auto';

  /** `off` turns the browser's echo cancellation off (for headphones or music). Read when the microphone opens. */
  echoCancellation: 'on' | 'off' = 'on';

  /** `off` turns the browser's noise suppression off (for music). Read when the microphone opens. */
  noiseSuppression: 'on' | 'off' = 'on';

  /** `off` turns the browser's automatic gain control off (for a studio microphone). Read when the microphone opens. */
  autoGainControl: 'on' | 'off' = 'on';

  /**
   * Words to use instead of the language's own, any of them (`{ leave: 'Hang up', errors: { 'room-full': '…' } }`);
   * see `RtcStrings`. The language is the element's `lang`, else the nearest ancestor's, else the page's (`<html
   * lang>`): English, or Simplified Chinese (`zh-CN`, `zh`, `zh-Hans`), whose words load the first time they are needed.
   */
  strings?: Partial<RtcStrings>;

  /**
   * `light` or `dark`; anything else (or none) follows the visitor's system (`prefers-color-scheme`). A page's own
   * custom properties win over either theme.
   */
  theme?: 'light' | 'dark';

  /**
   * `off` turns the keyboard shortcuts off: Ctrl+D (⌘+D on a Mac) mutes and unmutes the microphone, Ctrl+E (⌘+E)
   * turns the camera off and on, while in a call, anywhere on the page but in a text field.
   */
  shortcuts: 'on' | 'off' = 'on';

  /**
   * Turns on the engine's log in the browser console: `debug` alone (or `debug="debug"`) says everything, including
   * failures the call recovers from by itself; `debug="info"` state changes and up, `warn`, `error`. Off by default.
   */
  debug?: string | null;

  /**
   * `off` sends everyone your camera at 1280x720, unscaled, even to a small or hidden tile. By default (`on`) each
   * person is sent the video they show: a small tile gets it scaled down, a hidden one none, and the camera captures
   * no more than the largest tile anyone shows it in, which saves the sender's CPU and uplink. Read when joining.
   */
  fitVideo: 'on' | 'off' = 'on';

  /**
   * Joins as soon as it has a `room`, without the pre-join screen: today's embeds that start the call on load. By
   * default the visitor first sees the pre-join screen (`state="prejoin"`) and joins with its Join button.
   */
  noPrejoin = false;

  /**
   * Waits for `join()` (or the Join button) even with `no-prejoin`: for a page that starts the call from its own
   * controls. Without `no-prejoin` the element waits anyway.
   */
  manual = false;

  /**
   * While a call that began by itself (`no-prejoin`) connects, only the videos are drawn, for at most this many
   * milliseconds, so that the first pictures come sooner. The rest (toolbar, status, names) comes earlier: at the first
   * picture from someone else, after a moment alone in the room, or with a notice.
   * `0` draws everything at once.
   */
  videosFirst = 1000;

  /**
   * What the element is doing: `idle` (no call yet), `prejoin` (it has a room and waits for the visitor to join:
   * the pre-join screen, or `manual`), `joining`, `joined`, `reconnecting` (the link to the server was lost and is being restored), `left` or
   * `failed` (joining has ended; `rtc-error` said why). Read-only; `rtc-state-change` fires on every change.
   */
  state: RtcCallState = 'idle';

  /** The call engine's own state: `state` without `prejoin` (there it is `idle`). Read-only. */
  callState: CallState = 'idle';

  /**
   * How the tiles are laid out: `grid` (default), an auto-fitting grid of equal 16:9 tiles as large as the space
   * allows; or `speaker`, one tile large on the stage (the pinned one, else a screen being shared, else the active
   * speaker) and the others in a filmstrip under it, or beside it where the call is wide. A pinned tile or a screen
   * share takes the stage in `grid` too.
   */
  layout: LayoutName = 'grid';

  /** What is pinned to the stage (see `pin()`), or null. */
  private pinned: string | null = null;
  /** The tiles' area as last measured (CSS pixels), and the gap between its tiles. */
  private area = { w: 0, h: 0, gap: 0 };
  #resize?: ResizeObserver;
  #measured?: Element;
  /** The remote participant last heard speaking (`speaking`), for the speaker layout's stage. */
  #speaker?: string;
  #onFullscreen = () => this.requestUpdate();

  /** What the device picker inside reads: the call's devices, else the pre-join screen's. */
  readonly #devices = new ContextProvider(this, { context: callContext });

  private pickerOpen = false;

  /** The side panel shown: the participant list (`people`), the chat (`chat`), or none. */
  panel: 'chat' | 'people' | null = null;

  private reactionsOpen = false;

  /** Reactions floating over tiles now, by participant. */
  #reactions = new Map<string, { emoji: string; at: number }>();
  /** Who the active speaker is, by `rtc-active-speaker`. */
  #activeSpeaker?: string;

  /** Messages from others since the chat was last open. */
  private unread = 0;

  /** Only the videos are drawn for now (`videosFirst`). */
  private settling = false;
  #settleTimer?: ReturnType<typeof setTimeout>;
  #aloneTimer?: ReturnType<typeof setTimeout>;
  #settled = () => {
    clearTimeout(this.#settleTimer);
    clearTimeout(this.#aloneTimer);
    this.settling = false;
  };

  private readonly controller = new CallController(this, () => this.#syncState());
  readonly #prejoin = new PrejoinController(this, () =>
    this.shadowRoot?.querySelector<HTMLElement>('[part~="prejoin-meter"]'),
  );
  readonly #l10n = new LocalizeController(this);
  /** One for the element's life; its level follows `debug`, also mid-call. */
  readonly #logger = new ConsoleLogger('off');
  /** Held for its listener: it attaches itself to the element. */
  protected readonly keyboard = new ShortcutsController(this, {
    enabled: () => this.#shortcutsOn(),
    microphone: () => this.toggleMic(),
    camera: () => this.toggleCamera(),
  });
  /** The latest joins and leaves, for the live region; put in words when rendered, in the language of the moment. */
  /**
   * Joins and leaves not yet put in the live region. The region's lines are added by hand, not by a Lit `repeat`: a
   * keyed list whose oldest line goes each time left two comment markers behind per line in Chromium (the leak test
   * counted 90 DOM nodes after 50 leave/join rounds), and an unkeyed one would rewrite every line, which a screen
   * reader says again.
   */
  #toAnnounce: { key: AnnounceKey | 'announceMessage'; name: string; text?: string }[] = [];
  /** What join() and leave() last said; see #wantsCall. */
  #wantJoined?: boolean;
  /** What the current call was started with; a change of any of it means a new call. */
  #joinedWith = '';
  /** That call's join, for another join() of the same call to wait for. */
  #joining?: Promise<void>;
  /** The last `state` announced by `rtc-state-change`. */
  #reported: RtcCallState = 'idle';
  /** The devices and choice last told by `rtc-device-change` (none before the first call). */
  #devicesTold = commands.deviceKey([], { audioinput: '', videoinput: '', audiooutput: '' });
  /** Where keyboard focus goes once the controls have changed under it. */
  #focusNext?: 'mic-button' | 'join-button' | 'chat-button';

  constructor() {
    super();
    this.addEventListener('rtc-participant-joined', (e) => this.#announce('announceJoined', e.detail.participant));
    this.addEventListener('rtc-participant-left', (e) => this.#announce('announceLeft', e.detail.participant));
    this.addEventListener('rtc-hand', (e) => e.detail.raised && this.#announce('announceHand', e.detail.participant));
    this.addEventListener('rtc-reaction', (e) => this.#float(e.detail.participant.id, e.detail.emoji));
    this.addEventListener('rtc-active-speaker', (e) => {
      this.#activeSpeaker = e.detail.participant?.id;
      this.requestUpdate();
    });
    this.addEventListener('rtc-message', (e) => {
      if (e.detail.local || this.panel === 'chat') return;
      this.unread++;
      // The open chat is a live region of its own; a closed one is said here.
      this.#toAnnounce.push({ key: 'announceMessage', name: e.detail.from.name, text: e.detail.text });
    });
  }

  /** Floats a reaction over `id`'s tile for REACTION_MS (a new one floats anew). */
  #float(id: string, emoji: string): void {
    const shown = { emoji, at: performance.now() };
    this.#reactions.set(id, shown);
    this.requestUpdate();
    setTimeout(() => {
      if (this.#reactions.get(id) !== shown) return;
      this.#reactions.delete(id);
      this.requestUpdate();
    }, REACTION_MS);
  }

  #announce(key: AnnounceKey, who: Participant): void {
    this.#toAnnounce.push({ key, name: who.name });
    this.requestUpdate();
  }

  /** Adds the waiting joins and leaves to the live region; the last three stay, in the element's language. */
  #sayAnnouncements(): void {
    const region = this.shadowRoot?.querySelector('[part~="announcer"]');
    if (!region) return;
    for (const { key, name, text } of this.#toAnnounce.splice(0)) {
      const line = document.createElement('p');
      line.setAttribute('part', 'announcement');
      line.dataset.key = key;
      line.dataset.name = name;
      line.dataset.text = text ?? '';
      region.append(line);
    }
    // A few are kept, so that two people joining at once are both said; all in the language of the moment.
    const lines = [...region.querySelectorAll<HTMLElement>('p')];
    for (const line of lines.slice(0, -3)) line.remove();
    const t = this.#l10n;
    for (const line of lines.slice(-3)) {
      const key =
        line.dataset.key === 'announceMessage'
          ? 'announceMessage'
          : (ANNOUNCE_KEYS.find((k) => k === line.dataset.key) ?? 'announceJoined');
      const text = t.t(key, { name: line.dataset.name || t.t('guest'), text: line.dataset.text ?? '' });
      if (line.textContent !== text) line.textContent = text;
    }
  }

  /**
   * Whether the visitor should be in the call: as join() and leave() last said; until then, whether the call starts
   * by itself once there is a room (`no-prejoin` without `manual`, as the attributes are now: a page may set them
   * after the element is on the page).
   */
  #wantsCall(): boolean {
    return this.#wantJoined ?? (this.noPrejoin && !this.manual);
  }

  /** The pre-join screen shows: a room, not joined yet, and no `no-prejoin`. */
  #prejoinShown(): boolean {
    return this.state === 'prejoin' && !this.noPrejoin;
  }

  #shortcutsOn(): boolean {
    const s = this.controller.state;
    return this.shortcuts !== 'off' && (s === 'joining' || s === 'joined' || s === 'reconnecting');
  }

  override connectedCallback(): void {
    super.connectedCallback();
    document.addEventListener('fullscreenchange', this.#onFullscreen);
    this.#syncState();
    // Back on the page after being removed (a move keeps its call): join again if the visitor had not left.
    if (!this.controller.call) {
      this.#joinedWith = '';
      this.requestUpdate();
    }
  }

  /**
   * The call engine behind this element while it is in a call, for scripts that need more than the events: e.g.
   * `await el.call.stats(id)`, how the connection to participant `id` stands (route, bytes, media sent and received).
   */
  get call(): Call | undefined {
    return this.controller.call;
  }

  /**
   * Everyone in the call, yourself first, as frozen snapshots: `{ id, name, local, stream, audioEnabled,
   * videoEnabled, connection, weakLink, hand, speaking, quality, screen }` (`quality`: `good`, `fair`, `poor`, or null
   * for yourself and until first judged; `screen`: their shared screen's stream, or null). A new array whenever
   * anything changes; empty outside a call.
   */
  get participants(): readonly Participant[] {
    return commands.snapshots(this.controller.participants);
  }

  /** Your own camera and microphone as the others get them (only live tracks), or null outside a call. */
  get localStream(): MediaStream | null {
    return this.controller.call?.media.preview ?? null;
  }

  /**
   * Turns the microphone on or off. Rejects with an `RtcError`: `not-in-call`, `microphone-denied`,
   * `microphone-unavailable`.
   */
  async setMicrophone(on: boolean): Promise<void> {
    await commands.setMicrophone(this.controller.call, !!on);
  }

  /**
   * Turns the camera on or off (off releases it, so its light goes out). Rejects with an `RtcError`: `not-in-call`,
   * `camera-denied`, `camera-unavailable`.
   */
  async setCamera(on: boolean): Promise<void> {
    await commands.setCamera(this.controller.call, !!on);
  }

  /**
   * Switches devices by their `deviceId` (from `rtc-device-change` or `navigator.mediaDevices.enumerateDevices()`):
   * `{ audioinput, videoinput, audiooutput }`, any of them; `''` is the browser's default. The others hear and see the
   * new device without a renegotiation. Rejects with an `RtcError`: `not-in-call`, `unknown-device` (then nothing
   * changed), `media-unsupported` (this browser cannot choose the speaker), `camera-unavailable`,
   * `microphone-unavailable`, `camera-denied`, `microphone-denied`.
   */
  async setDevices(choice: RtcDeviceChoice): Promise<void> {
    await commands.setDevices(this.controller.call, choice);
  }

  /**
   * Sends `data` to the others' pages under `topic`, peer to peer over the call's own data channels (never through the
   * server): to everyone else in the call, or only to `{ to: id }` (a participant's `id`). Each of them gets an
   * `rtc-data` event with `{ topic, from, data }`, in the order you sent. `topic` is a string of 1 to 64 characters;
   * `data` anything JSON can hold; the message at most 64 KiB as JSON. Resolves once handed to the connections; to
   * someone whose connection is still being made (they have just joined) it waits until it opens, 64 messages at
   * most. Rejects with an `RtcError`, having sent nothing: `not-in-call`, `invalid-topic`, `invalid-data`,
   * `data-too-large`, `unknown-participant`.
   */
  async send(topic: string, data: unknown, options?: SendOptions): Promise<void> {
    const call = this.controller.call;
    if (!call) throw notInCall();
    await call.send(topic, data, options);
  }

  /**
   * Raises (`true`) or lowers your hand: shown on your tile and in the participant list for everyone, and said by
   * their screen readers; someone who joins later sees it up. Rejects with an `RtcError`: `not-in-call`.
   */
  async raiseHand(on: boolean): Promise<void> {
    const call = this.controller.call;
    if (!call) throw notInCall();
    await call.raiseHand(!!on);
  }

  /**
   * Sends a reaction, which floats over your tile for everyone for a few seconds: one of 👍 ❤️ 😂 🎉 👏 😮. Rejects
   * with an `RtcError`, having sent nothing: `not-in-call`, `invalid-reaction` (not one of those), `rate-limited`
   * (more than 5 in 5 seconds).
   */
  async react(emoji: string): Promise<void> {
    const call = this.controller.call;
    if (!call) throw notInCall();
    await call.react(emoji);
  }

  /** What a tile's quality badge shows, for participant `id`. */
  #readDetails = async (id: string): Promise<QualityDetails> => {
    const call = this.controller.call;
    return { report: call?.linkReport(id), stats: await call?.stats(id) };
  };

  private togglePanel(panel: 'chat' | 'people'): void {
    this.panel = this.panel === panel ? null : panel;
    // The list is a chunk of its own, fetched the first time it is shown.
    if (this.panel === 'people') void import('../rtc-participant-list/rtc-participant-list.js');
  }

  private rename(name: string): void {
    this.name = name;
  }

  /**
   * Sends a chat message to everyone else in the call, over the call's own connections (never the server). Each gets
   * it once and in order, also across a reconnect; someone who joins later is sent the last 100. Resolves once handed
   * to the connections (`rtc-message` fires for it here too). Rejects with an `RtcError`: `not-in-call`,
   * `invalid-message` (empty, only spaces, or over 4,000 characters), `rate-limited` (over 20 at once or 5 a second).
   */
  async sendMessage(text: string): Promise<void> {
    const call = this.controller.call;
    if (!call) throw notInCall();
    await call.sendMessage(text);
  }

  /** Opens or closes the chat in the side panel; its code is loaded the first time. */
  private async toggleChat(): Promise<void> {
    if (this.panel === 'chat') return this.#closePanel();
    this.panel = 'chat';
    this.unread = 0;
    await import('../rtc-chat/rtc-chat.js');
    await this.updateComplete;
    this.shadowRoot?.querySelector<HTMLElement>('[part~="chat"]')?.focus();
  }

  #closePanel(): void {
    this.panel = null;
    this.#focusNext = 'chat-button';
  }

  /**
   * Shares a screen, window or tab with everyone in the call; the browser asks the visitor which. Its tile takes the
   * stage for everyone; your camera stays on its own tile. Resolves once shared. Rejects with an `RtcError`:
   * `not-in-call`, `screen-denied` (the visitor cancelled the picker, or the page may not share),
   * `media-unsupported` (the browser cannot share, as on phones).
   */
  async shareScreen(): Promise<void> {
    const call = this.controller.call;
    if (!call) throw notInCall();
    await call.shareScreen();
  }

  /** Stops sharing your screen (the browser's own "Stop sharing" does the same). Rejects with `not-in-call`. */
  async stopScreenShare(): Promise<void> {
    const call = this.controller.call;
    if (!call) throw notInCall();
    await call.stopScreenShare();
  }

  /** Sets `layout`: `grid` or `speaker`. Rejects with an `RtcError` `invalid-layout` for anything else. */
  async setLayout(layout: LayoutName): Promise<void> {
    if (layout !== 'grid' && layout !== 'speaker')
      throw new RtcError('invalid-layout', `The layout is "grid" or "speaker", not ${JSON.stringify(layout)}.`);
    this.layout = layout;
    await this.updateComplete;
  }

  /**
   * Pins a tile to the stage, in either layout: a participant's `id` (their camera), or `<id>:screen` for their
   * screen; `null` unpins. Rejects with an `RtcError` `unknown-participant` when there is no such tile.
   */
  async pin(id: string | null): Promise<void> {
    if (id !== null && !tilesOf(this.controller.participants).some((t) => t.pin === id))
      throw new RtcError('unknown-participant', `There is no tile ${JSON.stringify(id)} in this call.`);
    this.pinned = id;
    await this.updateComplete;
  }

  /**
   * Joins `room` (leaving any call this element is in). Resolves when joined (or when `leave()` or another `join()`
   * came first). While this element is in that very call already, or on its way in (with `no-prejoin` it joins by
   * itself), it does not join again: it waits for that call's join. Rejects with an `RtcError` when joining cannot
   * succeed: `room-full`, `unauthorized`, `invalid-room`, `server-unreachable`, … (the same error also arrives as
   * `rtc-error`, and the widget says it in words).
   */
  async join(): Promise<void> {
    this.#wantJoined = true;
    // Unless already in this call, or on the way in (a `no-prejoin` element joins by itself): then it waits for that.
    if (this.#joinedWith !== this.#callKey() || /idle|left|failed/.test(this.controller.call?.state ?? '')) {
      this.unread = 0;
      this.#joinedWith = this.#callKey();
      // The pre-join screen's camera and microphone, as the visitor left them there.
      const media = this.#prejoin.take();
      this.#joining = this.controller.start({
        media,
        server: this.server,
        room: this.room,
        name: this.name || undefined,
        token: this.token || undefined,
        iceTransportPolicy: this.iceTransportPolicy === 'relay' ? 'relay' : 'all',
        audio: media ? media.wanted.audio : !this.startMuted,
        video: media ? media.wanted.video : !this.startCameraOff,
        logger: this.#logger,
        fitVideo: this.fitVideo !== 'off',
        audioProcessing: this.#audioProcessing(),
        pauseVideoWhenHidden:
          this.pauseVideoWhenHidden === 'auto' ? this.#touchFirst() : this.pauseVideoWhenHidden === 'on',
      });
    }
    await this.#joining;
    // `call-state` is rendered from the call's state: let it catch up, so both say the same when join() resolves.
    await this.updateComplete;
  }

  /** Leaves the call and releases the camera and microphone. */
  async leave(): Promise<void> {
    this.#wantJoined = false;
    this.#joinedWith = '';
    this.pickerOpen = false;
    await this.controller.stop();
  }

  #audioProcessing(): AudioProcessing {
    return {
      echoCancellation: this.echoCancellation !== 'off',
      noiseSuppression: this.noiseSuppression !== 'off',
      autoGainControl: this.autoGainControl !== 'off',
    };
  }

  /** A change of these means another call. (A new token does not: it is used for the next seat.) */
  #callKey(): string {
    return JSON.stringify([this.room, this.server, this.iceTransportPolicy]);
  }

  /** `state` from the call's state and what the visitor wants; fires `rtc-state-change` when it changes. */
  #syncState(): void {
    const engine = this.controller.state;
    // Before the first connection, only a server-side render (Lit SSR: never connected) gets here: it shows what the
    // browser will, the pre-join screen of a `manual` element.
    const wantJoined = this.#wantsCall();
    const next: RtcCallState = engine !== 'idle' ? engine : this.room && !wantJoined ? 'prejoin' : 'idle';
    const previous = this.#reported;
    this.state = next;
    if (next === previous) return;
    this.#reported = next;
    this.dispatchEvent(rtcStateChange({ state: next, previous }));
  }

  protected override willUpdate(): void {
    this.#logger.level = parseLogLevel(this.debug);
    // Joining before this render, not after it: the call's broker connection is then on its way while the widget
    // renders.
    // Joined by the widget itself: a failure is shown and fired as `rtc-error`, with no caller to reject to.
    if (this.isConnected && this.#wantsCall() && this.room && this.#joinedWith !== this.#callKey()) {
      // Nothing drawn yet: the videos first. The browser's answers (the camera, the broker) and the first pictures then
      // do not wait behind the rest of the widget.
      if (!this.hasUpdated && this.videosFirst > 0) {
        this.settling = true;
        this.#settleTimer = setTimeout(this.#settled, this.videosFirst);
      }
      this.join().catch(() => {});
    }
    if (this.settling) this.#settleIfDue();
    // A new or cleared room can mean `prejoin` or `idle`; a `state` the page set itself is put back.
    this.#syncState();
    this.callState = this.controller.state;
    if (this.isConnected && this.#prejoinShown())
      this.#prejoin.open({ audio: !this.startMuted, video: !this.startCameraOff }, this.#audioProcessing());
    else if (!this.#wantsCall()) this.#prejoin.close();
    const context = this.controller.context ?? this.#prejoin.context;
    this.#devices.setValue(context);
    this.#tellDevices(context);
  }

  /**
   * Ends the videos-only view where the call has gone wrong or has something to say, once someone with their camera off
   * is connected (they have no picture to wait for), or alone for ALONE_MS.
   */
  #settleIfDue(): void {
    const c = this.controller;
    const s = c.state;
    if (
      (s !== 'joining' && s !== 'joined') ||
      c.notices.length ||
      this.#prejoin.notices.length ||
      c.participants.some((p) => !p.local && !p.videoEnabled && p.connection === 'connected')
    )
      return this.#settled();
    const alone = s === 'joined' && c.participants.length < 2;
    if (!alone) {
      clearTimeout(this.#aloneTimer);
      this.#aloneTimer = undefined;
    } else this.#aloneTimer ??= setTimeout(this.#settled, ALONE_MS);
  }

  /** `rtc-device-change` when the list of devices or the choice differs from what was told last. */
  #tellDevices(context: CallContextValue | undefined): void {
    if (!context) return;
    const key = commands.deviceKey(context.devices, context.selected);
    if (key === this.#devicesTold) return;
    this.#devicesTold = key;
    this.dispatchEvent(rtcDeviceChange({ devices: context.devices, selected: context.selected }));
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    document.removeEventListener('fullscreenchange', this.#onFullscreen);
    this.#settled();
    this.#resize?.disconnect();
    this.#measured = undefined;
  }

  /** Follows the size of the tiles' area, to lay them out in it. */
  #measure(): void {
    const area = this.renderRoot.querySelector('[part~="layout"]') ?? undefined;
    if (area === this.#measured) return;
    this.#resize ??= new ResizeObserver(([entry]) => {
      const { width: w, height: h } = entry.contentRect;
      const gap = parseFloat(getComputedStyle(entry.target).rowGap) || 0;
      const a = this.area;
      if (Math.abs(a.w - w) >= 1 || Math.abs(a.h - h) >= 1 || a.gap !== gap) this.area = { w, h, gap };
    });
    this.#resize.disconnect();
    if (area) this.#resize.observe(area);
    this.#measured = area;
  }

  #toggleScreen(sharing: boolean): void {
    // A cancelled picker is the visitor's choice, not a problem to show.
    (sharing ? this.stopScreenShare() : this.shareScreen()).catch(() => {});
  }

  #toggleFullscreen(): void {
    if (this.shadowRoot?.fullscreenElement) void document.exitFullscreen();
    else
      void this.renderRoot
        .querySelector('[part~="base"]')
        ?.requestFullscreen()
        .catch((err) => this.#logger.debug('requestFullscreen failed', err));
  }

  /** The tiles, laid out: a grid, or the stage and the filmstrip. */
  #renderTiles(people: readonly Participant[], lang: string) {
    const c = this.controller;
    // The speaker view's stage: the active speaker (held a moment, so two voices do not swap it all the time).
    const active = this.#activeSpeaker;
    if (active && people.some((p) => p.id === active && !p.local)) this.#speaker = active;
    const tiles = tilesOf(people);
    const stage = pickStage(tiles, this.layout, this.pinned, this.#speaker);
    const { w, h, gap } = this.area;
    const tile = (t: TileRef) =>
      html`<rtc-video-tile
        exportparts=${TILE_PARTS}
        lang=${lang}
        .strings=${this.strings}
        .participant=${t.p}
        controls
        ?video-only=${this.settling}
        ?screen=${t.screen}
        ?pinned=${t.pin === this.pinned}
        .logger=${this.#logger}
        .sinkId=${c.context?.selected.audiooutput ?? ''}
        .reaction=${t.screen ? undefined : this.#reactions.get(t.p.id)}
        .readDetails=${this.#readDetails}
        ?active-speaker=${!t.screen && !!this.#activeSpeaker && this.#activeSpeaker === t.p.id && people.length > 1}
      ></rtc-video-tile>`;
    const key = (t: TileRef) => t.key;
    let body;
    if (stage) {
      const fit = fitStage(w, h, gap);
      body = html`<div part="stage" style=${w ? `--rtc-tile-width:${fit.stage}px` : ''}>
          ${repeat([stage], key, tile)}
        </div>
        <div part="filmstrip" style=${w ? `--rtc-tile-width:${fit.strip}px` : ''}>
          ${repeat(
            tiles.filter((t) => t !== stage),
            key,
            tile,
          )}
        </div>`;
      return this.#layout('stage', fit.side, body);
    }
    const grid = fitGrid(tiles.length, w, h, gap);
    // --rtc-columns as before, for pages that styled the grid with it.
    return this.#layout(
      'grid',
      false,
      html`<div part="grid" style=${`--rtc-columns:${grid.columns}` + (w ? `;--rtc-tile-width:${grid.width}px` : '')}>
        ${repeat(tiles, key, tile)}
      </div>`,
    );
  }

  /** The tiles' area: it has a height of its own, and the tiles are laid out in it. */
  #layout(layout: 'grid' | 'stage', side: boolean, body: unknown) {
    const call = this.controller.call;
    return html`<div
      part="layout"
      data-layout=${layout}
      class=${side ? 'side' : ''}
      @rtc-tile-view=${(e: CustomEvent<RtcTileViewDetail>) => call?.setView(e.detail.id, e.detail.height)}
      @rtc-tile-pin=${(e: CustomEvent<RtcTilePinDetail>) => void this.pin(e.detail.pinned ? e.detail.id : null)}
      @rtc-tile-frame=${(e: Event) => !(e.target as HTMLElementTagNameMap['rtc-video-tile']).local && this.#settled()}
    >
      ${body}
    </div>`;
  }

  protected override updated(changed: PropertyValues<this>): void {
    // (Not for the first values: nothing changed then.)
    if (['layout', 'pinned'].some((k) => (changed as Map<PropertyKey, unknown>).get(k) !== undefined))
      this.dispatchEvent(rtcLayoutChange({ layout: this.layout, pinned: this.pinned }));
    this.#sayAnnouncements();
    this.#measure();
    if (this.#focusNext) {
      const target = this.shadowRoot?.querySelector<HTMLElement>(`[part~="${this.#focusNext}"]`);
      if (target) {
        target.focus();
        this.#focusNext = undefined;
      }
    }
    if (!this.isConnected) return;
    const call = this.controller.call;
    if (!this.room && call) {
      this.#joinedWith = '';
      void this.controller.stop();
    } else if (call) {
      // (After a rename in the list too: the name the others see is then the page's `name`.)
      if (changed.has('name')) call.setName(this.name);
      if (changed.has('token')) call.setToken(this.token || undefined);
    }
  }

  private requestLeave(): void {
    if (!this.dispatchEvent(rtcRequestLeave())) return;
    this.#focusNext = 'join-button';
    void this.leave();
  }

  private clickJoin(): void {
    this.#focusNext = 'mic-button';
    // A failure is shown in words and fired as `rtc-error`.
    this.join().catch(() => {});
  }

  private toggleMic(): void {
    const media = this.controller.call?.media;
    // A failure is already shown (and fired as rtc-error) by the call.
    if (media) this.setMicrophone(!media.audioEnabled).catch(() => {});
  }

  private toggleCamera(): void {
    const media = this.controller.call?.media;
    if (media) this.setCamera(!media.videoEnabled).catch(() => {});
  }

  /** A phone or tablet: a touch screen and no mouse. */
  #touchFirst(): boolean {
    return !!globalThis.matchMedia?.('(pointer: coarse)').matches && !matchMedia('(any-pointer: fine)').matches;
  }

  /** The next camera (a phone's front and back one): what a phone's switch button does. */
  #switchCamera(cameras: readonly MediaDeviceInfo[]): void {
    const now = cameras.findIndex((d) => d.deviceId === this.controller.context?.selected.videoinput);
    const next = cameras[(now + 1) % cameras.length];
    this.setDevices({ videoinput: next.deviceId }).catch(() => {});
  }

  /** A problem in this element's language: its words for the code, else the engine's message. */
  #noticeText(notice: RtcErrorDetail): string {
    const words = this.#l10n.strings.errors[notice.code];
    if (!words) return notice.message;
    let host = '';
    try {
      host = new URL(this.server).host;
    } catch {
      /* no host to name */
    }
    return format(words, { host });
  }

  /** The device picker: on the pre-join screen, and in a call only while open (nothing to build until then). */
  #renderPicker() {
    return html`<rtc-device-picker
      id="picker"
      part="device-picker"
      exportparts=${PICKER_PARTS}
      lang=${this.#l10n.language}
      .strings=${this.strings}
    ></rtc-device-picker>`;
  }

  /**
   * Before joining: your camera as the others will see it, your microphone's level, whether to join with each on,
   * and your name. (The device picker shows below it, the site's `prejoin` content and the Join button after.)
   */
  #renderPrejoin() {
    const t = this.#l10n;
    const media = this.#prejoin.media;
    const micOn = !!media?.audioEnabled;
    const camOn = !!media?.videoEnabled;
    const self = this.#prejoin.self(this.name);
    return html`<div part="prejoin-screen">
      ${
        self
          ? html`<rtc-video-tile
              part="prejoin-preview"
              exportparts=${TILE_PARTS}
              lang=${t.language}
              .strings=${this.strings}
              .participant=${self}
            ></rtc-video-tile>`
          : nothing
      }
      <div
        part="prejoin-meter"
        role="meter"
        aria-label=${t.t('microphoneLevel')}
        aria-valuemin="0"
        aria-valuemax="100"
        aria-valuenow="0"
      ></div>
      <div part="prejoin-toggles">
        <button
          part="control prejoin-mic-button"
          aria-label=${t.t('microphone')}
          aria-pressed=${micOn}
          title=${micOn ? t.t('muteMicrophone') : t.t('unmuteMicrophone')}
          @click=${() => void media?.setAudioEnabled(!micOn)}
        >
          ${micOn ? micIcon : micOffIcon}
        </button>
        <button
          part="control prejoin-camera-button"
          aria-label=${t.t('camera')}
          aria-pressed=${camOn}
          title=${camOn ? t.t('turnCameraOff') : t.t('turnCameraOn')}
          @click=${() => void media?.setVideoEnabled(!camOn)}
        >
          ${camOn ? camIcon : camOffIcon}
        </button>
      </div>
      ${this.#renderPicker()}
      <label part="prejoin-name-label"
        >${t.t('yourName')}
        <input
          part="prejoin-name"
          autocomplete="name"
          maxlength="64"
          .value=${this.name}
          @input=${(e: Event) => (this.name = (e.target as HTMLInputElement).value)}
          @keydown=${(e: KeyboardEvent) => e.key === 'Enter' && this.clickJoin()}
      /></label>
    </div>`;
  }

  protected override render() {
    const c = this.controller;
    const inCall = c.state === 'joining' || c.state === 'joined' || c.state === 'reconnecting';
    const people = c.participants;
    const media = c.call?.media;
    const micOn = !!media?.audioEnabled;
    const camOn = !!media?.videoEnabled;
    const sharing = !!people[0]?.local && !!people[0].screen;
    const full = !!this.shadowRoot?.fullscreenElement;
    const cameras = c.context?.devices.filter((d) => d.kind === 'videoinput') ?? [];
    const t = this.#l10n;
    const statusKey: RtcStringKey | undefined = !this.room
      ? 'statusNoRoom'
      : c.state === 'joined' && people.length <= 1
        ? 'statusWaiting'
        : STATUS[c.state];
    const status = statusKey ? t.t(statusKey) : '';
    const statusLine = status ? html`<div part="status" role="status">${status}</div>` : nothing;
    const alone = !!this.room && c.state === 'joined' && people.length <= 1;
    // Over the tiles, the call's state floats with the notices: nothing under them moves (a button aimed at included).
    const floats = people.length && !alone && this.state !== 'prejoin';
    const lang = t.language;
    const self = people.find((p) => p.local);
    const handUp = !!self?.hand;
    const settling = this.settling;
    return html`
      <div part="base" aria-busy=${settling ? 'true' : nothing}>
        ${
          settling
            ? nothing
            : html`<div part="overlay">
                ${floats ? statusLine : nothing}
                <div part="notices" role="alert">
                  ${[...c.notices, ...this.#prejoin.notices].map(
                    (n) =>
                      html`<div part="notice" data-code=${n.code}>
                        <span part="notice-text">${this.#noticeText(n)}</span>
                        <button
                          part="notice-dismiss"
                          aria-label=${t.t('dismiss')}
                          @click=${() => {
                            c.dismiss(n.code);
                            this.#prejoin.dismiss(n.code);
                          }}
                        >
                          ✕
                        </button>
                      </div>`,
                  )}
                </div>
              </div>`
        }
        ${people.length ? this.#renderTiles(people, lang) : nothing}
        ${
          settling
            ? nothing
            : html`${
                  alone
                    ? html`<div part="empty"><slot name="empty">${statusLine}</slot></div>`
                    : this.state === 'prejoin'
                      ? html`${this.#prejoinShown() ? this.#renderPrejoin() : nothing}${statusLine}
                          <div part="prejoin"><slot name="prejoin"></slot></div>`
                      : floats
                        ? nothing
                        : statusLine
                }
                <div part="controls" role="toolbar" aria-label=${t.t('controls')}>
                  <slot name="toolbar-start"></slot>
                  ${
                    inCall
                      ? html`
                          <button
                            part="control mic-button"
                            aria-label=${t.t('microphone')}
                            aria-pressed=${micOn}
                            aria-keyshortcuts=${this.shortcuts === 'off' ? nothing : ARIA_KEYSHORTCUTS.microphone}
                            title=${micOn ? t.t('muteMicrophone') : t.t('unmuteMicrophone')}
                            @click=${this.toggleMic}
                          >
                            ${micOn ? micIcon : micOffIcon}
                          </button>
                          <button
                            part="control camera-button"
                            aria-label=${t.t('camera')}
                            aria-pressed=${camOn}
                            aria-keyshortcuts=${this.shortcuts === 'off' ? nothing : ARIA_KEYSHORTCUTS.camera}
                            title=${camOn ? t.t('turnCameraOff') : t.t('turnCameraOn')}
                            @click=${this.toggleCamera}
                          >
                            ${camOn ? camIcon : camOffIcon}
                          </button>
                          ${
                            cameras.length > 1 && camOn && this.#touchFirst()
                              ? html`<button
                                  part="control camera-switch-button"
                                  aria-label=${t.t('switchCamera')}
                                  title=${t.t('switchCamera')}
                                  @click=${() => this.#switchCamera(cameras)}
                                >
                                  ${switchCameraIcon}
                                </button>`
                              : nothing
                          }
                          ${
                            canShareScreen()
                              ? html`<button
                                  part="control screen-button"
                                  aria-label=${t.t('shareScreen')}
                                  aria-pressed=${sharing}
                                  title=${sharing ? t.t('stopSharing') : t.t('shareScreen')}
                                  @click=${() => this.#toggleScreen(sharing)}
                                >
                                  ${screenIcon}
                                </button>`
                              : nothing
                          }
                          <button
                            part="control hand-button"
                            aria-label=${t.t('raiseHand')}
                            aria-pressed=${handUp}
                            title=${handUp ? t.t('lowerHand') : t.t('raiseHand')}
                            @click=${() => this.raiseHand(!handUp).catch(() => {})}
                          >
                            ${handIcon}
                          </button>
                          <button
                            part="control reactions-button"
                            aria-label=${t.t('reactions')}
                            aria-expanded=${this.reactionsOpen}
                            aria-controls="reactions"
                            title=${t.t('reactions')}
                            @click=${() => (this.reactionsOpen = !this.reactionsOpen)}
                          >
                            ${reactionsIcon}
                          </button>
                          <button
                            part="control chat-button"
                            aria-label=${this.unread ? `${t.t('chat')}, ${t.t('chatUnread', { n: this.unread })}` : t.t('chat')}
                            aria-expanded=${this.panel === 'chat'}
                            title=${t.t('chat')}
                            @click=${this.toggleChat}
                          >
                            ${chatIcon}${
                              this.unread && this.panel !== 'chat'
                                ? html`<span part="chat-unread" aria-hidden="true">${this.unread}</span>`
                                : nothing
                            }
                          </button>
                          <button
                            part="control people-button"
                            aria-label=${`${t.t('people')} ${people.length}`}
                            aria-expanded=${this.panel === 'people'}
                            aria-controls="panel"
                            title=${t.t('people')}
                            @click=${() => this.togglePanel('people')}
                          >
                            <span part="people-icon" aria-hidden="true">${peopleIcon}</span
                            ><span part="people-count">${people.length}</span>
                          </button>
                          <button
                            part="control devices-button"
                            aria-label=${t.t('devices')}
                            aria-expanded=${this.pickerOpen}
                            aria-controls="picker"
                            title=${t.t('chooseDevices')}
                            @click=${() => (this.pickerOpen = !this.pickerOpen)}
                          >
                            ${settingsIcon}
                          </button>
                          ${
                            document.fullscreenEnabled
                              ? html`<button
                                  part="control fullscreen-button"
                                  aria-label=${t.t('fullscreen')}
                                  aria-pressed=${full}
                                  title=${full ? t.t('exitFullscreen') : t.t('fullscreen')}
                                  @click=${this.#toggleFullscreen}
                                >
                                  ${fullscreenIcon}
                                </button>`
                              : nothing
                          }
                          <button
                            part="control leave-button"
                            aria-label=${t.t('leave')}
                            title=${t.t('leave')}
                            @click=${this.requestLeave}
                          >
                            ${leaveIcon}
                          </button>
                        `
                      : html`<button part="control join-button" ?disabled=${!this.room} @click=${this.clickJoin}>
                          ${c.state === 'left' || c.state === 'failed' ? t.t('joinAgain') : t.t('join')}
                        </button>`
                  }
                  <slot name="toolbar-end"></slot>
                </div>
                ${
                  inCall && this.reactionsOpen
                    ? html`<div
                        id="reactions"
                        part="reaction-menu"
                        role="group"
                        aria-label=${t.t('reactions')}
                        @keydown=${(e: KeyboardEvent) => e.key === 'Escape' && (this.reactionsOpen = false)}
                      >
                        ${REACTIONS.map(
                          (emoji) =>
                            html`<button
                              part="control reaction"
                              aria-label=${emoji}
                              @click=${() => this.react(emoji).catch(() => {})}
                            >
                              ${emoji}
                            </button>`,
                        )}
                      </div>`
                    : nothing
                }
                ${
                  inCall && this.panel === 'people'
                    ? html`<aside id="panel" part="panel" aria-label=${t.t('people')}>
                        <rtc-participant-list
                          part="people-list"
                          exportparts=${LIST_PARTS}
                          lang=${lang}
                          .strings=${this.strings}
                          .participants=${people}
                          @rtc-rename=${(e: CustomEvent<{ name: string }>) => this.rename(e.detail.name)}
                        ></rtc-participant-list>
                      </aside>`
                    : nothing
                }
                ${this.pickerOpen && inCall ? this.#renderPicker() : nothing}
                ${
                  inCall && this.panel === 'chat'
                    ? html`<aside part="panel">
                        <rtc-chat
                          part="chat"
                          lang=${lang}
                          .strings=${this.strings}
                          .call=${c.call}
                          @rtc-chat-close=${this.#closePanel}
                        ></rtc-chat>
                      </aside>`
                    : nothing
                }`
        }
        <div part="announcer" role="log" aria-live="polite"></div>
      </div>
    `;
  }
}

type AnnounceKey = (typeof ANNOUNCE_KEYS)[number];

if (!customElements.get('rtc-call')) customElements.define('rtc-call', RtcCall);

declare global {
  interface HTMLElementTagNameMap {
    'rtc-call': RtcCall;
  }
}
