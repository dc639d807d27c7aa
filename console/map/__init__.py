"""Helpers of the map view: geometry arrays built from the city, colours and labels."""
