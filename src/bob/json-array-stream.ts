/**
 * Reads `{"<key>": [element, element, ...], ...}` as its bytes arrive and hands over each element
 * of that one array, parsed, as soon as it is complete. A 50,000-person search answer is about
 * 40 MB of JSON: buffering it, decoding it to one string and parsing it to one tree held all
 * three at once (well over 100 MB) and kept the tree alive long enough for the garbage collector
 * to promote it. Here only one chunk's elements are ever in flight; they are parsed with
 * JSON.parse (one call for those that begin and end in the same chunk, which costs half as much as
 * one call each), so what an element means is exactly what JSON.parse says.
 *
 * The scanner only finds where values begin and end (strings, escapes, nesting); every value it
 * finds, keys and other properties included, goes through JSON.parse, so a body JSON.parse would
 * reject is rejected here too. UTF-8 continuation bytes are never `"`, `\` or a bracket, so
 * scanning bytes is safe for any text.
 *
 * With `digests`, each element also gets the SHA-256 of its bytes exactly as they came, and the
 * caller may claim an element by that digest before it is parsed: one that already knows what
 * those very bytes become skips parsing them. Elements are handed over in order either way. A
 * claimed element's bytes were only scanned, not parsed, but they are byte for byte what an
 * earlier answer held and JSON.parse took (the same digest).
 */
import { hash } from "node:crypto";

export interface ElementDigests {
  /** Whether the caller claims the element with these bytes (asked once per element; no side effects). */
  readonly isKnown: (digest: string) => boolean;
  /** A claimed element, in its place in the order: it is not parsed and onElement is not called for it. */
  readonly onKnown: (digest: string) => void;
}

/** SHA-256, base64url, of an element's bytes as they came (the same bytes, the same digest). */
export function elementDigest(bytes: Uint8Array): string {
  return hash("sha256", bytes, "base64url");
}

export type ArrayStreamEnd = { readonly ok: true } | { readonly ok: false; readonly reason: string };

const State = {
  BeforeObject: 0,
  KeyOrEnd: 1,
  Key: 2,
  Colon: 3,
  Value: 4,
  CommaOrEnd: 5,
  ElementOrEnd: 6,
  Element: 7,
  ElementCommaOrEnd: 8,
  Done: 9,
  Failed: 10,
} as const;
type State = (typeof State)[keyof typeof State];

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

const isSpace = (b: number): boolean => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;

/** What the value being captured turns into once complete. */
type CaptureTarget = "top" | "key" | "value" | "element";

export class JsonArrayStream {
  private state: State = State.BeforeObject;
  private failure = "";
  private sawAnything = false;
  private bomChecked = false;
  private foundArray = false;
  private hasOtherValueUnderKey = false;
  private currentKey = "";

  // The value being captured: where it started in the current chunk, earlier chunks' pieces,
  // and how to tell where it ends.
  private capturing = false;
  private target: CaptureTarget = "value";
  private pieces: Buffer[] = [];
  private start = 0;
  private depth = 0;
  private inString = false;
  private escaped = false;
  private scalar = false;

  // Elements that began and ended in the current chunk, not yet handed over: parsed together
  // with one JSON.parse per chunk (what lies between them is only commas and whitespace).
  private batchStart = -1;
  private batchEnd = 0;
  /** With digests: the digest of each element in the batch, in order. */
  private batchDigests: string[] = [];

  constructor(
    private readonly key: string,
    private readonly onElement: (element: unknown, digest: string | null) => void,
    private readonly digests?: ElementDigests,
  ) {}

  write(chunk: Uint8Array): void {
    if (this.state === State.Failed) return;
    let bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (!this.bomChecked && bytes.length > 0) {
      // response.text() drops a UTF-8 byte order mark; so does this.
      if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
      this.bomChecked = true;
    }
    if (this.capturing) this.start = 0;
    let i = 0;
    const n = bytes.length;
    while (i < n) {
      if (this.capturing) {
        i = this.scanCapture(bytes, i);
        if (this.capturing) break; // the value goes on in the next chunk
        if ((this.state as State) === State.Failed) return;
        continue;
      }
      const b = bytes[i] as number;
      if (isSpace(b)) {
        i++;
        continue;
      }
      this.sawAnything = true;
      switch (this.state) {
        case State.BeforeObject:
          if (b === OPEN_BRACE) {
            this.state = State.KeyOrEnd;
            i++;
          } else {
            // Not an object: parsed whole, to tell "not JSON at all" (an error page) from
            // "JSON, but not the answer" (no employees array) as JSON.parse would.
            this.begin("top", bytes, i);
          }
          break;
        case State.KeyOrEnd:
        case State.Key:
          if (b === CLOSE_BRACE && this.state === State.KeyOrEnd) {
            this.state = State.Done;
            i++;
          } else if (b === QUOTE) {
            this.begin("key", bytes, i);
          } else return this.fail("the body is not valid JSON");
          break;
        case State.Colon:
          if (b !== COLON) return this.fail("the body is not valid JSON");
          this.state = State.Value;
          i++;
          break;
        case State.Value:
          if (this.currentKey === this.key && b === OPEN_BRACKET) {
            // A repeated key: JSON.parse keeps the last one, but elements already handed over
            // cannot be taken back, so the answer is refused rather than half-read.
            if (this.foundArray || this.hasOtherValueUnderKey) return this.fail(`the answer has "${this.key}" twice`);
            this.foundArray = true;
            this.state = State.ElementOrEnd;
            i++;
          } else {
            this.begin("value", bytes, i);
          }
          break;
        case State.CommaOrEnd:
          if (b === COMMA) this.state = State.Key;
          else if (b === CLOSE_BRACE) this.state = State.Done;
          else return this.fail("the body is not valid JSON");
          i++;
          break;
        case State.ElementOrEnd:
        case State.Element:
          if (b === CLOSE_BRACKET && this.state === State.ElementOrEnd) {
            this.state = State.CommaOrEnd;
            i++;
          } else {
            this.begin("element", bytes, i);
          }
          break;
        case State.ElementCommaOrEnd:
          if (b === COMMA) this.state = State.Element;
          else if (b === CLOSE_BRACKET) this.state = State.CommaOrEnd;
          else return this.fail("the body is not valid JSON");
          i++;
          break;
        case State.Done:
          return this.fail("the body is not valid JSON");
        default:
          return;
      }
    }
    this.flushBatch(bytes);
    if (this.capturing) this.pieces.push(Buffer.from(bytes.subarray(this.start)));
  }

  private flushBatch(bytes: Buffer): void {
    if (this.batchStart < 0) return;
    const text = bytes.toString("utf8", this.batchStart, this.batchEnd);
    this.batchStart = -1;
    let elements: unknown[];
    try {
      elements = JSON.parse(`[${text}]`) as unknown[];
    } catch {
      return this.fail("the body is not valid JSON");
    }
    if (this.digests === undefined) {
      for (const element of elements) this.onElement(element, null);
      return;
    }
    const digests = this.batchDigests;
    this.batchDigests = [];
    // The scanner found exactly these elements' boundaries, so the counts agree.
    for (let k = 0; k < elements.length; k++) this.onElement(elements[k], digests[k] ?? null);
  }

  /** After the last chunk: whether the body was a complete, valid answer with the array. */
  end(): ArrayStreamEnd {
    if (this.state === State.Failed) return { ok: false, reason: this.failure };
    if (!this.sawAnything) return { ok: false, reason: "the body is empty" };
    if (this.capturing || this.state !== State.Done) return { ok: false, reason: "the body is not valid JSON" };
    if (!this.foundArray) return { ok: false, reason: `the answer has no ${this.key} array` };
    return { ok: true };
  }

  private fail(reason: string): void {
    this.state = State.Failed;
    this.failure = reason;
    this.capturing = false;
    this.pieces = [];
    this.batchStart = -1;
    this.batchDigests = [];
  }

  private begin(target: CaptureTarget, bytes: Buffer, i: number): void {
    const b = bytes[i] as number;
    this.capturing = true;
    this.target = target;
    this.start = i;
    this.pieces = [];
    this.depth = 0;
    this.inString = false;
    this.escaped = false;
    this.scalar = !(b === QUOTE || b === OPEN_BRACE || b === OPEN_BRACKET);
  }

  /** Advances through the captured value; returns where scanning continues. */
  private scanCapture(bytes: Buffer, from: number): number {
    const n = bytes.length;
    let i = from;
    if (this.scalar) {
      while (i < n) {
        const b = bytes[i] as number;
        if (isSpace(b) || b === COMMA || b === CLOSE_BRACE || b === CLOSE_BRACKET || b === COLON) break;
        i++;
      }
      if (i === n) return n;
      this.complete(bytes, i);
      return i; // the delimiter belongs to the enclosing state
    }
    while (i < n) {
      if (this.inString) {
        // Most of an answer is inside strings: jump from quote to quote (native search) instead
        // of looking at every byte. A quote preceded by an odd run of backslashes is escaped.
        if (this.escaped) {
          this.escaped = false;
          i++;
          continue;
        }
        const quote = bytes.indexOf(QUOTE, i);
        const stop = quote === -1 ? n : quote;
        let backslashes = 0;
        for (let k = stop - 1; k >= i && bytes[k] === BACKSLASH; k--) backslashes++;
        if (quote === -1) {
          this.escaped = backslashes % 2 === 1; // the chunk ends on a backslash that escapes the next byte
          return n;
        }
        i = quote + 1;
        if (backslashes % 2 === 1) continue;
        this.inString = false;
        if (this.depth === 0) {
          this.complete(bytes, i);
          return i;
        }
        continue;
      }
      const b = bytes[i] as number;
      i++;
      if (b === QUOTE) {
        this.inString = true;
      } else if (b === OPEN_BRACE || b === OPEN_BRACKET) {
        this.depth++;
      } else if (b === CLOSE_BRACE || b === CLOSE_BRACKET) {
        this.depth--;
        if (this.depth === 0) {
          this.complete(bytes, i);
          return i;
        }
      }
    }
    return n;
  }

  private complete(bytes: Buffer, end: number): void {
    if (this.target === "element" && this.pieces.length === 0) {
      this.capturing = false;
      this.state = State.ElementCommaOrEnd;
      if (this.digests !== undefined) {
        const digest = elementDigest(bytes.subarray(this.start, end));
        if (this.digests.isKnown(digest)) {
          // The batch before it is handed over first, so the order holds; the next element
          // starts a new batch (a batch is one contiguous stretch of the chunk).
          this.flushBatch(bytes);
          if ((this.state as State) !== State.Failed) this.digests.onKnown(digest);
          return;
        }
        this.batchDigests.push(digest);
      }
      if (this.batchStart < 0) this.batchStart = this.start;
      this.batchEnd = end;
      return;
    }
    // An element that spans chunks: the batch (earlier elements of this chunk) goes first.
    if (this.target === "element") this.flushBatch(bytes);
    if ((this.state as State) === State.Failed) return;
    const last = bytes.subarray(this.start, end);
    const whole = this.pieces.length === 0 ? last : Buffer.concat([...this.pieces, last]);
    this.pieces = [];
    this.capturing = false;
    let digest: string | null = null;
    if (this.target === "element" && this.digests !== undefined) {
      digest = elementDigest(whole);
      if (this.digests.isKnown(digest)) {
        this.state = State.ElementCommaOrEnd;
        this.digests.onKnown(digest);
        return;
      }
    }
    const text = whole.toString("utf8");
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return this.fail("the body is not valid JSON");
    }
    switch (this.target) {
      case "top":
        this.state = State.Done;
        return;
      case "key":
        this.currentKey = value as string;
        this.state = State.Colon;
        return;
      case "value":
        if (this.currentKey === this.key) {
          if (this.foundArray || this.hasOtherValueUnderKey) return this.fail(`the answer has "${this.key}" twice`);
          this.hasOtherValueUnderKey = true;
        }
        this.state = State.CommaOrEnd;
        return;
      case "element":
        this.state = State.ElementCommaOrEnd;
        this.onElement(value, digest);
        return;
    }
  }
}
