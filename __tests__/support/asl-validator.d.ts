declare module "asl-validator" {
  interface AslValidatorOptions {
    readonly checkArn?: boolean;
    readonly checkPaths?: boolean;
  }
  interface AslValidationResult {
    readonly isValid: boolean;
    readonly errors: readonly { readonly message?: string }[];
    errorsText(separator?: string): string;
  }
  function aslValidator(definition: unknown, options?: AslValidatorOptions): AslValidationResult;
  export = aslValidator;
}
