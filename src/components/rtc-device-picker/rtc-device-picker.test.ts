import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import type { RtcDevicePicker } from './rtc-device-picker.js';
import { until } from '../../test-support.js';
import './rtc-device-picker.js';

describe('rtc-device-picker', () => {
  before(async () => {
    // Device labels are listed only once the page may use devices.
    const s = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
    s.getTracks().forEach((t) => t.stop());
  });

  it('lists cameras and microphones on its own, and is accessible', async () => {
    const el = await fixture<RtcDevicePicker>(html`<rtc-device-picker></rtc-device-picker>`);
    await until(() => !!el.shadowRoot!.querySelector('select[data-kind="videoinput"]'), 'the camera list');
    const cams = el.shadowRoot!.querySelectorAll('select[data-kind="videoinput"] option');
    const mics = el.shadowRoot!.querySelectorAll('select[data-kind="audioinput"] option');
    expect(cams.length).to.be.greaterThan(1);
    expect(mics.length).to.be.greaterThan(0);
    expect(el.shadowRoot!.querySelector('label[for="select-videoinput"]')!.textContent).to.equal('Camera');
    expect(el.shadowRoot!.querySelectorAll('[part~="select"]').length).to.be.at.least(2);
    await expect(el).to.be.accessible();
  });

  it('fires rtc-device-select when the visitor picks a device', async () => {
    const el = await fixture<RtcDevicePicker>(html`<rtc-device-picker></rtc-device-picker>`);
    await until(() => !!el.shadowRoot!.querySelector('select[data-kind="videoinput"]'), 'the camera list');
    const select = el.shadowRoot!.querySelector<HTMLSelectElement>('select[data-kind="videoinput"]')!;
    const second = select.options[1].value;
    select.value = second;
    setTimeout(() => select.dispatchEvent(new Event('change')));
    const ev = await oneEvent(el, 'rtc-device-select');
    expect(ev.detail).to.deep.equal({ kind: 'videoinput', deviceId: second });
    expect(ev.bubbles && ev.composed).to.be.true;
  });

  it('follows devicechange', async () => {
    const el = await fixture<RtcDevicePicker>(html`<rtc-device-picker></rtc-device-picker>`);
    await until(() => !!el.shadowRoot!.querySelector('select[data-kind="videoinput"]'), 'the camera list');
    const real = navigator.mediaDevices.enumerateDevices.bind(navigator.mediaDevices);
    // One camera unplugged: the browser's list shrinks and it fires devicechange.
    navigator.mediaDevices.enumerateDevices = async () => {
      const list = await real();
      const cams = list.filter((d) => d.kind === 'videoinput');
      return list.filter((d) => d !== cams[cams.length - 1]);
    };
    try {
      const before = el.shadowRoot!.querySelectorAll('select[data-kind="videoinput"] option').length;
      navigator.mediaDevices.dispatchEvent(new Event('devicechange'));
      await until(
        () => el.shadowRoot!.querySelectorAll('select[data-kind="videoinput"] option').length === before - 1,
        'the shorter list',
      );
    } finally {
      navigator.mediaDevices.enumerateDevices = real;
    }
  });
});
