import { expect, fixture, fixtureCleanup, html } from '@open-wc/testing';
import type { RtcCall } from './rtc-call.js';
import type { RtcDeviceChangeDetail } from '../../events.js';
import { brokers, until, uniqueRoom } from '../../test-support.js';
import './rtc-call.js';

const part = (el: RtcCall, name: string) => el.shadowRoot!.querySelector<HTMLElement>(`[part~="${name}"]`);

describe('rtc-call: on a phone', () => {
  afterEach(() => fixtureCleanup());

  it('the switch button goes to the next camera, round to the first; it is there only with two or more', async () => {
    // The test browser has three fake cameras (web-test-runner.config.mjs: device-count=3).
    const el = await fixture<RtcCall>(
      html`<rtc-call no-prejoin server=${brokers.open} room=${uniqueRoom()}></rtc-call>`,
    );
    const told: RtcDeviceChangeDetail[] = [];
    el.addEventListener('rtc-device-change', (e) => told.push(e.detail));
    await until(() => !!part(el, 'camera-switch-button'), 'the switch button');
    const cameras = told.at(-1)!.devices.filter((d) => d.kind === 'videoinput');
    expect(cameras.length).to.be.at.least(2);
    const seen: string[] = [];
    for (let i = 0; i < cameras.length; i++) {
      const before = el.localStream!.getVideoTracks()[0];
      seen.push(before.getSettings().deviceId!);
      part(el, 'camera-switch-button')!.click();
      await until(() => el.localStream!.getVideoTracks()[0] !== before, 'the next camera');
    }
    expect(new Set(seen).size).to.equal(cameras.length);
    expect(el.localStream!.getVideoTracks()[0].getSettings().deviceId).to.equal(seen[0]);
    expect(told.at(-1)!.selected.videoinput).to.equal(seen[0]);

    // Camera off: nothing to switch.
    await el.setCamera(false);
    await el.updateComplete;
    expect(part(el, 'camera-switch-button')).to.be.null;
  });
});
