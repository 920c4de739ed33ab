"""Settings the node's administrator changes at run time (min_count, retention)."""
