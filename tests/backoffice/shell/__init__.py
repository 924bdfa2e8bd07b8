"""The back-office shell: signing in, sessions, layout, the audit pages."""
