"""The video wall's parts: decoders feeding tiles, the tile widget, the camera adapter."""
