/**
 * Where snapshot files go: the operator's disk or the backup volume of an etcd-operator (seed 002:
 * "storageType: PersistentVolume"). Outside every VM, so they survive what happens to the cluster.
 */
import type { SnapshotFile } from "./wire.js";

/** One saved snapshot. */
export interface Backup {
  readonly name: string;
  readonly file: SnapshotFile;
  readonly savedAtUs: number;
}

/** Named snapshot files in the order they were saved. */
export class BackupStore {
  private readonly backups: Backup[] = [];

  /** Saves (or replaces) `name`. */
  save(name: string, file: SnapshotFile, savedAtUs: number): Backup {
    const at = this.backups.findIndex((b) => b.name === name);
    if (at >= 0) this.backups.splice(at, 1);
    const b: Backup = { name, file, savedAtUs };
    this.backups.push(b);
    return b;
  }

  /** The most recent backup. */
  latest(): Backup | undefined {
    return this.backups[this.backups.length - 1];
  }

  /** The backup called `name`. */
  get(name: string): Backup | undefined {
    return this.backups.find((b) => b.name === name);
  }

  /** Every backup, oldest first. */
  list(): readonly Backup[] {
    return this.backups;
  }

  /** Keeps only the newest `max` backups (etcd-operator `maxBackups`). */
  prune(max: number): void {
    if (this.backups.length > max) this.backups.splice(0, this.backups.length - max);
  }
}
