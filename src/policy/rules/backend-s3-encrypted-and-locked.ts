import { block } from "../../terraform/stack-document";
import { describe } from "../terraform-values";
import { NOT_APPLICABLE, Problem, StackRule, verdictOf } from "../types";

export const backendS3EncryptedAndLocked: StackRule = {
  id: "backend-s3-encrypted-and-locked",
  scope: "stack",
  address: "terraform.backend.s3",
  title: "An S3 state backend encrypts the state and locks it (encrypt, use_lockfile)",
  explanation:
    "Without encrypt the state object is written without requesting server-side encryption; without a lock, two applies at once (a CI run and a laptop) interleave and corrupt the state. use_lockfile is S3's native lock (Terraform 1.10+).",
  fix: "Set encrypt = true and use_lockfile = true in the s3 backend (useS3StateBackend does, through an override for use_lockfile).",
  mirrors: [],
  check(stack) {
    const s3 = block(stack.backend?.s3);
    if (!s3) return NOT_APPLICABLE;
    const problems: Problem[] = [];
    if (s3.encrypt !== true)
      problems.push({ message: `encrypt is ${describe(s3.encrypt)}, not true`, subject: "encrypt" });
    if (s3.use_lockfile !== true)
      problems.push({
        message: `use_lockfile is ${describe(s3.use_lockfile)}, not true: applies are not locked`,
        subject: "use_lockfile",
      });
    return verdictOf(problems);
  },
};
