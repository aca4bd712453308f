// WebSocket framing (RFC 6455) for a relay that only forwards bytes. `ws` reassembles every
// message into one buffer before handing it over (an allocation and a copy per message, the
// largest cost of the upload path); a console relay needs no message boundaries, so this parser
// unmasks payload bytes in place, in the buffers the socket read into, and forwards them as
// they arrive. It enforces what `ws` enforced for us: masked client frames, no RSV bits (no
// extensions, so no permessage-deflate), legal opcodes, control frames ≤ 125 bytes and
// unfragmented, continuation only inside a fragmented message, and maxPayload per message.
// Text frames are refused (1003) before a byte of them is forwarded.
import crypto from 'node:crypto';
import { createRequire } from 'node:module';

const native = createRequire(import.meta.url)('bufferutil') as { unmask(buffer: Buffer, mask: Buffer): void };

export const Opcode = { continuation: 0, text: 1, binary: 2, close: 8, ping: 9, pong: 10 } as const;

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/** The 101 answer to a handshake the caller already validated (key format, version 13). */
export function handshakeResponse(key: string, protocol: string | undefined): string {
  const accept = crypto
    .createHash('sha1')
    .update(key + GUID)
    .digest('base64');
  return (
    'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
    `Sec-WebSocket-Accept: ${accept}\r\n${protocol ? `Sec-WebSocket-Protocol: ${protocol}\r\n` : ''}\r\n`
  );
}

/** Header of an unmasked server frame with FIN set (2, 4 or 10 bytes). */
export function frameHeader(opcode: number, length: number): Buffer {
  if (length < 126) {
    const h = Buffer.allocUnsafe(2);
    h[0] = 0x80 | opcode;
    h[1] = length;
    return h;
  }
  if (length < 65536) {
    const h = Buffer.allocUnsafe(4);
    h[0] = 0x80 | opcode;
    h[1] = 126;
    h.writeUInt16BE(length, 2);
    return h;
  }
  const h = Buffer.allocUnsafe(10);
  h[0] = 0x80 | opcode;
  h[1] = 127;
  h.writeUInt32BE(Math.floor(length / 2 ** 32), 2);
  h.writeUInt32BE(length >>> 0, 6);
  return h;
}

/** A close frame's payload: the code and a UTF-8 reason cut to the 123 bytes a frame allows. */
export function closePayload(code: number, reason: string): Buffer {
  const text = Buffer.from(reason).subarray(0, 123);
  const b = Buffer.allocUnsafe(2 + text.length);
  b.writeUInt16BE(code, 0);
  text.copy(b, 2);
  return b;
}

/** Codes a peer may send in a close frame (RFC 6455 §7.4). */
export function legalCloseCode(code: number): boolean {
  return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
}

export class ProtocolError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

export interface FrameSink {
  /** Unmasked bytes of binary messages, in order. The buffer is the caller's to keep. */
  data(bytes: Buffer): void;
  /** A complete control frame (close, ping, pong) with its unmasked payload. */
  control(opcode: number, payload: Buffer): void;
}

/** XOR with the mask key, starting `offset` bytes into the frame's payload. */
function unmask(bytes: Buffer, mask: Buffer, offset: number): void {
  if (bytes.length < 32) {
    for (let i = 0; i < bytes.length; i++) bytes[i]! ^= mask[(i + offset) & 3]!;
    return;
  }
  const r = offset & 3;
  native.unmask(bytes, r === 0 ? mask : Buffer.from([mask[r]!, mask[(r + 1) & 3]!, mask[(r + 2) & 3]!, mask[(r + 3) & 3]!]));
}

/** Streaming parser of browser → proxy frames; push() throws ProtocolError on a violation. */
export class FrameParser {
  private readonly head = Buffer.allocUnsafe(14);
  private headLen = 0;
  private headNeed = 2;
  private inPayload = false;
  private remaining = 0;
  private offset = 0;
  private opcode = 0;
  private fin = false;
  private readonly mask = Buffer.allocUnsafe(4);
  /** A fragmented binary message is open (its continuation frames may follow). */
  private fragmented = false;
  private messageBytes = 0;
  private controlParts: Buffer[] = [];

  constructor(
    private readonly maxPayload: number,
    private readonly sink: FrameSink,
  ) {}

  push(chunk: Buffer): void {
    let at = 0;
    while (at < chunk.length) {
      if (!this.inPayload) {
        const take = Math.min(this.headNeed - this.headLen, chunk.length - at);
        chunk.copy(this.head, this.headLen, at, at + take);
        this.headLen += take;
        at += take;
        if (this.headLen < this.headNeed) return;
        if (this.headNeed === 2) {
          const len7 = this.head[1]! & 0x7f;
          if (!(this.head[1]! & 0x80)) throw new ProtocolError(1002, 'unmasked client frame');
          this.headNeed = 2 + (len7 === 126 ? 2 : len7 === 127 ? 8 : 0) + 4;
          continue;
        }
        this.startFrame();
        if (this.remaining === 0) this.endFrame();
        continue;
      }
      const take = Math.min(this.remaining, chunk.length - at);
      const bytes = chunk.subarray(at, at + take);
      unmask(bytes, this.mask, this.offset);
      this.offset += take;
      this.remaining -= take;
      at += take;
      if (this.opcode >= 8) this.controlParts.push(bytes);
      else this.sink.data(bytes);
      if (this.remaining === 0) this.endFrame();
    }
  }

  private startFrame(): void {
    const h = this.head;
    if (h[0]! & 0x70) throw new ProtocolError(1002, 'RSV bits set (no extension was negotiated)');
    this.fin = (h[0]! & 0x80) !== 0;
    this.opcode = h[0]! & 0x0f;
    const len7 = h[1]! & 0x7f;
    let length = len7;
    if (len7 === 126) length = h.readUInt16BE(2);
    else if (len7 === 127) {
      const high = h.readUInt32BE(2);
      if (high > 0x1fffff) throw new ProtocolError(1009, 'frame length beyond 2^53');
      length = high * 2 ** 32 + h.readUInt32BE(6);
    }
    h.copy(this.mask, 0, this.headNeed - 4, this.headNeed);
    if (this.opcode >= 8) {
      if (this.opcode > 10) throw new ProtocolError(1002, `reserved opcode ${this.opcode}`);
      if (!this.fin) throw new ProtocolError(1002, 'fragmented control frame');
      if (length > 125) throw new ProtocolError(1002, 'control frame above 125 bytes');
    } else {
      if (this.opcode === Opcode.text) throw new ProtocolError(1003, 'text frame');
      if (this.opcode !== Opcode.binary && this.opcode !== Opcode.continuation)
        throw new ProtocolError(1002, `reserved opcode ${this.opcode}`);
      if (this.opcode === Opcode.continuation && !this.fragmented) throw new ProtocolError(1002, 'continuation outside a message');
      if (this.opcode === Opcode.binary && this.fragmented) throw new ProtocolError(1002, 'new message inside a fragmented one');
      if (this.opcode === Opcode.binary) this.messageBytes = 0;
      this.messageBytes += length;
      if (this.messageBytes > this.maxPayload) throw new ProtocolError(1009, 'message above maxPayload');
      this.fragmented = !this.fin;
    }
    this.remaining = length;
    this.offset = 0;
    this.inPayload = true;
  }

  private endFrame(): void {
    this.inPayload = false;
    this.headLen = 0;
    this.headNeed = 2;
    if (this.opcode < 8) return;
    const parts = this.controlParts;
    this.controlParts = [];
    this.sink.control(this.opcode, parts.length === 1 ? parts[0]! : Buffer.concat(parts));
  }
}
