"""Reports received from the nodes, every revision kept, and the current figures built from them."""
