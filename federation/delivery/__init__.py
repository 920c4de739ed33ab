"""Delivery from node to hub: the HTTP client, its typed errors and the retry schedule (spec section 6.1).

No ORM here: the node keeps its outbox in its own database and uses these.
"""
