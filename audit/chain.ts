import { createHash, sign, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';

/** The hash "before" a chain's first row. */
export const GENESIS = Buffer.alloc(32);

/** hash_n = SHA-256(hash_{n-1} || body_n): over the bytes as stored, so any edit of them shows. */
export function chainHash(previous: Buffer, body: Buffer): Buffer {
  return createHash('sha256').update(previous).update(body).digest();
}

/** What is signed: the chain head, labelled so a signature means nothing outside this trail. */
function signedMessage(head: Buffer): Buffer {
  return Buffer.concat([Buffer.from('kyc-audit-chain-head:v1\n', 'utf8'), head]);
}

export function signHead(privateKey: KeyObject, head: Buffer): Buffer {
  return sign(null, signedMessage(head), privateKey);
}

export function headSignatureValid(publicKey: KeyObject, head: Buffer, signature: Buffer): boolean {
  return verify(null, signedMessage(head), publicKey, signature);
}
