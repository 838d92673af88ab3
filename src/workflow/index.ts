export * from "./asl";
export * from "./names";
export { Resource } from "./tasks";
export { buildOrderWorkflowDefinition } from "./order-workflow";
