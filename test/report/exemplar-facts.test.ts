import { describe, expect, it } from 'vitest';
import { exemplarFacts } from '../../src/report/exemplar-facts.js';
import { EXEMPLAR } from './rolled-back-bundle.js';

const span = (fields: Record<string, unknown>) => ({
  traceId: 'abc',
  spanId: '01',
  name: 'span',
  startTimeUnixNano: '1000000',
  endTimeUnixNano: '3000000',
  ...fields,
});

describe('exemplarFacts', () => {
  it('names the failing span, its service, error and duration', () => {
    expect(exemplarFacts(EXEMPLAR)).toEqual({
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spans: 1,
      services: ['checkout'],
      root: { name: 'POST /api/orders', service: 'checkout' },
      failing: {
        name: 'POST /api/orders',
        service: 'checkout',
        statusMessage: 'order total missing',
        exceptionType: 'TypeError',
        exceptionMessage: "Cannot read properties of undefined (reading 'total')",
        durationMs: 42,
      },
    });
  });

  it('prefers a failing span with an exception, across resources, and reads enum status names', () => {
    const facts = exemplarFacts({
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'gateway' } }] },
          scopeSpans: [{ spans: [span({ name: 'GET /checkout', status: { code: 'STATUS_CODE_ERROR' } })] }],
        },
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'payments' } }] },
          scopeSpans: [
            {
              spans: [
                span({
                  name: 'charge',
                  parentSpanId: '01',
                  status: { code: 2 },
                  events: [
                    {
                      name: 'exception',
                      attributes: [{ key: 'exception.type', value: { stringValue: 'Timeout' } }],
                    },
                  ],
                }),
              ],
            },
          ],
        },
      ],
    });
    expect(facts?.services).toEqual(['gateway', 'payments']);
    expect(facts?.root).toEqual({ name: 'GET /checkout', service: 'gateway' });
    expect(facts?.failing).toMatchObject({
      name: 'charge',
      service: 'payments',
      exceptionType: 'Timeout',
      durationMs: 2,
    });
  });

  it('reads what it understands of a strange trace and nothing of one without spans', () => {
    expect(exemplarFacts({ resourceSpans: [{ scopeSpans: [{ spans: [{ name: 7 }, 'x', null] }] }] })).toEqual(
      {
        spans: 1,
        services: [],
        root: { name: '7' },
      },
    );
    expect(exemplarFacts({ resourceSpans: 'nope' })).toBeUndefined();
    expect(exemplarFacts(null)).toBeUndefined();
  });
});
