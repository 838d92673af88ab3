import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { Construct } from "constructs";
import { PolicyStatement, TrustSource, policyDocument, serviceTrustPolicy } from "../iam/policy-document";

export interface ServiceRoleProps {
  /** Role name (at most 64 characters once resolved). */
  readonly roleName: string;
  /** The one AWS service allowed to assume the role, e.g. `lambda.amazonaws.com`. */
  readonly servicePrincipal: string;
  /** Everything the role may do; rendered as one inline policy. */
  readonly statements: readonly PolicyStatement[];
  /** One-line purpose, shown in the console. */
  readonly description: string;
  /**
   * The account and resource the service may assume the role for (`aws:SourceAccount`, `aws:SourceArn`
   * in the trust policy). Default: none, for services that do not send these keys when they assume a role.
   */
  readonly trustedSource?: TrustSource;
}

/** An IAM role trusted by one service, with exactly the given inline permissions and no managed policies. */
export class ServiceRole extends Construct {
  readonly role: IamRole;
  readonly policy: IamRolePolicy;

  constructor(scope: Construct, id: string, props: ServiceRoleProps) {
    super(scope, id);
    if (props.statements.length === 0) {
      throw new Error(`ServiceRole "${id}": statements must grant at least one permission.`);
    }
    this.role = new IamRole(this, "role", {
      name: props.roleName,
      description: props.description,
      assumeRolePolicy: JSON.stringify(serviceTrustPolicy(props.servicePrincipal, props.trustedSource)),
    });
    this.policy = new IamRolePolicy(this, "policy", {
      name: "least-privilege",
      role: this.role.id,
      policy: JSON.stringify(policyDocument(props.statements)),
    });
  }

  get arn(): string {
    return this.role.arn;
  }
}
