"""The city hub: registry of nodes, intake of their signed figures, tenders, and (later) dashboards."""
