"""Everything between the neighbourhood nodes and the city hub."""
