"""Back-office forms: the shape of what staff type; every rule lives in the services."""
