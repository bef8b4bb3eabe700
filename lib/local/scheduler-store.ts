/**
 * The local EventBridge Scheduler's state: schedule groups and schedules, kept in memory and
 * journalled to `DATA_DIR/scheduler.jsonl` (one line per change, appended before the change is
 * acknowledged), so a schedule the caller saw created survives a restart or a crash. The
 * journal is compacted (rewritten with the live state) at start and when it has grown well
 * past it; a torn last line (a crash mid-append) is skipped and reported.
 */
import fs from 'node:fs';
import path from 'node:path';
import { writeStateFile } from './state-file';

export const SCHEDULER_JOURNAL = 'scheduler.jsonl';

export interface StoredTarget {
  readonly Arn: string;
  readonly RoleArn: string;
  readonly Input?: string;
  readonly SqsParameters?: { readonly MessageGroupId?: string };
  readonly RetryPolicy?: { readonly MaximumEventAgeInSeconds?: number; readonly MaximumRetryAttempts?: number };
  readonly DeadLetterConfig?: { readonly Arn?: string };
}

/** A schedule as GetSchedule returns it (dates in epoch seconds), plus what the stand-in tracks. */
export interface StoredSchedule {
  readonly Name: string;
  readonly GroupName: string;
  readonly Arn: string;
  readonly ScheduleExpression: string;
  readonly ScheduleExpressionTimezone?: string;
  readonly Description?: string;
  readonly StartDate?: number;
  readonly EndDate?: number;
  readonly KmsKeyArn?: string;
  readonly State: 'ENABLED' | 'DISABLED';
  readonly ActionAfterCompletion: 'NONE' | 'DELETE';
  readonly FlexibleTimeWindow: { readonly Mode: 'OFF' | 'FLEXIBLE'; readonly MaximumWindowInMinutes?: number };
  readonly Target: StoredTarget;
  readonly CreationDate: number;
  readonly LastModificationDate: number;
  /** The idempotency token of the CreateSchedule that made it (a retried create returns it again). */
  readonly ClientToken?: string;
  /** When the one-time schedule is due, epoch ms (UTC). */
  readonly dueAtMs: number;
  /** When it was delivered; a completed schedule with ActionAfterCompletion NONE stays, inert. */
  readonly firedAtMs?: number;
}

export interface StoredGroup {
  readonly Name: string;
  readonly Arn: string;
  readonly CreationDate: number;
}

type JournalLine =
  | { readonly op: 'group'; readonly group: StoredGroup }
  | { readonly op: 'delete-group'; readonly name: string }
  | { readonly op: 'put'; readonly schedule: StoredSchedule }
  | { readonly op: 'delete'; readonly group: string; readonly name: string };

const key = (group: string, name: string) => `${group}\u0000${name}`;

export class SchedulerStore {
  readonly groups = new Map<string, StoredGroup>();
  readonly schedules = new Map<string, StoredSchedule>();
  private readonly file: string;
  private linesSinceCompaction = 0;
  private readonly log: (line: string) => void;

  constructor(dataDir: string, log: (line: string) => void) {
    this.log = log;
    fs.mkdirSync(dataDir, { recursive: true });
    this.file = path.join(dataDir, SCHEDULER_JOURNAL);
    this.replay(log);
    this.compact();
  }

  get(group: string, name: string): StoredSchedule | undefined {
    return this.schedules.get(key(group, name));
  }

  putGroup(group: StoredGroup): void {
    this.record({ op: 'group', group });
  }

  deleteGroup(name: string): void {
    this.record({ op: 'delete-group', name });
  }

  put(schedule: StoredSchedule): void {
    this.record({ op: 'put', schedule });
  }

  delete(group: string, name: string): void {
    this.record({ op: 'delete', group, name });
  }

  /**
   * One change: appended to the journal first (what the caller is told is done is on disk), then
   * applied to the maps, and only then, the maps holding it, may the journal be compacted. A
   * compaction before the apply rewrote the journal from maps without the change, erasing the
   * line just written (a delivered schedule back after a restart, a created one gone).
   */
  private record(line: JournalLine): void {
    fs.appendFileSync(this.file, `${JSON.stringify(line)}\n`);
    this.apply(line);
    this.linesSinceCompaction += 1;
    if (this.linesSinceCompaction <= Math.max(1000, 2 * (this.schedules.size + this.groups.size))) return;
    try {
      this.compact();
    } catch (error) {
      // The change is on disk already (its line) and applied: a failed compaction leaves the old
      // journal whole and is tried again at the next change, never failing this one.
      this.log(`[scheduler] journal compaction failed, kept the journal as it is: ${String(error)}`);
    }
  }

  private apply(line: JournalLine): void {
    switch (line.op) {
      case 'group':
        this.groups.set(line.group.Name, line.group);
        return;
      case 'delete-group':
        this.groups.delete(line.name);
        for (const [k, s] of this.schedules) if (s.GroupName === line.name) this.schedules.delete(k);
        return;
      case 'put':
        this.schedules.set(key(line.schedule.GroupName, line.schedule.Name), line.schedule);
        return;
      case 'delete':
        this.schedules.delete(key(line.group, line.name));
        return;
    }
  }

  private replay(log: (line: string) => void): void {
    let text: string;
    try {
      text = fs.readFileSync(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    let skipped = 0;
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      try {
        this.apply(JSON.parse(line) as JournalLine);
      } catch {
        skipped += 1;
      }
    }
    if (skipped > 0) log(`[scheduler] skipped ${skipped} unreadable line(s) in ${this.file}`);
  }

  /**
   * Rewrites the journal as the live state (the maps, which hold every change recorded), through
   * state-file.ts: a crash at any point leaves either the old journal or the new one whole.
   */
  private compact(): void {
    const lines: JournalLine[] = [
      ...[...this.groups.values()].map((group) => ({ op: 'group', group }) as const),
      ...[...this.schedules.values()].map((schedule) => ({ op: 'put', schedule }) as const),
    ];
    writeStateFile(this.file, lines.map((l) => `${JSON.stringify(l)}\n`).join(''));
    this.linesSinceCompaction = 0;
  }
}
