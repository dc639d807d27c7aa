"""Video without Qt: stream addresses and decoder choice, tile rules, local test stream servers."""
