/**
 * The metric and label names a PromQL expression reads, for checking a dashboard against what
 * gatehouse exports. A small parser for the PromQL the dashboard uses (selectors, ranges,
 * functions, aggregations with by/without, binary operators with on/ignoring/group_*), after the
 * Prometheus query language reference (prometheus.io/docs/prometheus/latest/querying/basics/,
 * operators/, functions/). Anything it does not know (label_replace, @, subqueries) is an error:
 * a query it cannot read must not pass unchecked.
 */

/** What an expression reads. */
export interface ReadNames {
  /** Each selected metric with the label names its matchers name. */
  readonly selectors: ReadonlyArray<{ readonly metric: string; readonly labels: readonly string[] }>;
  /**
   * Label names an aggregation groups by or a binary operator matches on, with the metrics of the
   * expressions they apply to: every one of those metrics must carry the label.
   */
  readonly groupings: ReadonlyArray<{ readonly labels: readonly string[]; readonly metrics: readonly string[] }>;
}

const AGGREGATIONS = new Set(['sum', 'min', 'max', 'avg', 'count', 'stddev', 'stdvar', 'topk', 'bottomk', 'quantile', 'count_values', 'group']);
const FUNCTIONS = new Set([
  'rate', 'irate', 'increase', 'delta', 'idelta', 'deriv', 'histogram_quantile', 'abs', 'ceil', 'floor', 'round', 'clamp_min', 'clamp_max', 'clamp',
  'sum_over_time', 'avg_over_time', 'max_over_time', 'min_over_time', 'count_over_time', 'last_over_time', 'changes', 'resets', 'time', 'vector', 'scalar', 'absent', 'sort', 'sort_desc',
]);
const BINARY = new Set(['+', '-', '*', '/', '%', '^', '==', '!=', '>', '<', '>=', '<=', 'and', 'or', 'unless']);

type Token = { readonly kind: 'id' | 'num' | 'str' | 'punct' | 'op' | 'duration'; readonly text: string };

const TOKEN = /\s*(?:(?<str>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')|(?<duration>\[[^\]]*\])|(?<num>\d+(?:\.\d+)?(?:e[+-]?\d+)?)|(?<id>[A-Za-z_:][A-Za-z0-9_:]*)|(?<op>==|!=|>=|<=|=~|!~|[-+*/%^><=])|(?<punct>[(){},]))/y;

function tokenize(expr: string): Token[] {
  const tokens: Token[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < expr.length) {
    if (/^\s*$/.test(expr.slice(TOKEN.lastIndex))) break;
    const start = TOKEN.lastIndex;
    const match = TOKEN.exec(expr);
    if (!match?.groups) throw new Error(`cannot read the query at ${JSON.stringify(expr.slice(start, start + 20))}`);
    const [kind, text] = Object.entries(match.groups).find(([, value]) => value !== undefined) as [Token['kind'], string];
    tokens.push({ kind, text });
  }
  return tokens;
}

class Parser {
  private at = 0;
  readonly selectors: Array<{ metric: string; labels: string[] }> = [];
  readonly groupings: Array<{ labels: string[]; metrics: string[] }> = [];
  private readonly tokens: Token[];
  constructor(tokens: Token[]) {
    this.tokens = tokens;
  }

  private peek(): Token | undefined {
    return this.tokens[this.at];
  }
  private next(): Token {
    const token = this.tokens[this.at++];
    if (token === undefined) throw new Error('the query ends too early');
    return token;
  }
  private expect(text: string): void {
    const token = this.next();
    if (token.text !== text) throw new Error(`expected ${text}, found ${token.text}`);
  }

  /** Parses the whole query; returns the metrics it selects. */
  parse(): string[] {
    const metrics = this.expression();
    if (this.peek() !== undefined) throw new Error(`unexpected ${this.peek()?.text}`);
    return metrics;
  }

  private expression(): string[] {
    const metrics = this.unary();
    while (this.peek() !== undefined && BINARY.has(this.peek()?.text as string)) {
      this.next();
      if (this.peek()?.text === 'bool') this.next();
      let matching: string[] | undefined;
      if (this.peek()?.text === 'on' || this.peek()?.text === 'ignoring') {
        this.next();
        matching = this.labelList();
      }
      if (this.peek()?.text === 'group_left' || this.peek()?.text === 'group_right') {
        this.next();
        if (this.peek()?.text === '(') matching = [...(matching ?? []), ...this.labelList()];
      }
      const right = this.unary();
      if (matching) this.groupings.push({ labels: matching, metrics: [...metrics, ...right] });
      metrics.push(...right);
    }
    return metrics;
  }

  private labelList(): string[] {
    this.expect('(');
    const labels: string[] = [];
    while (this.peek()?.text !== ')') {
      const token = this.next();
      if (token.kind !== 'id') throw new Error(`expected a label name, found ${token.text}`);
      labels.push(token.text);
      if (this.peek()?.text === ',') this.next();
    }
    this.expect(')');
    return labels;
  }

  private unary(): string[] {
    const token = this.next();
    let metrics: string[];
    if (token.text === '-' || token.text === '+') return this.unary();
    if (token.kind === 'num' || token.kind === 'str') metrics = [];
    else if (token.text === '(') {
      metrics = this.expression();
      this.expect(')');
    } else if (token.text === '{') {
      throw new Error('a selector without a metric name cannot be checked');
    } else if (token.kind === 'id' && AGGREGATIONS.has(token.text) && (this.peek()?.text === '(' || this.peek()?.text === 'by' || this.peek()?.text === 'without')) {
      metrics = this.aggregation();
    } else if (token.kind === 'id' && this.peek()?.text === '(') {
      if (!FUNCTIONS.has(token.text)) throw new Error(`the function ${token.text} is not one the check understands`);
      metrics = this.callArguments();
    } else if (token.kind === 'id') {
      metrics = [token.text];
      const labels: string[] = [];
      if (this.peek()?.text === '{') labels.push(...this.matchers());
      this.selectors.push({ metric: token.text, labels });
    } else {
      throw new Error(`unexpected ${token.text}`);
    }
    if (this.peek()?.kind === 'duration') {
      if (this.next().text.includes(':')) throw new Error('subqueries are not checked');
    }
    if (this.peek()?.text === 'offset' || this.peek()?.text === '@') throw new Error('offset and @ are not checked');
    return metrics;
  }

  private matchers(): string[] {
    this.expect('{');
    const labels: string[] = [];
    while (this.peek()?.text !== '}') {
      const name = this.next();
      if (name.kind !== 'id') throw new Error(`expected a label name, found ${name.text}`);
      const op = this.next();
      if (!['=', '!=', '=~', '!~'].includes(op.text)) throw new Error(`expected a matcher, found ${op.text}`);
      if (this.next().kind !== 'str') throw new Error('a label value must be a string');
      labels.push(name.text);
      if (this.peek()?.text === ',') this.next();
    }
    this.expect('}');
    return labels;
  }

  private callArguments(): string[] {
    this.expect('(');
    const metrics: string[] = [];
    while (this.peek()?.text !== ')') {
      metrics.push(...this.expression());
      if (this.peek()?.text === ',') this.next();
    }
    this.expect(')');
    return metrics;
  }

  /** `sum by (a) (x)`, `sum(x) by (a)`, `topk(5, x)`; a `by` or `without` label must exist to mean anything. */
  private aggregation(): string[] {
    let grouping: string[] = [];
    const clause = (): void => {
      if (this.peek()?.text === 'by' || this.peek()?.text === 'without') {
        this.next();
        grouping = this.labelList();
      }
    };
    clause();
    const metrics = this.callArguments();
    clause();
    if (grouping.length > 0) this.groupings.push({ labels: grouping, metrics: [...metrics] });
    return metrics;
  }
}

/**
 * Reads the names in `expr`; Grafana's `$__…` intervals and `$variables` are replaced first.
 * @throws Error naming what could not be read
 */
export function readPromqlNames(expr: string): ReadNames {
  const plain = expr.replace(/\$__(rate_interval|interval|range)|\$\{__(rate_interval|interval|range)\}/g, '5m');
  const parser = new Parser(tokenize(plain));
  parser.parse();
  return { selectors: parser.selectors, groupings: parser.groupings };
}
