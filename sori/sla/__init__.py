"""Service-level clocks: business calendars, deadlines and their measurement (ISO 10002 7.3)."""
