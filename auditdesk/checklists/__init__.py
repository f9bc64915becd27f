"""The checklist library: schema, loading with located errors, visibility and scoring. Pure domain."""
