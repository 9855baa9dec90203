import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkQueries, exposedNames } from './check-dashboard.ts';
import { readPromqlNames } from './promql-names.ts';

const EXPOSITION = `# HELP gatehouse_http_requests_total HTTP requests answered
# TYPE gatehouse_http_requests_total counter
gatehouse_http_requests_total{endpoint="/oauth2/auth",code="200"} 3
gatehouse_http_request_duration_seconds_bucket{le="0.001",endpoint="/oauth2/auth"} 1
gatehouse_active_sessions 2
`;

test('selectors, ranges, functions, aggregations and joins are read with the names they use', () => {
  const names = readPromqlNames(
    'histogram_quantile(0.99, sum by (le, endpoint) (rate(gatehouse_http_request_duration_seconds_bucket{job=~"$job", endpoint!="other"}[$__rate_interval]))) / on (endpoint) group_left sum(rate(gatehouse_http_requests_total[5m])) by (endpoint)',
  );
  assert.deepEqual(names.selectors, [
    { metric: 'gatehouse_http_request_duration_seconds_bucket', labels: ['job', 'endpoint'] },
    { metric: 'gatehouse_http_requests_total', labels: [] },
  ]);
  assert.deepEqual(names.groupings, [
    { labels: ['le', 'endpoint'], metrics: ['gatehouse_http_request_duration_seconds_bucket'] },
    { labels: ['endpoint'], metrics: ['gatehouse_http_requests_total'] },
    { labels: ['endpoint'], metrics: ['gatehouse_http_request_duration_seconds_bucket', 'gatehouse_http_requests_total'] },
  ]);
});

test('a query on a metric or label the exposition lacks fails, naming the panel; target labels pass', () => {
  const exposed = exposedNames(EXPOSITION);
  assert.deepEqual(checkQueries([{ where: 'ok', expr: 'sum by (code, instance) (rate(gatehouse_http_requests_total{job="g"}[5m])) + sum(gatehouse_active_sessions)' }], exposed), []);
  assert.deepEqual(
    checkQueries(
      [
        { where: 'typo', expr: 'rate(gatehouse_http_request_total[5m])' },
        { where: 'label', expr: 'gatehouse_http_requests_total{route="x"}' },
        { where: 'by', expr: 'sum by (reason) (rate(gatehouse_http_requests_total[5m]))' },
        { where: 'unknown function', expr: 'label_replace(gatehouse_active_sessions, "a", "$1", "b", "(.*)")' },
        { where: 'nothing', expr: 'vector(1)' },
      ],
      exposed,
    ),
    [
      'typo: gatehouse_http_request_total is not in the exposition',
      'label: gatehouse_http_requests_total has no label route',
      'by: gatehouse_http_requests_total has no label reason to group or match by',
      'unknown function: the function label_replace is not one the check understands in label_replace(gatehouse_active_sessions, "a", "$1", "b", "(.*)")',
      'nothing: selects no metric: vector(1)',
    ],
  );
});
