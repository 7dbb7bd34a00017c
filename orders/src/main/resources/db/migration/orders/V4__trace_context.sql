-- The W3C traceparent of the request that placed the order (NULL: not traced): saga steps run
-- later by the worker link to it, so the order's whole story can be found from its first trace.
ALTER TABLE orders ADD COLUMN trace_context text;
