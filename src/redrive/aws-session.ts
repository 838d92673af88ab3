import { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { SFNClient } from "@aws-sdk/client-sfn";
import { SQSClient } from "@aws-sdk/client-sqs";
import { RedriveUsageError } from "./options";

/** The clients the redrive command uses, with the region and credentials resolved once. */
export interface AwsSession {
  readonly region: string;
  readonly eventBridge: EventBridgeClient;
  readonly sqs: SQSClient;
  readonly stepFunctions: SFNClient;
}

/**
 * The AWS SDK's EventBridge, SQS and Step Functions clients, on one region and one credential provider
 * (the SDK's default chain, resolved once). Endpoints follow the SDK's settings: `AWS_ENDPOINT_URL_SQS`,
 * `AWS_ENDPOINT_URL_SFN`, `AWS_ENDPOINT_URL_EVENTBRIDGE` (or `AWS_ENDPOINT_URL`), else each service's
 * regional endpoint. No region or no credentials is a usage error, said in one line.
 */
export async function openSession(options: { readonly region?: string } = {}): Promise<AwsSession> {
  const eventBridge = new EventBridgeClient(options.region ? { region: options.region } : {});
  let region: string;
  try {
    region = await eventBridge.config.region();
  } catch (error) {
    throw new RedriveUsageError("no AWS region: pass --region or set AWS_REGION (or a profile's region)", {
      cause: error,
    });
  }
  if (!region) throw new RedriveUsageError("no AWS region: pass --region or set AWS_REGION (or a profile's region)");
  try {
    await eventBridge.config.credentials();
  } catch (error) {
    throw new RedriveUsageError(
      "no AWS credentials: set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run where a role provides them",
      { cause: error },
    );
  }
  const shared = { region, credentials: eventBridge.config.credentials };
  return {
    region,
    eventBridge,
    // useQueueUrlAsEndpoint off: by default the client sends a call to its QueueUrl's host whenever that
    // differs from the resolved endpoint (middleware-sdk-sqs queueUrlMiddleware), which would take an
    // AWS_ENDPOINT_URL_SQS run to the real sqs.<region>.amazonaws.com the queue URLs name. The regional
    // endpoint serves every queue URL of its region, so on AWS nothing changes.
    sqs: new SQSClient({ ...shared, useQueueUrlAsEndpoint: false }),
    stepFunctions: new SFNClient(shared),
  };
}
