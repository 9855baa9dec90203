/**
 * Parser for the Lucene regular-expression syntax that Elastic uses for `/.../` role-mapping
 * values. It follows the shape of Lucene's recursive-descent grammar so that its quirks carry
 * over (for instance a leading `*` or `|` is a literal character). Intersection (`&`),
 * complement (`~`) and named automata (`<name>`) are refused rather than half-supported.
 */
import { ANY_CHAR, alt, char, rep, seq } from './pattern-ast.ts';
import type { CharSet, PatternNode } from './pattern-ast.ts';
import { numericInterval } from './numeric-interval.ts';

/** Nesting deeper than this is refused, keeping the parser's recursion bounded. */
const MAX_DEPTH = 100;

const DIGITS: CharSet = { t: 'set', ranges: [[0x30, 0x39]], negated: false };
const SPACES: CharSet = { t: 'set', ranges: [[0x09, 0x0d], [0x20, 0x20]], negated: false };
const WORD: CharSet = { t: 'set', ranges: [[0x30, 0x39], [0x41, 0x5a], [0x5f, 0x5f], [0x61, 0x7a]], negated: false };
const SHORTHANDS: Record<string, CharSet> = {
  d: DIGITS,
  s: SPACES,
  w: WORD,
  D: { ...DIGITS, negated: true },
  S: { ...SPACES, negated: true },
  W: { ...WORD, negated: true },
};

class SyntaxProblem extends Error {}

class Parser {
  private pos = 0;
  private depth = 0;
  private readonly cps: string[];

  constructor(source: string) {
    this.cps = Array.from(source);
  }

  parse(): PatternNode {
    const node = this.union();
    if (this.more()) this.fail(`unexpected '${this.cps[this.pos]}' at position ${this.pos}`);
    return node;
  }

  private fail(message: string): never {
    throw new SyntaxProblem(message);
  }

  private more(): boolean {
    return this.pos < this.cps.length;
  }

  private peek(chars: string): boolean {
    return this.more() && chars.includes(this.cps[this.pos] as string);
  }

  private match(c: string): boolean {
    if (this.cps[this.pos] !== c) return false;
    this.pos++;
    return true;
  }

  private next(): string {
    if (!this.more()) this.fail('unexpected end of pattern');
    return this.cps[this.pos++] as string;
  }

  private union(): PatternNode {
    if (++this.depth > MAX_DEPTH) this.fail(`nesting deeper than ${MAX_DEPTH}`);
    const branches = [this.concat()];
    while (this.match('|')) branches.push(this.concat());
    this.depth--;
    return alt(branches);
  }

  private concat(): PatternNode {
    const items = [this.repeat()];
    while (this.more() && !this.peek(')|')) items.push(this.repeat());
    return seq(items);
  }

  private repeat(): PatternNode {
    let node = this.simple();
    while (this.peek('?*+{')) {
      const c = this.next();
      if (c === '?') node = rep(node, 0, 1);
      else if (c === '*') node = rep(node, 0, Infinity);
      else if (c === '+') node = rep(node, 1, Infinity);
      else {
        const min = this.number();
        let max = min;
        if (this.match(',')) max = this.peek('}') ? Infinity : this.number();
        if (!this.match('}')) this.fail(`expected '}' at position ${this.pos}`);
        if (max < min) this.fail(`repetition {${min},${max}} has max below min`);
        node = rep(node, min, max);
      }
    }
    return node;
  }

  private number(): number {
    const start = this.pos;
    while (this.peek('0123456789')) this.pos++;
    const text = this.cps.slice(start, this.pos).join('');
    if (text === '') this.fail(`expected a number at position ${start}`);
    return Number(text);
  }

  private simple(): PatternNode {
    if (this.peek('&~')) this.fail(`operator '${this.cps[this.pos]}' is not supported; escape it as \\${this.cps[this.pos]}`);
    if (this.match('.')) return ANY_CHAR;
    if (this.match('#')) return { t: 'none' };
    if (this.match('@')) return rep(ANY_CHAR, 0, Infinity);
    if (this.match('[')) return this.charClass();
    if (this.match('"')) {
      const start = this.pos;
      while (this.more() && !this.peek('"')) this.pos++;
      if (!this.match('"')) this.fail(`unterminated string starting at position ${start - 1}`);
      return seq(this.cps.slice(start, this.pos - 1).map((c) => char(c.codePointAt(0) ?? 0)));
    }
    if (this.match('(')) {
      if (this.match(')')) return seq([]);
      const inner = this.union();
      if (!this.match(')')) this.fail(`expected ')' at position ${this.pos}`);
      return inner;
    }
    if (this.match('<')) {
      const start = this.pos;
      while (this.more() && !this.peek('>')) this.pos++;
      if (!this.match('>')) this.fail(`unterminated interval starting at position ${start - 1}`);
      const body = this.cps.slice(start, this.pos - 1).join('');
      if (!body.includes('-')) this.fail(`named automaton <${body}> is not supported`);
      const node = numericInterval(body);
      if (typeof node === 'string') this.fail(node);
      return node;
    }
    const c = this.charExp();
    return typeof c === 'number' ? char(c) : c;
  }

  private charClass(): PatternNode {
    const negated = this.match('^');
    const ranges: Array<readonly [number, number]> = [];
    const complements: CharSet[] = [];
    do {
      const from = this.charExp();
      if (typeof from !== 'number') {
        if (from.negated) complements.push(from);
        else ranges.push(...from.ranges);
      } else if (this.match('-')) {
        const to = this.charExp();
        if (typeof to !== 'number' || to < from) this.fail(`invalid character range ending at position ${this.pos}`);
        ranges.push([from, to]);
      } else {
        ranges.push([from, from]);
      }
    } while (this.more() && !this.peek(']'));
    if (!this.match(']')) this.fail('unterminated character class');
    const plain: CharSet = { t: 'set', ranges, negated };
    if (complements.length === 0) return plain;
    // \D, \S and \W cannot merge into plain ranges, so they become extra branches.
    if (negated) this.fail('negated classes cannot contain \\D, \\S or \\W');
    return alt([plain, ...complements]);
  }

  /** A single code point, or the set a shorthand escape like `\d` stands for. */
  private charExp(): number | CharSet {
    if (this.match('\\')) {
      const c = this.next();
      return SHORTHANDS[c] ?? (c.codePointAt(0) ?? 0);
    }
    return this.next().codePointAt(0) ?? 0;
  }
}

/** Parses a Lucene regex body (without the surrounding slashes) or returns an error message. */
export function parseLuceneRegex(source: string): PatternNode | string {
  try {
    return new Parser(source).parse();
  } catch (error) {
    if (error instanceof SyntaxProblem) return error.message;
    if (error instanceof RangeError) return 'pattern is too deeply nested';
    throw error;
  }
}
