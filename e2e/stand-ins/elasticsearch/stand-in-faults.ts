/** Faults the tests switch on in the Elasticsearch stand-in (not Elasticsearch): a status or a delay for the next requests. */

/**
 * A fault the next requests under `path` (the user API's by default) with one of `methods` (any
 * when not given) meet; `times` undefined means until cleared.
 */
export type StandInFault = { readonly times?: number; readonly methods?: readonly string[]; readonly path?: string } & (
  | { readonly kind: 'status'; readonly status: number }
  | { readonly kind: 'delay'; readonly ms: number }
);

/** The fault in force and how often it was met. */
export class FaultSwitch {
  #fault: StandInFault | undefined;
  #uses = 0;

  /** Puts `fault` in force (undefined clears it), counting its uses afresh. */
  set(fault: StandInFault | undefined): void {
    this.#fault = fault;
    this.#uses = 0;
  }

  /** The fault a request of `method` to `path` meets, if any; counts the use. */
  take(method: string, path: string): StandInFault | undefined {
    const fault = this.#fault;
    if (!fault || !path.startsWith(fault.path ?? '/_security/user') || (fault.methods && !fault.methods.includes(method))) return undefined;
    this.#uses += 1;
    if (fault.times !== undefined && this.#uses >= fault.times) this.#fault = undefined;
    return fault;
  }
}
