import type { Caller } from "../domain/caller.js";
import type { Services } from "../services.js";
import type { Loaders } from "./loaders.js";

/** What every resolver receives: the authenticated caller and the domain services. */
export interface GraphQLContext {
  readonly caller: Caller;
  readonly requestId: string;
  readonly services: Services;
  readonly loaders: Loaders;
}
