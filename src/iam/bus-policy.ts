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
 * The ARNs of a Terraform `list(string)` variable, as the elements after `first` of a JSON array inside a
 * policy document's text: `["<first>%{ for arn in var.x }","${arn}%{ endfor }"]` renders as `["<first>"]`
 * for an empty list and `["<first>","a","b"]` for `["a", "b"]`. A list cannot be interpolated into a
 * string, and this keeps the document JSON that the policy rules read.
 */
function withVariableArns(first: string, variable: string): string[] {
  return [`${first}%{ for arn in var.${variable} }`, "${arn}%{ endfor }"];
}

/**
 * The bus's resource policy: for each source, a Deny of `events:PutEvents` of events with that `source` to
 * every principal but its owner (and the principals of `alsoAdmitted`, a list variable of reviewed role ARNs,
 * the operators who redrive dead letters). EventBridge authorizes each entry of a PutEvents call on its own,
 * with `events:source` and `events:detail-type` set from that entry; an explicit Deny in a resource policy
 * holds for callers of the bus's own account too, whatever their identity policies allow.
 */
export function sourceOwnershipBusPolicy(
  busArn: string,
  owners: readonly SourceOwner[],
  alsoAdmitted?: { readonly variable: string },
): PolicyDocument {
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
        ArnNotEquals: {
          "aws:PrincipalArn": alsoAdmitted
            ? withVariableArns(owner.principalArn, alsoAdmitted.variable)
            : owner.principalArn,
        },
      },
    })),
  );
}
