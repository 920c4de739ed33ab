"""Reports for the municipality: made from the dashboards' figures, signed by the hub, kept by revision, delivered."""
