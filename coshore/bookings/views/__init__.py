"""HTML pages of the bookings app, one module per topic."""
