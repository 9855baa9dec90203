import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createMetrics } from './metrics.ts';

test('the check and store histograms are scraped under their names, with their labels and buckets', async () => {
  const metrics = createMetrics(() => 3);
  metrics.httpDuration.labels({ endpoint: '/oauth2/auth' }).observe(0.0004);
  metrics.httpDuration.startTimer()({ endpoint: '/healthz' });
  const read = metrics.storeDuration.labels({ operation: 'get' });
  read.observe(0.0008);
  read.observe(0.2);
  const text = await metrics.scrape();
  assert.match(text, /# TYPE gatehouse_http_request_duration_seconds histogram/);
  assert.match(text, /gatehouse_http_request_duration_seconds_bucket\{le="0.0005",endpoint="\/oauth2\/auth"\} 1\n/);
  assert.match(text, /gatehouse_http_request_duration_seconds_count\{endpoint="\/healthz"\} 1\n/);
  assert.match(text, /# TYPE gatehouse_store_operation_duration_seconds histogram/);
  assert.match(text, /gatehouse_store_operation_duration_seconds_bucket\{le="0.001",operation="get"\} 1\n/);
  assert.match(text, /gatehouse_store_operation_duration_seconds_bucket\{le="0.25",operation="get"\} 2\n/);
  assert.match(text, /gatehouse_store_operation_duration_seconds_count\{operation="get"\} 2\n/);
});
