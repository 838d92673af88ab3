/**
 * The references the pattern cases come from; each case names one. None of them was written for this
 * project: the EventBridge user guide, aws/event-ruler (the matcher EventBridge runs: its README and its
 * tests), and answers of the real TestEventPattern API that LocalStack recorded in its AWS-validated tests.
 */
const guide = (title: string, page: string) =>
  `EventBridge user guide, "${title}" (https://docs.aws.amazon.com/eventbridge/latest/userguide/${page})`;

export const UG = {
  create: guide("Creating event patterns", "eb-create-pattern.html"),
  operators: guide("Comparison operators for use in event patterns", "eb-create-pattern-operators.html"),
  arrays: guide("Arrays in EventBridge event patterns", "eb-event-patterns-arrays.html"),
  nulls: guide(
    "Matching null values and empty strings in EventBridge event patterns",
    "eb-event-patterns-null-values.html",
  ),
  content: guide(
    "Content filtering in Amazon EventBridge event patterns",
    "eb-event-patterns-content-based-filtering.html",
  ),
};

/** A section of aws/event-ruler's README. */
export const README = (section: string) => `aws/event-ruler README, "${section}"`;

/** A test of aws/event-ruler (src/test/software/amazon/event/ruler/). */
export const RULER_TEST = (test: string) => `aws/event-ruler ${test}`;

/** An answer of AWS's TestEventPattern, recorded by LocalStack (tests/aws/services/events/...). */
export const AWS = (template: string) =>
  `AWS TestEventPattern, as recorded in localstack/localstack tests/aws/services/events/event_pattern_templates/${template}.json5`;

/** An InvalidEventPatternException message AWS returned, recorded by LocalStack. */
export const AWS_REASON = (test: string) =>
  `AWS InvalidEventPatternException, as recorded in localstack/localstack test_events_patterns.snapshot.json ${test}`;

/** aws/event-ruler's rule compiler (src/main/software/amazon/event/ruler/JsonRuleCompiler.java and CIDR.java): its reasons. */
export const RULER_COMPILER = (file: string) => `aws/event-ruler ${file}`;

/** What aws/event-ruler's code (src/main/software/amazon/event/ruler/) does, where no test or page states it. */
export const RULER_SOURCE = (what: string) => `aws/event-ruler source: ${what}`;
