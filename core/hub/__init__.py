"""The field-sync hub: websockets for field units and consoles over the event log."""
