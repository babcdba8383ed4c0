/**
 * `rtc-call/server`: the server as a library (createRtcServer, mintRoomToken, signRoomToken…), from
 * `@rtc-call/server`, which is a package of its own so that sites that only embed the widget install no server.
 * Install it beside this one to use this entry point: `npm install @rtc-call/server`.
 */
export * from '@rtc-call/server';
