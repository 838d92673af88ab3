import { SimulatedPaymentGateway, UnknownPaymentGatewayError, gatewayFromEnv } from "../../handlers/payment/gateway";

describe("gatewayFromEnv: the gateway the stack names in PAYMENT_GATEWAY", () => {
  test("simulator, or unset, is the simulator", () => {
    expect(gatewayFromEnv({ PAYMENT_GATEWAY: "simulator" })).toBeInstanceOf(SimulatedPaymentGateway);
    expect(gatewayFromEnv({})).toBeInstanceOf(SimulatedPaymentGateway);
  });

  test("a gateway this build has no integration for stops the function instead of charging through the simulator", () => {
    expect(() => gatewayFromEnv({ PAYMENT_GATEWAY: "acme-pay" })).toThrow(UnknownPaymentGatewayError);
    expect(() => gatewayFromEnv({ PAYMENT_GATEWAY: "acme-pay" })).toThrow(
      'PAYMENT_GATEWAY "acme-pay" has no integration in this build (known: simulator)',
    );
  });
});
