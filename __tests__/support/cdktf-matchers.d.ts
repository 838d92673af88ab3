// The cdktf Jest matchers (toHaveResource, toHaveResourceWithProperties, ...), registered in setup.ts.
import "cdktf/lib/testing/adapters/jest";
