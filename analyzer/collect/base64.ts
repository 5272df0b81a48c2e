// A streaming base64 decoder for the pod log (`... | base64`: 76-character lines). Holds at most
// three undecoded characters between chunks; anything outside the alphabet (newlines, a CR) is skipped.
import { Transform, type TransformCallback } from 'node:stream';

const NOT_B64 = /[^A-Za-z0-9+/=]/g;

export class Base64Decoder extends Transform {
  private rest = '';

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    const text = this.rest + chunk.toString('latin1').replace(NOT_B64, '');
    const whole = text.length - (text.length % 4);
    this.rest = text.slice(whole);
    if (whole > 0) this.push(Buffer.from(text.slice(0, whole), 'base64'));
    cb();
  }

  override _flush(cb: TransformCallback): void {
    if (this.rest.length > 0) this.push(Buffer.from(this.rest, 'base64'));
    cb();
  }
}
