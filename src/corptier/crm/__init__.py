"""Customer archive models and rules (pure): the dynamics alert rules and their facts."""
