/**
 * Who is speaking, and who the active speaker is, from audio levels sampled a few times a second (people.ts reads
 * them). Pure and clock-driven (`now` is passed in), so unit tests step through time.
 *
 * Levels are linear, 0 to 1, as `getStats`'s `audioLevel`: speech is about 0.02 to 0.3, a quiet room 0.001 to 0.01.
 */

/** A level this loud makes someone speaking at once… */
export const SPEAKING_ON = 0.02;
/** …and they stay speaking until their level has stayed below this one for SPEAKING_HOLD_MS: the pauses between words
 * (a few hundred ms) do not make the indicator flicker. */
export const SPEAKING_OFF = 0.01;
export const SPEAKING_HOLD_MS = 1200;
/**
 * The active speaker changes only to someone who has been the loudest speaker this long (or when the current one has
 * stopped speaking): two people talking over each other do not make the stage jump back and forth.
 */
export const ACTIVE_SWITCH_MS = 1500;

/** One participant's speaking state, with hysteresis. */
export class Speaking {
  speaking = false;
  /** The level smoothed over the last samples (for choosing the loudest), 0 to 1. */
  level = 0;
  #loudAt = -Infinity;

  /** A new level sample taken at `now` (ms); returns whether they are speaking now. */
  add(level: number, now: number): boolean {
    const l = Number.isFinite(level) && level > 0 ? Math.min(level, 1) : 0;
    this.level = this.level * 0.5 + l * 0.5;
    if (l >= SPEAKING_ON || (this.speaking && l >= SPEAKING_OFF)) this.#loudAt = now;
    if (l >= SPEAKING_ON) this.speaking = true;
    else if (this.speaking && now - this.#loudAt >= SPEAKING_HOLD_MS) this.speaking = false;
    return this.speaking;
  }

  /** Not speaking, at once (muted, or no audio from them). */
  silence(): void {
    this.speaking = false;
    this.level = 0;
    this.#loudAt = -Infinity;
  }
}

/**
 * The active speaker: the loudest of those speaking, held. It stays who it was while nobody speaks (a speaker view
 * keeps showing the last person who spoke), and is undefined only before anyone has spoken or once they have left.
 */
export class ActiveSpeaker {
  id: string | undefined;
  #candidate: string | undefined;
  #candidateSince = 0;

  /**
   * The levels of those speaking now (id → smoothed level) at `now`; returns the active speaker, which changed if it
   * differs from before.
   */
  update(speaking: ReadonlyMap<string, number>, now: number): string | undefined {
    let loudest: string | undefined;
    let max = -1;
    for (const [id, level] of speaking)
      if (level > max) {
        max = level;
        loudest = id;
      }
    if (loudest === undefined || loudest === this.id) {
      this.#candidate = undefined;
      return this.id;
    }
    if (loudest !== this.#candidate) {
      this.#candidate = loudest;
      this.#candidateSince = now;
    }
    // Nobody else to hold on to, or the loudest has been so long enough.
    if (this.id === undefined || !speaking.has(this.id) || now - this.#candidateSince >= ACTIVE_SWITCH_MS) {
      this.id = loudest;
      this.#candidate = undefined;
    }
    return this.id;
  }

  /** `id` left the call: they are no longer the active speaker. */
  forget(id: string): void {
    if (this.id === id) this.id = undefined;
    if (this.#candidate === id) this.#candidate = undefined;
  }
}
