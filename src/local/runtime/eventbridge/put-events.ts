/** The PutEvents API's request and answer, as the SDK and the JSON protocol carry them. */

/** A PutEvents request entry as it arrives (SDK shape). */
export interface PutEventsRequestEntry {
  readonly Source?: string;
  readonly DetailType?: string;
  readonly Detail?: string;
  readonly EventBusName?: string;
  readonly Resources?: readonly string[];
  /** Over the JSON protocol a number: seconds since the epoch (the SDK sends a Date so). */
  readonly Time?: string | number | Date;
}

export interface PutEventsResultEntry {
  readonly EventId?: string;
  readonly ErrorCode?: string;
  readonly ErrorMessage?: string;
}

export interface PutEventsResult {
  readonly Entries: PutEventsResultEntry[];
  readonly FailedEntryCount: number;
}

/** Who sent a PutEvents request: the access key id its signature names. */
export interface PutEventsCaller {
  readonly accessKeyId?: string;
}
