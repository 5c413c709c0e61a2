"""One notification system for every app: in-app notifications and email (immediate or in a
daily digest), by each person's preference per topic."""
