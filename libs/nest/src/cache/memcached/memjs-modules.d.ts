// memjs ships no type declarations; memjs.ts describes the part of it the bridge uses.
declare module 'memjs';
declare module 'memjs/lib/memjs/protocol.js';
