"""iCalendar (RFC 5545): reading a file into series (`parse`), importing it into a space
(`importer`), fetching it from a URL (`fetch`) and writing calendars (`export`)."""
