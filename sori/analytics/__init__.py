"""Analysis and monitoring (ISO 10002 8.2–8.4): KPIs, statistical process control, recurring issues."""
