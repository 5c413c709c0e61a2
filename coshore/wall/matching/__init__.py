"""Matching wall posts and member profiles: pure scoring and the vector index (no ORM)."""
