/**
 * One public price: what it is per unit, where it comes from and when it was read. `read: false`
 * means the AWS page itself could not be read (its rates are drawn by script): the figure then comes
 * from `figureFrom`, a transcription of that page, and should be checked against the page.
 */
export interface Price {
  /** US dollars per `unit`. */
  readonly usd: number;
  readonly unit: string;
  /** The AWS pricing page. */
  readonly source: string;
  /** Whether the figure was read on `source` itself (or a copy of it). */
  readonly read: boolean;
  /** Where the figure was read when not on `source`. */
  readonly figureFrom?: string;
  /** YYYY-MM-DD */
  readonly readOn: string;
}

/** The day the table below was read. */
export const PRICES_AS_OF = "2026-12-02";

const price = (p: Omit<Price, "readOn">): Price => ({ ...p, readOn: PRICES_AS_OF });

/**
 * us-east-1 on-demand prices of what an order uses, past the free tiers (which are left out: a
 * million orders a month exceeds most of them, and they are per account, not per order).
 */
export const US_EAST_1 = {
  lambdaRequest: price({
    usd: 0.2 / 1e6,
    unit: "request",
    source: "https://aws.amazon.com/lambda/pricing/",
    read: false,
    figureFrom:
      "https://raw.githubusercontent.com/api-evangelist/aws-lambda/refs/heads/main/plans/aws-lambda-plans-pricing.yml ($0.20 per million requests, quoted from the AWS page)",
  }),
  /** The functions are arm64 (src/constructs/microservice.ts). */
  lambdaArmGbSecond: price({
    usd: 0.0000133334,
    unit: "GB-second (arm64)",
    source: "https://aws.amazon.com/lambda/pricing/",
    read: false,
    figureFrom:
      "https://app.unpkg.com/artillery@2.0.28/files/lib/platform/aws-lambda/prices.js (base arm64 1333340e-11)",
  }),
  standardTransition: price({
    usd: 0.025 / 1000,
    unit: "state transition (STANDARD)",
    source: "https://aws.amazon.com/step-functions/pricing/",
    read: true,
  }),
  expressRequest: price({
    usd: 1 / 1e6,
    unit: "request (EXPRESS)",
    source: "https://aws.amazon.com/step-functions/pricing/",
    read: true,
    figureFrom:
      "https://mdsite.deno.dev/https://aws.amazon.com/step-functions/pricing (a copy of the page: pricing example)",
  }),
  /** The first tier (the first 1,000 GB-hours a month; a million orders use a few). */
  expressGbSecond: price({
    usd: 0.06 / 3600,
    unit: "GB-second (EXPRESS, $0.06 per GB-hour)",
    source: "https://aws.amazon.com/step-functions/pricing/",
    read: true,
    figureFrom:
      "https://mdsite.deno.dev/https://aws.amazon.com/step-functions/pricing (a copy of the page: pricing example)",
  }),
  dynamodbWriteUnit: price({
    usd: 0.625 / 1e6,
    unit: "write request unit (on-demand)",
    source: "https://aws.amazon.com/dynamodb/pricing/on-demand/",
    read: false,
    figureFrom:
      "https://airbyte.com/data-engineering-resources/dynamodb-pricing (US East, after the November 2024 reduction)",
  }),
  dynamodbReadUnit: price({
    usd: 0.125 / 1e6,
    unit: "read request unit (on-demand)",
    source: "https://aws.amazon.com/dynamodb/pricing/on-demand/",
    read: false,
    figureFrom:
      "https://airbyte.com/data-engineering-resources/dynamodb-pricing (US East, after the November 2024 reduction)",
  }),
  customEvent: price({
    usd: 1 / 1e6,
    unit: "custom event published (64 KB chunk)",
    source: "https://aws.amazon.com/eventbridge/pricing/",
    read: false,
    figureFrom: "https://cloudburn.io/blog/amazon-eventbridge-pricing (us-east-1, March 2026)",
  }),
  /** Delivery to targets in the same account is not charged. */
  sameAccountDelivery: price({
    usd: 0,
    unit: "delivery to a target in the same account",
    source: "https://aws.amazon.com/eventbridge/pricing/",
    read: false,
    figureFrom: "https://cloudburn.io/blog/amazon-eventbridge-pricing (same-account delivery free)",
  }),
  pipeRequest: price({
    usd: 0.4 / 1e6,
    unit: "Pipes request (64 KB chunk, after filtering)",
    source: "https://aws.amazon.com/eventbridge/pricing/",
    read: false,
    figureFrom: "https://cloudburn.io/blog/amazon-eventbridge-pricing (us-east-1, March 2026)",
  }),
  sqsRequest: price({
    usd: 0.4 / 1e6,
    unit: "SQS request (standard queue, 64 KB chunk)",
    source: "https://aws.amazon.com/sqs/pricing/",
    read: false,
    figureFrom: "https://adhdecode-articles-4.pages.dev/articles/sqs/sqs-cost-per-million-messages-pricing",
  }),
  logsIngestedGb: price({
    usd: 0.5,
    unit: "GB ingested by CloudWatch Logs (standard and vended)",
    source: "https://aws.amazon.com/cloudwatch/pricing/",
    read: false,
    figureFrom:
      "https://hykell.com/kb/platform-specific-guides/aws-cloudwatch-logs-pricing ($0.50 per GB in us-east-1)",
  }),
  xrayTrace: price({
    usd: 5 / 1e6,
    unit: "trace recorded",
    source: "https://aws.amazon.com/xray/pricing/",
    read: true,
    figureFrom: "https://aws.amazon.com/de/xray/pricing/ (the page's German edition)",
  }),
} satisfies Record<string, Price>;

export type PriceTable = typeof US_EAST_1;
