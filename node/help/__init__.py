"""Help requests (hulpvragen) and help offers (hulpaanbod)."""
