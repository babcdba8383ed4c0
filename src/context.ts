import { createContext } from '@lit/context';
import type { DeviceKind, LocalMedia } from './engine/local-media.js';

/** What `<rtc-call>` provides to the elements inside it. A new object whenever anything in it changes. */
export interface CallContextValue {
  media: LocalMedia;
  devices: readonly MediaDeviceInfo[];
  selected: Readonly<Record<DeviceKind, string>>;
  select(kind: DeviceKind, deviceId: string): Promise<void>;
}

export const callContext = createContext<CallContextValue | undefined>(Symbol('rtc-call'));
