/**
 * Node's own module loader and process, for the in-process host: the bundles are loaded as Lambda's
 * Node.js runtime loads them (their dynamic `import()`s included) and see the real `process`, even
 * when the runtime itself runs inside a test runner's module registry. Jest hands its modules a
 * `module` whose `createRequire` is its own and a copy of `process`; `Module._load` stays Node's.
 */
import * as Module from "node:module";

type Load = (request: string, parent: null, isMain: boolean) => unknown;

const load = (Module as unknown as { _load?: Load })._load;
const nodeModule = (load ? load("node:module", null, false) : Module) as typeof Module;

/** Node's `require`, resolving from `from` (a file path). */
export const nodeRequire = (from: string): NodeJS.Require => nodeModule.createRequire(from);

export const nodeProcess = nodeRequire(__filename)("node:process") as NodeJS.Process;
