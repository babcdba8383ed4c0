import type { Call } from '../../engine/call.js';
import { RtcError, type RtcErrorCode } from '../../engine/errors.js';
import type { DeviceKind, LocalMedia } from '../../engine/local-media.js';
import type { Participant } from '../../engine/types.js';
import { canChooseSpeaker } from '../rtc-device-picker/rtc-device-picker.js';

/** The devices to use, by kind; `''` is the browser's default. Kinds left out stay as they are. */
export type RtcDeviceChoice = Partial<Record<DeviceKind, string>>;

const KINDS: readonly DeviceKind[] = ['audioinput', 'videoinput', 'audiooutput'];
const MICROPHONE: RtcErrorCode[] = ['microphone-denied', 'microphone-unavailable'];
const CAMERA: RtcErrorCode[] = ['camera-denied', 'camera-unavailable'];

/** The call's media, or the reason there is none to change. */
function mediaOf(call: Call | undefined): LocalMedia {
  const live = call && (call.state === 'joining' || call.state === 'joined' || call.state === 'reconnecting');
  if (!live) throw new RtcError('not-in-call', 'There is no call to change: join first.');
  return call.media;
}

/** Runs `action`; rejects with the warning the media reported meanwhile among `codes`, if any. */
async function watching(media: LocalMedia, codes: RtcErrorCode[], action: () => Promise<void>): Promise<void> {
  let warning: RtcError | undefined;
  const off = media.on('warning', (w) => {
    if (codes.includes(w.code)) warning = w;
  });
  try {
    await action();
  } finally {
    off();
  }
  if (warning) throw warning;
}

export async function setMicrophone(call: Call | undefined, on: boolean): Promise<void> {
  const media = mediaOf(call);
  await watching(media, MICROPHONE, () => media.setAudioEnabled(on));
  // No warning, yet no microphone (no getUserMedia here): still a failure. A later setMicrophone(false) wins.
  if (on && media.wanted.audio && !media.audioEnabled)
    throw new RtcError('microphone-unavailable', 'The microphone could not be turned on.');
}

export async function setCamera(call: Call | undefined, on: boolean): Promise<void> {
  const media = mediaOf(call);
  await watching(media, CAMERA, () => media.setVideoEnabled(on));
  if (on && media.wanted.video && !media.videoEnabled)
    throw new RtcError('camera-unavailable', 'The camera could not be turned on.');
}

/**
 * Switches devices. Everything asked for is checked against the browser's list before anything changes, so an
 * unknown id changes nothing.
 */
export async function setDevices(call: Call | undefined, choice: RtcDeviceChoice): Promise<void> {
  const media = mediaOf(call);
  if (!choice || typeof choice !== 'object') throw new RtcError('unknown-device', 'setDevices() takes an object.');
  const kinds = Object.keys(choice) as DeviceKind[];
  const unknownKind = kinds.find((k) => !KINDS.includes(k));
  if (unknownKind)
    throw new RtcError('unknown-device', `"${unknownKind}" is not audioinput, videoinput or audiooutput.`);
  if (!media.devices.length) await media.refreshDevices();
  for (const kind of kinds) {
    const id = choice[kind];
    if (typeof id !== 'string' || (id && !media.devices.some((d) => d.kind === kind && d.deviceId === id)))
      throw new RtcError('unknown-device', `There is no ${kind} with the id ${JSON.stringify(id)}.`);
    if (kind === 'audiooutput' && id && !canChooseSpeaker())
      throw new RtcError('media-unsupported', 'This browser cannot choose where sound plays.');
  }
  for (const kind of kinds) {
    const id = choice[kind]!;
    await watching(media, kind === 'videoinput' ? CAMERA : MICROPHONE, () => media.selectDevice(kind, id));
    // The media falls back to the default when a device cannot be opened by its id.
    if (id && media.selected[kind] !== id)
      throw new RtcError(
        kind === 'videoinput' ? 'camera-unavailable' : 'microphone-unavailable',
        `The ${kind === 'videoinput' ? 'camera' : 'microphone'} ${JSON.stringify(id)} could not be started.`,
      );
  }
}

const frozen = new WeakMap<readonly Participant[], readonly Participant[]>();

/** The same list as frozen snapshots (one frozen copy per list, so reading it twice gives the same array). */
export function snapshots(list: readonly Participant[]): readonly Participant[] {
  let copy = frozen.get(list);
  if (!copy) {
    copy = Object.freeze(list.map((p) => Object.freeze({ ...p })));
    frozen.set(list, copy);
  }
  return copy;
}

/** What changed about the devices, as a string to compare: the list and the choice. */
export function deviceKey(devices: readonly MediaDeviceInfo[], selected: Readonly<Record<DeviceKind, string>>): string {
  return JSON.stringify([devices.map((d) => [d.kind, d.deviceId, d.label]), KINDS.map((k) => selected[k])]);
}
