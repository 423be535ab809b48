/**
 * The data folder's state.json: loaded and validated once, changed in memory, and written back
 * with group commit. A change is acknowledged only once the write holding it is on disk; changes
 * made while a write is in flight share the next write, so 16 concurrent registrations cost two
 * fsyncs rather than sixteen. Each write is atomic (temp file, fsync, rename), so `kill -9` at any
 * moment leaves either the previous or the next complete state.
 *
 * Readers see changes as soon as they are made in memory, before they are durable; nothing is
 * acknowledged before it is. Mutators must validate before they change anything, since a
 * mutator that throws half-way would leave a half-made change behind.
 */
import { writeFileAtomic } from '../core/fs/atomic';
import { corrupt, readOptional } from './layout';
import { emptyState, stateSchema, type VaultState } from './model';

export class Store {
  private pending: Batch | undefined;
  private writing: Promise<void> | undefined;

  private constructor(
    private readonly file: string,
    readonly state: VaultState,
  ) {}

  static async open(file: string): Promise<Store> {
    const text = await readOptional(file);
    if (text === undefined) return new Store(file, emptyState());
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      throw corrupt(file, 'not valid JSON', err);
    }
    const parsed = stateSchema.safeParse(json);
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      throw corrupt(file, `unexpected content at ${first?.path.join('.') || 'the top level'}`, parsed.error);
    }
    return new Store(file, parsed.data);
  }

  /** Applies a synchronous change and resolves once it is durable. */
  async mutate<T>(change: (state: VaultState) => T): Promise<T> {
    const result = change(this.state);
    await this.commit();
    return result;
  }

  /** Waits for every change made so far to be on disk. */
  async flush(): Promise<void> {
    while (this.writing || this.pending) await (this.pending?.promise ?? this.writing);
  }

  private commit(): Promise<void> {
    const batch = (this.pending ??= new Batch());
    if (!this.writing) this.writeNext();
    return batch.promise;
  }

  private writeNext(): void {
    const batch = this.pending;
    if (!batch) return;
    this.pending = undefined;
    const text = `${JSON.stringify(this.state, null, 1)}\n`;
    this.writing = writeFileAtomic(this.file, text, { mode: 0o600 })
      .then(batch.resolve, batch.reject)
      .finally(() => {
        this.writing = undefined;
        this.writeNext();
      });
  }
}

class Batch {
  resolve!: () => void;
  reject!: (err: unknown) => void;
  readonly promise = new Promise<void>((resolve, reject) => {
    this.resolve = resolve;
    this.reject = reject;
  });
}
