const TAIL_BYTES = 4096;

/**
 * Collects a stream of output chunks, keeping the first `max` bytes (what a node outputs) and the
 * last few KiB (what error messages and heartbeats show), so a chatty command cannot overflow a
 * Temporal payload.
 *
 * @example
 * const stdout = new CappedOutput(64 * 1024);
 * child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
 * // later: { stdout: stdout.text(), truncated: stdout.truncated }, or stdout.tail(500) in a message
 */
export class CappedOutput {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  private last = Buffer.alloc(0);
  /** True once anything past `max` bytes was dropped. */
  truncated = false;

  constructor(private readonly max: number) {}

  push(chunk: Buffer | string): void {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    const room = this.max - this.size;
    if (room > 0) {
      const kept = bytes.length > room ? bytes.subarray(0, room) : bytes;
      this.chunks.push(kept);
      this.size += kept.length;
    }
    if (bytes.length > room) this.truncated = true;
    const joined = Buffer.concat([this.last, bytes]);
    this.last = joined.length > TAIL_BYTES ? joined.subarray(joined.length - TAIL_BYTES) : joined;
  }

  /** The kept beginning, as UTF-8. */
  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }

  /** The last `chars` characters seen (at most 4 KiB), whether or not they were kept. */
  tail(chars: number): string {
    const text = this.last.toString('utf8');
    return text.length > chars ? text.slice(text.length - chars) : text;
  }
}
