/**
 * Runs pattern trees as a Thompson NFA: every input is scanned once while tracking the set of
 * live states, so matching time is linear in the input whatever the pattern looks like. That is
 * why configured regexes are not handed to JavaScript's backtracking `RegExp`.
 */
import type { CharSet, PatternNode } from './pattern-ast.ts';

/** Patterns that would expand to more states than this (or take more compile steps than four times it) are refused at compile time. */
export const MAX_STATES = 10_000;

type State =
  | { kind: 'char'; set: CharSet; next: number }
  | { kind: 'split'; a: number; b: number }
  | { kind: 'match' };

/** A compiled whole-value matcher. */
export interface Automaton {
  /** True when the whole of `input` is in the pattern's language. */
  run(input: string): boolean;
}

class TooLarge extends Error {}

function inSet(set: CharSet, cp: number): boolean {
  let hit = false;
  for (const [lo, hi] of set.ranges) {
    if (cp >= lo && cp <= hi) {
      hit = true;
      break;
    }
  }
  return hit !== set.negated;
}

// Each node compiled costs one unit even when it adds no state: "(){99999999}" repeats an empty
// group that adds none, and would otherwise loop a hundred million times at start-up.
const MAX_COMPILE_STEPS = 4 * MAX_STATES;

function build(root: PatternNode): State[] {
  const states: State[] = [{ kind: 'match' }];
  const add = (s: State): number => {
    if (states.length >= MAX_STATES) throw new TooLarge();
    states.push(s);
    return states.length - 1;
  };
  let steps = 0;
  // Compiles right to left: each node is given the state to continue with once it has matched.
  const compile = (node: PatternNode, next: number): number => {
    if (++steps > MAX_COMPILE_STEPS) throw new TooLarge();
    switch (node.t) {
      case 'set':
        return add({ kind: 'char', set: node, next });
      case 'none':
        return add({ kind: 'char', set: { t: 'set', ranges: [], negated: false }, next });
      case 'seq': {
        let at = next;
        for (let i = node.items.length - 1; i >= 0; i--) at = compile(node.items[i] as PatternNode, at);
        return at;
      }
      case 'alt': {
        let at = compile(node.items[node.items.length - 1] as PatternNode, next);
        for (let i = node.items.length - 2; i >= 0; i--) {
          at = add({ kind: 'split', a: compile(node.items[i] as PatternNode, next), b: at });
        }
        return at;
      }
      case 'rep': {
        let tail = next;
        if (node.max === Infinity) {
          const loop = add({ kind: 'split', a: -1, b: next });
          (states[loop] as { a: number }).a = compile(node.node, loop);
          tail = loop;
        } else {
          for (let i = node.min; i < node.max; i++) {
            tail = add({ kind: 'split', a: compile(node.node, tail), b: next });
          }
        }
        for (let i = 0; i < node.min; i++) tail = compile(node.node, tail);
        return tail;
      }
    }
  };
  const start = compile(root, 0);
  states.push({ kind: 'split', a: start, b: start });
  return states;
}

/** Compiles a pattern tree, or returns `undefined` when it is too large to run cheaply. */
export function compileAutomaton(root: PatternNode): Automaton | undefined {
  let states: State[];
  try {
    states = build(root);
  } catch (error) {
    if (error instanceof TooLarge || error instanceof RangeError) return undefined;
    throw error;
  }
  const start = states.length - 1;
  const seen = new Int32Array(states.length).fill(-1);

  // Follows epsilon edges from `id`, collecting the character-consuming states and `match`.
  const close = (id: number, step: number, out: number[]): void => {
    const stack = [id];
    while (stack.length > 0) {
      const s = stack.pop() as number;
      if (seen[s] === step) continue;
      seen[s] = step;
      const st = states[s] as State;
      if (st.kind === 'split') stack.push(st.b, st.a);
      else out.push(s);
    }
  };

  return {
    run(input: string): boolean {
      seen.fill(-1);
      let step = 0;
      let live: number[] = [];
      close(start, step, live);
      for (const ch of input) {
        const cp = ch.codePointAt(0) ?? 0;
        step++;
        const next: number[] = [];
        for (const s of live) {
          const st = states[s] as State;
          if (st.kind === 'char' && inSet(st.set, cp)) close(st.next, step, next);
        }
        if (next.length === 0) return false;
        live = next;
      }
      return live.includes(0);
    },
  };
}
