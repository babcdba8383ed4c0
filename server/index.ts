/** The server as a library: embed it in your own Node process, or mint room tokens from your backend. */
export { createRtcServer } from './app.js';
export { parseConfig, helpText, ConfigError, SETTINGS } from './config.js';
export { mintRoomToken, signRoomToken, verifyRoomToken, tokenVerifier } from './tokens.js';
export { turnCredentials, iceServersFor } from './ice.js';
export { MemoryRoomStore, Rooms, roomNameProblem } from './rooms.js';
export { RedisRoomStore } from './store/redis.js';
