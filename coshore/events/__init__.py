"""Events: talks, workshops, hackathons and open days hosted by spaces and networks, with
recurring series, registrations and a fair waitlist, check-in, rooms taken through the booking
service, and calendars that speak iCalendar both ways."""
