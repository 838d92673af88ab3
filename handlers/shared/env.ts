import { ConfigurationError } from "./errors";

/** Reads a required environment variable; the error names the variable. */
export function requireEnv(name: string, env: NodeJS.ProcessEnv = process.env): string {
  const value = env[name];
  if (value === undefined || value.trim() === "") {
    throw new ConfigurationError(`environment variable ${name} is required`);
  }
  return value;
}
