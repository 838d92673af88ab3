// Imported before a file's tests: its pipelines run the saga with `--var workflow_type=EXPRESS`.
import { runSagaAs } from "./support";

runSagaAs("EXPRESS");
