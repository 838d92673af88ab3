/**
 * Input the user gave that cannot be used: a command-line option, a file they named, a variable, the stack
 * they synthesized. The message alone says what is wrong and what to change; the command lines print it
 * without a stack trace and exit with status 2. Subclasses name the kind of input; an error that wraps
 * another passes it as `cause`.
 */
export class UserInputError extends Error {
  override readonly name: string = "UserInputError";
}
