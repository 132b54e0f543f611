// Schedules as control-table items. Names are unique through a second item per name, written in
// the same transaction as the schedule (DynamoDB has no unique constraint of its own).

import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
} from "@aws-sdk/lib-dynamodb";
import type {
  MissedFire,
  ScheduleFilter,
  SchedulerSettings,
  SchedulerStateStore,
  ScheduleStore,
} from "#ports/schedule-store.ts";
import type { Schedule } from "#schemas/schedule.ts";
import { queryControlPartition } from "./dynamo-control-scan.ts";
import { firstConditionFailed, isConditionFailure } from "./dynamo-errors.ts";

const SCHEDULE_PK = "SCHEDULE";
const nameKey = (name: string) => ({ pk: `SCHEDULE_NAME#${name.toLowerCase()}`, sk: "NAME" });

function toSchedule(item: Record<string, unknown>): Schedule {
  const { pk: _pk, sk: _sk, ...rest } = item;
  return rest as Schedule;
}

export function matchesFilter(s: Schedule, f: ScheduleFilter): boolean {
  if (f.job_name && s.job_name !== f.job_name) return false;
  if (f.category && s.category !== f.category) return false;
  if (f.tag && !s.tags.includes(f.tag)) return false;
  if (f.enabled !== undefined && s.enabled !== f.enabled) return false;
  return true;
}

export class DynamoScheduleStore implements ScheduleStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async create(schedule: Schedule): Promise<boolean> {
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.table,
                Item: { ...nameKey(schedule.name), schedule_id: schedule.id },
                ConditionExpression: "attribute_not_exists(pk)",
              },
            },
            {
              Put: {
                TableName: this.table,
                Item: { pk: SCHEDULE_PK, sk: schedule.id, ...schedule },
                ConditionExpression: "attribute_not_exists(pk)",
              },
            },
          ],
        }),
      );
      return true;
    } catch (e) {
      if (firstConditionFailed(e)) return false; // the name is taken
      throw e;
    }
  }

  async get(id: string): Promise<Schedule | null> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: { pk: SCHEDULE_PK, sk: id }, ConsistentRead: true }),
    );
    return out.Item ? toSchedule(out.Item) : null;
  }

  async list(filter: ScheduleFilter = {}): Promise<Schedule[]> {
    const all = (await queryControlPartition(this.doc, this.table, SCHEDULE_PK)).map(toSchedule);
    return all.filter((s) => matchesFilter(s, filter)).sort((a, b) => a.name.localeCompare(b.name));
  }

  async replace(previous: Schedule, next: Schedule): Promise<boolean> {
    const put = {
      Put: {
        TableName: this.table,
        Item: { pk: SCHEDULE_PK, sk: next.id, ...next },
        ConditionExpression: "attribute_exists(pk)",
      },
    };
    const renamed = previous.name.toLowerCase() !== next.name.toLowerCase();
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: renamed
            ? [
                {
                  Put: {
                    TableName: this.table,
                    Item: { ...nameKey(next.name), schedule_id: next.id },
                    ConditionExpression: "attribute_not_exists(pk)",
                  },
                },
                put,
                {
                  Delete: {
                    TableName: this.table,
                    Key: nameKey(previous.name),
                    ConditionExpression: "schedule_id = :id",
                    ExpressionAttributeValues: { ":id": previous.id },
                  },
                },
              ]
            : [put],
        }),
      );
      return true;
    } catch (e) {
      if (renamed && firstConditionFailed(e)) return false; // the new name is taken
      throw e;
    }
  }

  async delete(schedule: Schedule): Promise<void> {
    await this.doc.send(
      new TransactWriteCommand({
        TransactItems: [
          { Delete: { TableName: this.table, Key: { pk: SCHEDULE_PK, sk: schedule.id } } },
          {
            Delete: {
              TableName: this.table,
              Key: nameKey(schedule.name),
              ConditionExpression: "attribute_not_exists(pk) OR schedule_id = :id",
              ExpressionAttributeValues: { ":id": schedule.id },
            },
          },
        ],
      }),
    );
  }
}

const MISSED_TTL_DAYS = 30;
const missedKey = (scheduleId: string, scheduledTime: string) => ({
  pk: "MISSED",
  sk: `${scheduledTime}#${scheduleId}`,
});
const toMissed = (i: Record<string, unknown>): MissedFire => ({
  schedule_id: String(i.schedule_id),
  schedule_name: String(i.schedule_name),
  job_name: String(i.job_name),
  scheduled_time: String(i.scheduled_time),
  reason: String(i.reason),
  recorded_at: String(i.recorded_at),
});

export class DynamoSchedulerStateStore implements SchedulerStateStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async getSettings(): Promise<SchedulerSettings> {
    const out = await this.doc.send(
      new GetCommand({
        TableName: this.table,
        Key: { pk: "SETTINGS", sk: "SCHEDULER" },
        ConsistentRead: true,
      }),
    );
    return {
      paused: out.Item?.paused === true,
      paused_by: (out.Item?.paused_by as string | undefined) ?? null,
      paused_at: (out.Item?.paused_at as string | undefined) ?? null,
    };
  }

  async setPaused(paused: boolean, actor: string): Promise<SchedulerSettings> {
    const settings: SchedulerSettings = {
      paused,
      paused_by: paused ? actor : null,
      paused_at: paused ? this.now().toISOString() : null,
    };
    await this.doc.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          pk: "SETTINGS",
          sk: "SCHEDULER",
          ...settings,
          updated_by: actor,
          updated_at: this.now().toISOString(),
        },
      }),
    );
    return settings;
  }

  async recordMissed(missed: MissedFire): Promise<boolean> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: {
            ...missedKey(missed.schedule_id, missed.scheduled_time),
            ...missed,
            expires_at: Math.floor(this.now().getTime() / 1000) + MISSED_TTL_DAYS * 86400,
          },
          // decided once: the first record of a fire stands (scheduler and sweeper may both look)
          ConditionExpression: "attribute_not_exists(pk)",
        }),
      );
      return true;
    } catch (e) {
      if (isConditionFailure(e)) return false;
      throw e;
    }
  }

  async getMissed(scheduleId: string, scheduledTime: string): Promise<MissedFire | null> {
    const out = await this.doc.send(
      new GetCommand({
        TableName: this.table,
        Key: missedKey(scheduleId, scheduledTime),
        ConsistentRead: true,
      }),
    );
    return out.Item ? toMissed(out.Item) : null;
  }

  async probe(timeoutMs: number): Promise<void> {
    // One strongly consistent GetItem of a key that never exists: the cheapest call that needs the
    // table to answer (and only the read access every API function has).
    await this.doc.send(
      new GetCommand({ TableName: this.table, Key: { pk: "HEALTH", sk: "PROBE" }, ConsistentRead: true }),
      { abortSignal: AbortSignal.timeout(timeoutMs) },
    );
  }

  async listMissed(limit: number): Promise<MissedFire[]> {
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: "pk = :pk",
        ExpressionAttributeValues: { ":pk": "MISSED" },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return (out.Items ?? []).map(toMissed);
  }

  async setOnce(marker: string, value: string): Promise<boolean> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: { pk: "MARKER", sk: marker, value, set_at: this.now().toISOString() },
          ConditionExpression: "attribute_not_exists(pk)",
        }),
      );
      return true;
    } catch (e) {
      if (isConditionFailure(e)) return false;
      throw e;
    }
  }

  async getMarker(marker: string): Promise<string | null> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: { pk: "MARKER", sk: marker }, ConsistentRead: true }),
    );
    return (out.Item?.value as string | undefined) ?? null;
  }

  async putMarker(marker: string, value: string): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.table,
        Item: { pk: "MARKER", sk: marker, value, set_at: this.now().toISOString() },
      }),
    );
  }
}
