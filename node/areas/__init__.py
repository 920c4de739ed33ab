"""The node's own areas: its wijk and the buurten in it (from the instance configuration)."""
