"""Customer archive models and rules (pure): the dynamics alert rules and their facts, the
master-data history (SCD type 2), contacts and their masks, interactions and visit-log
headers."""
