-- Pages of orders are newest first: a customer's (GET /orders?customerId=, a customer's own list)
-- and everyone's (admins). Without an index in that order every page sorted the customer's
-- orders, or the whole table, to return fifty (OrderPagePlansTest).
CREATE INDEX orders_customer_created ON orders (customer_id, created_at, id);
CREATE INDEX orders_created ON orders (created_at, id);
