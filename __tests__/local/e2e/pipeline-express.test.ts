/**
 * The end-to-end tests of pipeline.test.ts, on the stack started with `--var workflow_type=EXPRESS`:
 * the saga as an Express state machine passes what it passes as a Standard one.
 */
import "./express-saga";
import "./pipeline.test";
