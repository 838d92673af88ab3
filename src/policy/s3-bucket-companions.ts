/**
 * An S3 bucket's settings live in companion resources (aws_s3_bucket_versioning, ..._policy, ...)
 * that name the bucket by reference (`${aws_s3_bucket.b.id}`) or by its literal name.
 */
import type { StackContext } from "./stack-context";
import type { SynthesizedResource } from "./types";

export function bucketCompanions(
  bucket: SynthesizedResource,
  type: string,
  stack: StackContext,
): readonly SynthesizedResource[] {
  return stack.resources(type).filter((r) => stack.refersTo(r.config.bucket, bucket, "bucket"));
}

/** The ARNs a bucket policy must cover for the bucket itself and for its objects. */
export function bucketArns(bucket: SynthesizedResource): {
  readonly bucket: readonly string[];
  readonly objects: readonly string[];
} {
  const reference = `\${${bucket.type}.${bucket.name}.arn}`;
  const literal = typeof bucket.config.bucket === "string" ? [`arn:aws:s3:::${bucket.config.bucket}`] : [];
  const arns = [reference, ...literal];
  return { bucket: arns, objects: arns.map((a) => `${a}/*`) };
}
