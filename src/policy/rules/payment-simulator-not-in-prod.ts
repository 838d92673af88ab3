import { PAYMENT_GATEWAY_ENV, PAYMENT_SIMULATOR_OPT_IN_TAG, SIMULATED_PAYMENT_GATEWAY } from "../../config/app-config";
import { block } from "../../terraform/stack-document";
import { describe } from "../terraform-values";
import { COMPLIANT, NOT_APPLICABLE, ResourceRule, nonCompliant } from "../types";

export const paymentSimulatorNotInProd: ResourceRule = {
  id: "payment-simulator-not-in-prod",
  scope: "resource",
  title: "Production does not charge through the payment simulator unless the opt-in is recorded on the function",
  explanation:
    "The simulator approves every charge up to 1,000.00 and moves no money: a production stack with it completes orders that were never paid. The Payment service falls back to the simulator when PAYMENT_GATEWAY is missing, so production must name its gateway; running prod on the simulator (a demo account) takes an explicit opt-in, kept on the function as a tag.",
  fix: `Set ORDERS_PAYMENT_GATEWAY (context "paymentGateway") to the real gateway, or opt in with ORDERS_ALLOW_PAYMENT_SIMULATOR_IN_PROD=true, which tags the function ${PAYMENT_SIMULATOR_OPT_IN_TAG} = accepted.`,
  mirrors: [],
  resourceTypes: ["aws_lambda_function"],
  check(fn, stack) {
    if (!stack.isProduction) return NOT_APPLICABLE;
    const variables = (block(fn.config.environment)?.variables ?? {}) as Readonly<Record<string, unknown>>;
    const gateway = stack.resolve(variables[PAYMENT_GATEWAY_ENV]);
    const isPayment = gateway !== undefined || stack.resolve(variables.POWERTOOLS_SERVICE_NAME) === "payment";
    if (!isPayment) return NOT_APPLICABLE;
    if (gateway === undefined) {
      return nonCompliant(
        `has no ${PAYMENT_GATEWAY_ENV}: the Payment service falls back to the simulator`,
        PAYMENT_GATEWAY_ENV,
      );
    }
    if (typeof gateway !== "string" || gateway === "")
      return nonCompliant(`${PAYMENT_GATEWAY_ENV} is ${describe(gateway)}, not a gateway name`, PAYMENT_GATEWAY_ENV);
    if (gateway !== SIMULATED_PAYMENT_GATEWAY) return COMPLIANT;
    const tags = block(fn.config.tags) ?? {};
    return stack.resolve(tags[PAYMENT_SIMULATOR_OPT_IN_TAG]) === "accepted"
      ? COMPLIANT
      : nonCompliant(
          `charges through the simulator in production (${PAYMENT_GATEWAY_ENV} = "${SIMULATED_PAYMENT_GATEWAY}") without the opt-in tag ${PAYMENT_SIMULATOR_OPT_IN_TAG}`,
          PAYMENT_GATEWAY_ENV,
        );
  },
};
