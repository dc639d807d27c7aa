"""Field side of the sync protocol: the reconnecting client and the unit simulator."""
