/**
 * The data folder's state: a snapshot (state.json) and a journal of later changes
 * (state.journal), loaded and validated once, changed in memory, and made durable with group
 * commit. A change is acknowledged only once it is on disk: the records changed since the last
 * write are appended to the journal as one checked line and fdatasync'ed, one append and one
 * fdatasync for every change that arrived while the previous write was in flight (a line is
 * a whole batch, so a crash keeps all of a batch or none of it). Rewriting the
 * whole state file (temp file, fsync, rename, fsync the folder) for every batch cost most of a
 * registration's time; an append costs one fdatasync.
 *
 * Past 1 MiB of journal, and at the first write after opening, the state is compacted: a new snapshot is written
 * atomically, then a new journal whose first line names the snapshot it follows (its hash). A
 * crash between the two leaves a journal naming an older snapshot, which is then ignored: the
 * new snapshot already holds all of it. A crash during an append leaves a torn last line, never
 * acknowledged, which is dropped; a damaged line followed by sound ones is corruption.
 *
 * A batch serializes only the records written since the last write: a mutator gets the state
 * behind proxies that note which record (vault or registration) each write lands in, at any depth
 * (`record.pins.push(…)` marks its vault). Finding the changes by serializing every record cost
 * each batch time in proportion to the whole state. A mutator must therefore change the state
 * only through the state it is given, never through a record it read from `store.state` before.
 *
 * Readers see changes as soon as they are made in memory, before they are durable; nothing is
 * acknowledged before it is. Mutators must validate before they change anything, since a
 * mutator that throws half-way would leave a half-made change behind.
 */
import { createHash } from 'node:crypto';
import { constants, promises as fs } from 'node:fs';
import { crc32 } from 'node:zlib';
import { writeFileAtomic } from '../core/fs/atomic';
import { corrupt, readOptional } from './layout';
import { emptyState, stateSchema, type VaultState } from './model';

/** A journal past this size is folded into a new snapshot. */
export const COMPACT_BYTES = 1024 * 1024;

/** A journal entry: a vault or registration record put (or removed, with null), or the service URL. */
type Entry = ['vault' | 'registration', string, unknown] | ['serviceUrl', string | null];

/** The records as last written, serialized: what tells a batch which records changed. */
interface Written {
  vaults: Map<string, string>;
  registrations: Map<string, string>;
  serviceUrl: string | null;
}

const COLLECTIONS = [
  ['vault', 'vaults'],
  ['registration', 'registrations'],
] as const;

export class Store {
  private pending: Batch | undefined;
  private writing: Promise<void> | undefined;
  private journal: fs.FileHandle | undefined;
  private journalBytes = 0;
  /** Set when the journal may no longer end where `written` says (a failed append): compact next. */
  private mustCompact = true;
  private written: Written = { vaults: new Map(), registrations: new Map(), serviceUrl: null };
  /** The records written to since the last write began; `all` when a whole collection was replaced. */
  private dirty = new Dirty();
  /** The state as mutators see it: the same objects, behind proxies that fill `dirty`. */
  private readonly tracked: VaultState;

  private constructor(
    private readonly file: string,
    private readonly journalFile: string,
    readonly state: VaultState,
  ) {
    this.tracked = tracking(state, () => this.dirty);
  }

  static async open(file: string): Promise<Store> {
    const journalFile = file.replace(/(\.json)?$/, '.journal');
    const text = await readOptional(file);
    let json: unknown = emptyState();
    if (text !== undefined) {
      try {
        json = JSON.parse(text);
      } catch (err) {
        throw corrupt(file, 'not valid JSON', err);
      }
    }
    const journal = await readOptional(journalFile);
    if (journal !== undefined && json && typeof json === 'object') {
      for (const entry of journalEntries(journalFile, journal, snapshotHash(text ?? ''))) apply(json as Record<string, unknown>, entry);
    }
    const parsed = stateSchema.safeParse(json);
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      throw corrupt(file, `unexpected content at ${first?.path.join('.') || 'the top level'}`, parsed.error);
    }
    // Opening only reads: a process reading a live service's folder must not write to it. The
    // first write compacts, which also leaves a torn line behind before anything is appended.
    return new Store(file, journalFile, parsed.data);
  }

  /** Applies a synchronous change and resolves once it is durable. */
  async mutate<T>(change: (state: VaultState) => T): Promise<T> {
    const result = change(this.tracked);
    await this.commit();
    return result;
  }

  /** Waits for every change made so far to be on disk. */
  async flush(): Promise<void> {
    while (this.writing || this.pending) await (this.pending?.promise ?? this.writing);
  }

  /** Waits for pending writes and closes the journal. */
  async close(): Promise<void> {
    await this.flush();
    await this.journal?.close();
    this.journal = undefined;
    this.mustCompact = true;
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
    this.writing = (this.mustCompact || this.journalBytes > COMPACT_BYTES ? this.compact() : this.append())
      .then(batch.resolve, batch.reject)
      .finally(() => {
        this.writing = undefined;
        this.writeNext();
      });
  }

  /** Appends the records changed since the last write, as one write and one fdatasync. */
  private async append(): Promise<void> {
    const { entries, written } = this.changes();
    if (entries.length === 0) return;
    const data = Buffer.from(checked(`[${entries.join(',')}]`));
    try {
      await this.journal!.write(data);
      await this.journal!.datasync();
    } catch (err) {
      this.mustCompact = true;
      throw err;
    }
    this.journalBytes += data.length;
    written();
  }

  /** Writes the whole state as a new snapshot, then a new journal that follows it. */
  private async compact(): Promise<void> {
    const written = this.serialize();
    const snapshot = `{"formatVersion":${this.state.formatVersion},"serviceUrl":${JSON.stringify(written.serviceUrl)},"vaults":${object(written.vaults)},"registrations":${object(written.registrations)}}\n`;
    const first = checked(JSON.stringify({ follows: snapshotHash(snapshot) }));
    this.mustCompact = true;
    await this.journal?.close();
    this.journal = undefined;
    await writeFileAtomic(this.file, snapshot, { mode: 0o600 });
    await writeFileAtomic(this.journalFile, first, { mode: 0o600 });
    this.journal = await fs.open(this.journalFile, constants.O_WRONLY | constants.O_APPEND);
    this.journalBytes = Buffer.byteLength(first);
    this.written = written;
    this.mustCompact = false;
  }

  private serialize(): Written {
    this.dirty = new Dirty();
    const serialized = (records: Record<string, unknown>) => new Map(Object.entries(records).map(([key, value]) => [key, JSON.stringify(value)]));
    return { vaults: serialized(this.state.vaults), registrations: serialized(this.state.registrations), serviceUrl: this.state.serviceUrl };
  }

  /**
   * The records changed since the last write (the dirty ones whose serialization differs) as
   * serialized entries, and what records them as written once the append succeeded.
   */
  private changes(): { entries: string[]; written: () => void } {
    const dirty = this.dirty;
    if (dirty.all) return this.allChanges();
    this.dirty = new Dirty();
    const entries: string[] = [];
    const texts: Array<[Map<string, string>, string, string | undefined]> = [];
    for (const [kind, collection] of COLLECTIONS) {
      const records: Record<string, unknown> = this.state[collection];
      const before = this.written[collection];
      for (const key of dirty[collection]) {
        const text = Object.hasOwn(records, key) ? JSON.stringify(records[key]) : undefined;
        if (before.get(key) === text) continue;
        texts.push([before, key, text]);
        entries.push(entry(kind, key, text));
      }
    }
    const serviceUrl = this.state.serviceUrl;
    if (serviceUrl !== this.written.serviceUrl) entries.push(JSON.stringify(['serviceUrl', serviceUrl]));
    const written = () => {
      for (const [map, key, text] of texts) {
        if (text === undefined) map.delete(key);
        else map.set(key, text);
      }
      this.written.serviceUrl = serviceUrl;
    };
    return { entries, written };
  }

  /** Every record's serialization compared with the last write's: after a whole collection was replaced. */
  private allChanges(): { entries: string[]; written: () => void } {
    const written = this.serialize();
    const entries: string[] = [];
    for (const [kind, collection] of COLLECTIONS) {
      const before = this.written[collection];
      for (const [key, text] of written[collection]) if (before.get(key) !== text) entries.push(entry(kind, key, text));
      for (const key of before.keys()) if (!written[collection].has(key)) entries.push(entry(kind, key, undefined));
    }
    if (written.serviceUrl !== this.written.serviceUrl) entries.push(JSON.stringify(['serviceUrl', written.serviceUrl]));
    return { entries, written: () => (this.written = written) };
  }
}

/** A journal entry, serialized: a record put (its JSON) or removed (undefined). */
function entry(kind: 'vault' | 'registration', key: string, text: string | undefined): string {
  return `[${JSON.stringify(kind)},${JSON.stringify(key)},${text ?? 'null'}]`;
}

function object(records: Map<string, string>): string {
  return `{${[...records].map(([key, text]) => `${JSON.stringify(key)}:${text}`).join(',')}}`;
}

function snapshotHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 32);
}

/** A journal line: the CRC-32 of its JSON, then the JSON, so a torn or damaged line is recognized. */
function checked(json: string): string {
  return `${crc32(json).toString(16).padStart(8, '0')} ${json}\n`;
}

/** The sound line's JSON, or undefined. */
function unchecked(line: string): unknown {
  const json = line.slice(9);
  if (line[8] !== ' ' || crc32(json).toString(16).padStart(8, '0') !== line.slice(0, 8)) return undefined;
  try {
    return JSON.parse(json);
  } catch {
    return undefined;
  }
}

/**
 * The journal's entries, when it follows the snapshot with this hash: none if it follows an
 * older one (a compaction stopped half-way), without a torn or damaged tail (an append a crash
 * cut short, never acknowledged); a damaged line before sound ones is corruption.
 */
function journalEntries(file: string, text: string, snapshot: string): Entry[] {
  const lines = text.split('\n');
  lines.pop(); // what follows the last newline: empty, or a torn line
  const values = lines.map(unchecked);
  const header = values[0] as { follows?: unknown } | undefined;
  if (header?.follows !== snapshot) {
    if (header === undefined && lines.length > 1) throw corrupt(file, 'its first line is damaged');
    return [];
  }
  let sound = values.length;
  while (sound > 1 && values[sound - 1] === undefined) sound--;
  const batches = values.slice(1, sound);
  const damaged = batches.findIndex((batch) => !Array.isArray(batch) || !batch.every(isEntry));
  if (damaged >= 0) throw corrupt(file, `line ${damaged + 2} is damaged`);
  return (batches as Entry[][]).flat();
}

function isEntry(value: unknown): value is Entry {
  if (!Array.isArray(value)) return false;
  if (value[0] === 'serviceUrl') return value.length === 2 && (value[1] === null || typeof value[1] === 'string');
  return (value[0] === 'vault' || value[0] === 'registration') && value.length === 3 && typeof value[1] === 'string';
}

function apply(state: Record<string, unknown>, entry: Entry): void {
  if (entry[0] === 'serviceUrl') {
    state.serviceUrl = entry[1];
    return;
  }
  const [kind, key, value] = entry;
  const collection = state[kind === 'vault' ? 'vaults' : 'registrations'];
  if (!collection || typeof collection !== 'object') return; // the schema check reports it
  const records = collection as Record<string, unknown>;
  if (value === null) delete records[key];
  else Object.defineProperty(records, key, { value, enumerable: true, writable: true, configurable: true });
}

/** What a tracking proxy answers with the object behind it. */
const UNTRACKED = Symbol('untracked');

/**
 * The object behind a mutator's tracking proxy (itself when it is none), for scans that only
 * read: through the proxies, every property read is a trap, and a scan of every registration
 * per registration cost more than the rest of its bookkeeping. Never write through it: the write
 * would not be noted, and would reach the disk only at the next compaction.
 */
export function untracked<T extends object>(value: T): T {
  return (value as { [UNTRACKED]?: T })[UNTRACKED] ?? value;
}

/** The records written to since the last write began. */
class Dirty {
  readonly vaults = new Set<string>();
  readonly registrations = new Set<string>();
  /** A whole collection was replaced: compare every record. */
  all = false;
}

/**
 * The state behind proxies that note in `dirty()` which record each write lands in: a write to a
 * collection's key, or anywhere inside a record. Values written are stored without their proxies.
 * serviceUrl needs none: it is compared at every write.
 */
function tracking(state: VaultState, dirty: () => Dirty): VaultState {
  const targets = new WeakMap<object, object>();
  const unwrap = (value: unknown): unknown => {
    if (!value || typeof value !== 'object') return value;
    const target = targets.get(value) ?? value;
    for (const key of Object.keys(target)) {
      const inner = (target as Record<string, unknown>)[key];
      if (inner && typeof inner === 'object') (target as Record<string, unknown>)[key] = unwrap(inner);
    }
    return target;
  };
  const writes = (mark: () => void, wrap: (value: unknown, key: string | symbol) => unknown): ProxyHandler<object> => ({
    get: (target, key) => (key === UNTRACKED ? target : wrap(Reflect.get(target, key), key)),
    set: (target, key, value) => {
      mark();
      return Reflect.set(target, key, unwrap(value));
    },
    defineProperty: (target, key, descriptor) => {
      mark();
      return Reflect.defineProperty(target, key, 'value' in descriptor ? { ...descriptor, value: unwrap(descriptor.value) } : descriptor);
    },
    deleteProperty: (target, key) => {
      mark();
      return Reflect.deleteProperty(target, key);
    },
  });
  const proxy = <T extends object>(target: T, handler: ProxyHandler<object>): T => {
    const wrapped = new Proxy(target, handler) as T;
    targets.set(wrapped, target);
    return wrapped;
  };
  /** Inside the record `key` of `collection`: every object reached is behind a proxy marking it. */
  const inside = (collection: 'vaults' | 'registrations', key: string) => {
    const seen = new WeakMap<object, object>();
    const handler = writes(
      () => dirty()[collection].add(key),
      (value) => (value && typeof value === 'object' ? within(value) : value),
    );
    const within = (value: object): object => {
      let wrapped = seen.get(value);
      if (!wrapped) seen.set(value, (wrapped = proxy(value, handler)));
      return wrapped;
    };
    return within;
  };
  /** Each record's proxy, by the record and the key it was reached under. */
  const records = new WeakMap<object, { key: string; wrapped: object }>();
  const collectionOf = (collection: 'vaults' | 'registrations') => {
    const handler: ProxyHandler<Record<string, object>> = {
      get: (target, key) => {
        if (key === UNTRACKED) return target;
        const value = Reflect.get(target, key);
        if (typeof key !== 'string' || !value || typeof value !== 'object' || !Object.hasOwn(target, key)) return value;
        let known = records.get(value);
        if (known?.key !== key) records.set(value, (known = { key, wrapped: inside(collection, key)(value) }));
        return known.wrapped;
      },
      set: (target, key, value) => {
        if (typeof key === 'string') dirty()[collection].add(key);
        return Reflect.set(target, key, unwrap(value));
      },
      defineProperty: (target, key, descriptor) => {
        if (typeof key === 'string') dirty()[collection].add(key);
        return Reflect.defineProperty(target, key, 'value' in descriptor ? { ...descriptor, value: unwrap(descriptor.value) } : descriptor);
      },
      deleteProperty: (target, key) => {
        if (typeof key === 'string') dirty()[collection].add(key);
        return Reflect.deleteProperty(target, key);
      },
    };
    return handler;
  };
  const collections = new Map<object, object>();
  const root = writes(
    () => (dirty().all = true),
    () => undefined,
  );
  root.get = (target, key) => {
    if (key === UNTRACKED) return target;
    const value = Reflect.get(target, key);
    if ((key !== 'vaults' && key !== 'registrations') || !value || typeof value !== 'object') return value;
    let wrapped = collections.get(value);
    if (!wrapped) collections.set(value, (wrapped = proxy(value, collectionOf(key) as ProxyHandler<object>)));
    return wrapped;
  };
  root.set = (target, key, value) => {
    if (key !== 'serviceUrl' && key !== 'formatVersion') dirty().all = true;
    return Reflect.set(target, key, unwrap(value));
  };
  return proxy(state, root);
}

class Batch {
  resolve!: () => void;
  reject!: (err: unknown) => void;
  readonly promise = new Promise<void>((resolve, reject) => {
    this.resolve = resolve;
    this.reject = reject;
  });
}
