"""Back-office tests, one folder per feature."""
