// Node 19 and later have WebCrypto as globalThis.crypto, as browsers do; Node 18 only as node:crypto's webcrypto.
import { webcrypto } from 'node:crypto';

if (!globalThis.crypto) globalThis.crypto = webcrypto;
