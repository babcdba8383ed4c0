import { expect } from '@open-wc/testing';
import { AudioLevel } from './audio-level.js';
import { until } from '../test-support.js';

describe('AudioLevel', () => {
  it('hears the (fake) microphone, and reads 0 while it is muted, off or not there', async () => {
    const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    const [track] = stream.getAudioTracks();
    const level = new AudioLevel();
    try {
      expect(level.read()).to.equal(0);
      level.listen(track);
      // Chromium's fake microphone beeps: some reads are loud, the quiet between beeps is not.
      let loudest = 0;
      await until(() => (loudest = Math.max(loudest, level.read())) > 0.01, 'a beep', 10000);
      expect(loudest).to.be.at.most(1);
      track.enabled = false;
      expect(level.read()).to.equal(0);
      track.enabled = true;
      level.listen(null);
      expect(level.read()).to.equal(0);
    } finally {
      level.close();
      track.stop();
    }
  });
});
