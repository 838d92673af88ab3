export * from "./asl";
export * from "./names";
export { Resource, TaskTimeoutSeconds } from "./tasks";
export { buildOrderWorkflowDefinition, WORKFLOW_TIMEOUT_SECONDS, type OrderWorkflowRefs } from "./order-workflow";
