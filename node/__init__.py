"""The neighbourhood node: the cooperative's own Flask app."""
