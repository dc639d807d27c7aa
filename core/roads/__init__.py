"""The city road network: the graph, closures, snapping and travel times."""
