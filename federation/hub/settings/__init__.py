"""Settings the hub's administrator changes on a page: how volunteer hours are valued in euros."""
