import { PolicyDocument, PolicyStatement, policyDocument } from "./policy-document";

/** One event source and the one principal that owns it. */
export interface SourceOwner {
  /** The event's `source`, e.g. `orders.order-service`. */
  readonly source: string;
  /** The role that alone may put events of this source on the bus. */
  readonly principalArn: string;
}

/** `orders.order-service` -> `OnlyOwnerPublishesOrdersOrderService`: a Sid IAM accepts (alphanumeric). */
export function ownershipSid(source: string): string {
  return `OnlyOwnerPublishes${source
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join("")}`;
}

/**
 * The bus's resource policy: for each source, a Deny of `events:PutEvents` of events with that `source` to
 * every principal but its owner. EventBridge authorizes each entry of a PutEvents call on its own, with
 * `events:source` and `events:detail-type` set from that entry; an explicit Deny in a resource policy holds
 * for callers of the bus's own account too, whatever their identity policies allow.
 */
export function sourceOwnershipBusPolicy(busArn: string, owners: readonly SourceOwner[]): PolicyDocument {
  if (owners.length === 0) throw new Error("A source-ownership bus policy needs at least one source and its owner.");
  const sources = owners.map((o) => o.source);
  const duplicate = sources.find((s, i) => sources.indexOf(s) !== i);
  if (duplicate !== undefined) throw new Error(`Event source "${duplicate}" is given two owners; each source has one.`);
  return policyDocument(
    owners.map((owner): PolicyStatement => ({
      Sid: ownershipSid(owner.source),
      Effect: "Deny",
      Principal: { AWS: "*" },
      Action: ["events:PutEvents"],
      Resource: [busArn],
      Condition: {
        StringEquals: { "events:source": owner.source },
        ArnNotEquals: { "aws:PrincipalArn": owner.principalArn },
      },
    })),
  );
}
