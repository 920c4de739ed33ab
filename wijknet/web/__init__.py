"""Web plumbing shared by the node and the hub: configuration, database, errors, security."""
