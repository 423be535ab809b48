/**
 * The operation in progress (register, install…) and its current stage, for the snapshot: every
 * surface shows the same progress, whichever started it.
 */
import { checked } from './checked';
import type { Checked, ProgressReporter, SessionSnapshot } from './types';

export type OnProgress = (stage: string, detail?: Record<string, unknown>) => void;

export class BusyTracker {
  private busy?: SessionSnapshot['busy'];

  /** `changed` is called whenever the operation or its stage changes. */
  constructor(private readonly changed: () => void) {}

  get current(): SessionSnapshot['busy'] {
    return this.busy;
  }

  /** Runs `run` as operation `name`, reporting its stages to `progress` and the snapshot. */
  async track<T>(name: string, progress: ProgressReporter, run: (onProgress: OnProgress) => Promise<T>): Promise<Checked<T>> {
    this.set({ operation: name, stage: '' });
    try {
      return await checked(() =>
        run((stage, detail) => {
          if (this.busy?.stage !== stage) this.set({ operation: name, stage });
          progress.report(stage, detail);
        }),
      );
    } finally {
      this.set(undefined);
    }
  }

  private set(busy: SessionSnapshot['busy']): void {
    this.busy = busy;
    this.changed();
  }
}
