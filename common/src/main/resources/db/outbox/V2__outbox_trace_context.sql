-- The W3C traceparent of the transaction that wrote the event (NULL: not traced), so the relay
-- can carry the trace across Kafka to the replicas.
ALTER TABLE outbox ADD COLUMN trace_context text;
