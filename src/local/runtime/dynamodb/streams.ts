import { randomBytes } from "node:crypto";
import type { CapturedWrite } from "./dynalite-server";
import type { StreamViewType, TableSpec } from "./local-tables";

/**
 * A DynamoDB Streams record as a stream's readers (Lambda, EventBridge Pipes) receive it: the fields
 * of the Streams API's Record and StreamRecord
 * (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_streams_Record.html,
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_streams_StreamRecord.html), with
 * the stream's ARN as Lambda and Pipes add it.
 */
export interface StreamRecord {
  readonly eventID: string;
  readonly eventName: "INSERT" | "MODIFY" | "REMOVE";
  readonly eventVersion: "1.1";
  readonly eventSource: "aws:dynamodb";
  readonly awsRegion: string;
  readonly dynamodb: {
    /** Epoch seconds. */
    readonly ApproximateCreationDateTime: number;
    readonly Keys: Record<string, unknown>;
    readonly NewImage?: Record<string, unknown>;
    readonly OldImage?: Record<string, unknown>;
    readonly SequenceNumber: string;
    readonly SizeBytes: number;
    readonly StreamViewType: StreamViewType;
  };
  readonly eventSourceARN: string;
}

export type StreamReader = (record: StreamRecord) => void;

/**
 * The streams of the tables whose synthesized `stream_enabled` is true. Each stream is one shard:
 * records of an item come in the order its writes happened (as on AWS, where they are ordered per
 * item); records of different items are also kept in one order here, which AWS does not promise
 * across shards.
 */
export class LocalStreams {
  private readonly byTable = new Map<
    string,
    { readonly spec: TableSpec; sequence: bigint; readonly readers: StreamReader[]; readonly records: StreamRecord[] }
  >();

  constructor(
    tables: readonly TableSpec[],
    private readonly region: string,
    private readonly options: { readonly retain?: boolean } = {},
  ) {
    for (const spec of tables)
      if (spec.stream)
        this.byTable.set(spec.name, { spec, sequence: 100_000_000_000_000_000_000n, readers: [], records: [] });
  }

  /** The tables with a stream, for the capture in dynalite's worker. */
  captured(): { name: string; hashKey: string; rangeKey?: string }[] {
    return [...this.byTable.values()].map(({ spec }) => ({
      name: spec.name,
      hashKey: spec.hashKey,
      ...(spec.rangeKey ? { rangeKey: spec.rangeKey } : {}),
    }));
  }

  /** Reads the stream with this ARN from now on. */
  subscribe(streamArn: string, reader: StreamReader): void {
    const stream = [...this.byTable.values()].find((s) => s.spec.stream?.arn === streamArn);
    if (!stream) throw new Error(`no local table has the stream ${streamArn}`);
    stream.readers.push(reader);
  }

  /** Every record written so far, per table (kept when `retain` is set). */
  records(tableName: string): readonly StreamRecord[] {
    return this.byTable.get(tableName)?.records ?? [];
  }

  /** Turns a captured write into the stream's record and hands it to the stream's readers. */
  write(write: CapturedWrite): void {
    const stream = this.byTable.get(write.table);
    if (!stream?.spec.stream) return;
    const view = stream.spec.stream.viewType;
    const eventName = write.oldImage === undefined ? "INSERT" : write.newImage === undefined ? "REMOVE" : "MODIFY";
    stream.sequence += 1n;
    const images = {
      ...(write.newImage && (view === "NEW_IMAGE" || view === "NEW_AND_OLD_IMAGES")
        ? { NewImage: write.newImage }
        : {}),
      ...(write.oldImage && (view === "OLD_IMAGE" || view === "NEW_AND_OLD_IMAGES")
        ? { OldImage: write.oldImage }
        : {}),
    };
    const record: StreamRecord = {
      eventID: randomBytes(16).toString("hex"),
      eventName,
      eventVersion: "1.1",
      eventSource: "aws:dynamodb",
      awsRegion: this.region,
      dynamodb: {
        ApproximateCreationDateTime: Math.floor(write.at / 1000),
        Keys: write.keys,
        ...images,
        SequenceNumber: stream.sequence.toString(),
        // An approximation: the bytes of the keys and images as JSON.
        SizeBytes: Buffer.byteLength(JSON.stringify({ Keys: write.keys, ...images })),
        StreamViewType: view,
      },
      eventSourceARN: stream.spec.stream.arn,
    };
    if (this.options.retain) stream.records.push(record);
    for (const reader of stream.readers) reader(record);
  }
}
