/** The OpenAPI 3 description of the intake API, served at `/api/openapi.json` and validated in test/intake. */
import { MAX_ORDER_BODY_BYTES } from '../../domain/intake';

const error = { type: 'object', required: ['error'], properties: { error: { type: 'string' }, description: { type: 'string' } } };
const open311Errors = { type: 'array', items: { type: 'object', required: ['code', 'description'], properties: { code: { type: 'integer' }, description: { type: 'string' } } } };
const refusals = (open311: boolean) => {
  const content = { 'application/json': { schema: open311 ? { $ref: '#/components/schemas/Open311Errors' } : { $ref: '#/components/schemas/Error' } } };
  const retry = { 'Retry-After': { schema: { type: 'integer' }, description: 'seconds' } };
  return {
    '400': { description: 'malformed or invalid body', content },
    '401': { description: 'missing or wrong key, forged or stale signature', content },
    '403': { description: 'Open311: wrong api_key', content },
    '413': { description: `body larger than ${MAX_ORDER_BODY_BYTES} bytes`, content },
    '429': { description: 'backlog past its bound; nothing stored', headers: retry, content },
    '503': { description: 'storage unreachable; nothing stored', headers: retry, content },
  };
};
const apiKey = { name: 'api_key', in: 'query', required: true, schema: { type: 'string' }, description: 'the client key (Open311 `api_key`)' };

const request = {
  type: 'object',
  required: ['service_request_id', 'status', 'requested_datetime'],
  properties: {
    service_request_id: { type: 'string' },
    status: { type: 'string', enum: ['open', 'closed'] },
    status_notes: { type: 'string', nullable: true },
    service_name: { type: 'string' },
    service_code: { type: 'string' },
    description: { type: 'string' },
    agency_responsible: { type: 'string', nullable: true },
    service_notice: { type: 'string', nullable: true },
    requested_datetime: { type: 'string', format: 'date-time' },
    updated_datetime: { type: 'string', format: 'date-time' },
    expected_datetime: { type: 'string', format: 'date-time', nullable: true },
    address: { type: 'string', nullable: true },
    address_id: { type: 'string', nullable: true },
    zipcode: { type: 'string', nullable: true },
    lat: { type: 'number', nullable: true },
    long: { type: 'number', nullable: true },
    media_url: { type: 'string', nullable: true },
  },
};

export const intakeOpenApi = {
  openapi: '3.0.3',
  info: {
    title: 'gridbot intake API',
    version: '1.0.0',
    description:
      'Orders pushed from outside (12345 hotline, other platforms) and Open311 GeoReport v2. Idempotent by (client, external id); status changes are POSTed to the client callback URL signed with X-Gridbot-Timestamp and X-Gridbot-Signature: sha256=HMAC-SHA256(secret, "<timestamp>.<body>").',
  },
  servers: [{ url: '/' }],
  components: {
    securitySchemes: {
      bearer: { type: 'http', scheme: 'bearer', description: 'the client key gbk_…' },
      signature: { type: 'apiKey', in: 'header', name: 'X-Gridbot-Signature', description: 'sha256=<hex HMAC-SHA256 of "<X-Gridbot-Timestamp>.<raw body>">, with X-Gridbot-Client: <client id>' },
      open311Key: { type: 'apiKey', in: 'query', name: 'api_key' },
    },
    schemas: {
      Error: error,
      Open311Errors: open311Errors,
      HotlineOrder: {
        type: 'object',
        required: ['external_id', 'category', 'description'],
        properties: {
          external_id: { type: 'string', pattern: '^[A-Za-z0-9._:\\-]{1,64}$' },
          category: { type: 'string', maxLength: 64 },
          description: { type: 'string', maxLength: 2000 },
          address: { type: 'string', maxLength: 200 },
          lat: { type: 'number', minimum: -90, maximum: 90 },
          long: { type: 'number', minimum: -180, maximum: 180 },
          contact: { type: 'object', properties: { name: { type: 'string', maxLength: 64 }, phone: { type: 'string', maxLength: 32 } } },
          deadline: { type: 'string', format: 'date-time', description: 'RFC 3339 with offset, in the future; drives the reminders' },
        },
      },
      HotlineReceipt: {
        type: 'object',
        required: ['service_request_id', 'external_id', 'status', 'replay'],
        properties: {
          service_request_id: { type: 'string' },
          external_id: { type: 'string' },
          status: { type: 'string' },
          event_number: { type: 'string', nullable: true },
          placement: { type: 'object', properties: { kind: { type: 'string', enum: ['grid', 'inbox'] }, by: { type: 'string' }, reason: { type: 'string' } } },
          replay: { type: 'boolean' },
        },
      },
      Callback: {
        type: 'object',
        required: ['external_id', 'service_request_id', 'seq', 'status', 'open311_status', 'updated_datetime'],
        properties: {
          client_id: { type: 'integer' },
          external_id: { type: 'string' },
          service_request_id: { type: 'string' },
          event_number: { type: 'string', nullable: true },
          seq: { type: 'integer', description: '1, 2, … per order; apply in order' },
          status: { type: 'string', enum: ['received', 'inbox', 'accepted', 'dispatched', 'in_progress', 'submitted', 'closed', 'returned'] },
          open311_status: { type: 'string', enum: ['open', 'closed'] },
          status_notes: { type: 'string', nullable: true },
          updated_datetime: { type: 'string', format: 'date-time' },
        },
      },
      Service: {
        type: 'object',
        required: ['service_code', 'service_name', 'metadata', 'type'],
        properties: {
          service_code: { type: 'string' },
          service_name: { type: 'string' },
          description: { type: 'string' },
          metadata: { type: 'boolean' },
          type: { type: 'string', enum: ['realtime', 'batch', 'blackbox'] },
          keywords: { type: 'string' },
          group: { type: 'string' },
        },
      },
      ServiceRequest: request,
    },
  },
  paths: {
    '/api/intake/orders': {
      post: {
        summary: 'Push a hotline order',
        security: [{ bearer: [] }, { signature: [] }],
        requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/HotlineOrder' } } } },
        responses: {
          '201': { description: 'created', content: { 'application/json': { schema: { $ref: '#/components/schemas/HotlineReceipt' } } } },
          '200': { description: 'a replay: the order as first received', content: { 'application/json': { schema: { $ref: '#/components/schemas/HotlineReceipt' } } } },
          '415': { description: 'not JSON', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
          ...refusals(false),
        },
        callbacks: {
          statusChange: {
            '{$request.header.X-Callback-Url}': {
              post: {
                description: 'Sent to the callback URL registered with the client (not a header): each status change, signed, retried with backoff for about 14 h, in seq order.',
                requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/Callback' } } } },
                responses: { '2XX': { description: 'received' } },
              },
            },
          },
        },
      },
    },
    '/open311/v2/services.json': {
      get: { summary: 'Open311: service list', responses: { '200': { description: 'services', content: { 'application/json': { schema: { type: 'array', items: { $ref: '#/components/schemas/Service' } } } } } } },
    },
    '/open311/v2/services/{service_code}.json': {
      get: {
        summary: 'Open311: service definition',
        parameters: [{ name: 'service_code', in: 'path', required: true, schema: { type: 'string' } }],
        responses: {
          '200': { description: 'definition', content: { 'application/json': { schema: { type: 'object', properties: { service_code: { type: 'string' }, attributes: { type: 'array', items: { type: 'object' } } } } } } },
          '404': { description: 'unknown service', content: { 'application/json': { schema: { $ref: '#/components/schemas/Open311Errors' } } } },
        },
      },
    },
    '/open311/v2/requests.json': {
      post: {
        summary: 'Open311: create a service request (idempotent by Idempotency-Key, else by content)',
        security: [{ open311Key: [] }],
        parameters: [{ name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string' } }],
        requestBody: {
          required: true,
          content: {
            'application/x-www-form-urlencoded': {
              schema: {
                type: 'object',
                required: ['api_key', 'service_code'],
                properties: {
                  api_key: { type: 'string' },
                  service_code: { type: 'string' },
                  lat: { type: 'number' },
                  long: { type: 'number' },
                  address_string: { type: 'string' },
                  address_id: { type: 'string' },
                  email: { type: 'string' },
                  device_id: { type: 'string' },
                  account_id: { type: 'string' },
                  first_name: { type: 'string' },
                  last_name: { type: 'string' },
                  phone: { type: 'string' },
                  description: { type: 'string' },
                  media_url: { type: 'string' },
                },
              },
            },
          },
        },
        responses: {
          '200': { description: 'created (or the replayed request)', content: { 'application/json': { schema: { type: 'array', items: { type: 'object', properties: { service_request_id: { type: 'string' }, service_notice: { type: 'string' }, account_id: { type: 'string', nullable: true } } } } } } },
          '404': { description: 'unknown service', content: { 'application/json': { schema: { $ref: '#/components/schemas/Open311Errors' } } } },
          '415': { description: 'not a form', content: { 'application/json': { schema: { $ref: '#/components/schemas/Open311Errors' } } } },
          ...refusals(true),
        },
      },
      get: {
        summary: "Open311: the client's service requests",
        parameters: [
          apiKey,
          { name: 'service_request_id', in: 'query', schema: { type: 'string' } },
          { name: 'service_code', in: 'query', schema: { type: 'string' } },
          { name: 'start_date', in: 'query', schema: { type: 'string', format: 'date-time' } },
          { name: 'end_date', in: 'query', schema: { type: 'string', format: 'date-time' } },
          { name: 'status', in: 'query', schema: { type: 'string', enum: ['open', 'closed'] } },
        ],
        responses: { '200': { description: 'requests', content: { 'application/json': { schema: { type: 'array', items: { $ref: '#/components/schemas/ServiceRequest' } } } } }, ...refusals(true) },
      },
    },
    '/open311/v2/requests/{service_request_id}.json': {
      get: {
        summary: 'Open311: one service request',
        parameters: [apiKey, { name: 'service_request_id', in: 'path', required: true, schema: { type: 'string' } }],
        responses: {
          '200': { description: 'the request (an array of one, as the spec says)', content: { 'application/json': { schema: { type: 'array', items: { $ref: '#/components/schemas/ServiceRequest' } } } } },
          '404': { description: 'unknown, or another client’s', content: { 'application/json': { schema: { $ref: '#/components/schemas/Open311Errors' } } } },
          ...refusals(true),
        },
      },
    },
    '/api/openapi.json': { get: { summary: 'This description', responses: { '200': { description: 'OpenAPI 3 document', content: { 'application/json': { schema: { type: 'object' } } } } } } },
  },
} as const;
