"""The demo organisation: a living system for a newcomer to explore (``sori demo``)."""
