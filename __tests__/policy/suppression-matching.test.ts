import { ALL_RULES } from "../../src/policy/rules";
import { lambdaInVpc } from "../../src/policy/rules/lambda-in-vpc";
import { sfnFailurePathsEndInFail } from "../../src/policy/rules/sfn-failure-paths-end-in-fail";
import {
  Suppression,
  applySuppressions,
  globMatches,
  invalidSuppressions,
} from "../../src/policy/suppression-matching";
import type { Finding } from "../../src/policy/evaluate";

const REASON = "The functions reach only public AWS APIs over TLS; a VPC adds cost and no protection here.";
const finding = (stackName: string, address: string, rule = lambdaInVpc, subject?: string): Finding => ({
  rule,
  stackName,
  address,
  problem: { message: "m", subject },
});

describe("globMatches", () => {
  it("matches * across any characters and everything else literally", () => {
    expect(
      globMatches("aws_lambda_function.order-service_*", "aws_lambda_function.order-service_function_48E7C42D"),
    ).toBe(true);
    expect(globMatches("aws_lambda_function.order-service_*", "aws_lambda_function.payment-service_function_1")).toBe(
      false,
    );
    expect(globMatches("orders-*", "orders-prod")).toBe(true);
    expect(globMatches("a.b", "aXb")).toBe(false);
  });
});

describe("invalidSuppressions", () => {
  it("refuses a missing or short reason, an unknown rule and an empty resource", () => {
    const errors = invalidSuppressions(
      [
        { rule: "lambda-in-vpc", resource: "aws_lambda_function.*", reason: "" },
        { rule: "lambda-in-vpc", resource: "aws_lambda_function.*", reason: "not needed" },
        { rule: "lambda-in-a-vpc", resource: "aws_lambda_function.*", reason: REASON },
        { rule: "lambda-in-vpc", resource: " ", reason: REASON },
      ],
      ALL_RULES,
    );
    expect(errors).toEqual([
      "exception lambda-in-vpc on *:aws_lambda_function.*: has no reason; every exception says why it is accepted",
      'exception lambda-in-vpc on *:aws_lambda_function.*: reason "not needed" is too short (10 characters, at least 40); say why the finding is accepted',
      'exception lambda-in-a-vpc on *:aws_lambda_function.*: no rule has the id "lambda-in-a-vpc"',
      "exception lambda-in-vpc on *: : resource must name the resources it covers",
    ]);
  });

  it("accepts the reviewed list", () => {
    expect(
      invalidSuppressions(
        [{ rule: "lambda-in-vpc", stacks: "orders-*", resource: "aws_lambda_function.*", reason: REASON }],
        ALL_RULES,
      ),
    ).toEqual([]);
  });
});

describe("applySuppressions", () => {
  const vpc: Suppression = {
    rule: "lambda-in-vpc",
    stacks: "orders-*",
    resource: "aws_lambda_function.*",
    reason: REASON,
  };

  it("accepts covered findings and keeps the others as violations", () => {
    const covered = finding("orders-dev", "aws_lambda_function.order");
    const otherStack = finding("state-bootstrap", "aws_lambda_function.order");
    const outcome = applySuppressions([covered, otherStack], [vpc], ["orders-dev", "state-bootstrap"]);
    expect(outcome.excepted).toEqual([{ finding: covered, suppression: vpc }]);
    expect(outcome.violations).toEqual([otherStack]);
    expect(outcome.stale).toEqual([]);
  });

  it("narrows to a subject when the suppression names one", () => {
    const claim: Suppression = {
      rule: sfnFailurePathsEndInFail.id,
      resource: "aws_sfn_state_machine.*",
      subject: "ClaimOrder",
      reason: REASON,
    };
    const claimFinding = finding("orders-dev", "aws_sfn_state_machine.saga", sfnFailurePathsEndInFail, "ClaimOrder");
    const chargeFinding = finding("orders-dev", "aws_sfn_state_machine.saga", sfnFailurePathsEndInFail, "Charge");
    const outcome = applySuppressions([claimFinding, chargeFinding], [claim], ["orders-dev"]);
    expect(outcome.violations).toEqual([chargeFinding]);
  });

  it("reports a suppression that covers nothing in the stacks it applies to as stale", () => {
    expect(applySuppressions([], [vpc], ["orders-dev"]).stale).toEqual([vpc]);
  });

  it("leaves alone a suppression for stacks that were not checked", () => {
    expect(applySuppressions([], [vpc], ["state-bootstrap"]).stale).toEqual([]);
  });
});
