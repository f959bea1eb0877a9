/** The codec endpoint of the Temporal UI and CLI, mounted by the HTTP API at `/codec`. */
export { createCodecApp } from './codec-app';
export type { CodecAppOptions } from './codec-app';
export { fromPayloadJson, toPayloadJson } from './payload-json';
export { isLoopbackPeer } from './peer';
export type { PeerCheck } from './peer';
