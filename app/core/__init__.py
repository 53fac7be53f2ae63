"""Framework-free foundations: settings, database, domain errors, clock."""
