"""Pages of the events app, one module per topic (calendars: calendar pages, feeds, import)."""
