"""Matching wall posts and member profiles: pure scoring and the vector index (no ORM).

- `features`: what matching knows about a candidate (`Candidate`: a post or a profile), the
  viewer (`Viewer`) and the query (`Query`: a need gets offers and profiles, an offer or a
  member's profile gets needs), and the ESCO related-skills map (skills that co-occur in the
  same occupations), shipped as `coshore/data/esco/related_skills_v1.1.1.tsv.gz`.
- `scoring`: `score(query, candidate, now=)` -> `Match(score 0-1, reasons in words)`, the
  weights in its docstring; `ineligible` (own, wrong kind, closed or expired, hidden from the
  viewer, on-site elsewhere); `rank(query, candidates, limit=, now=)`, which works without
  embeddings through a TF-IDF lexical baseline.
- `index`: `VectorIndex` (hnswlib, cosine, incremental add, `delete` for closed or expired
  posts, save/load), `BruteForce` (exact), and `match(query, index, load, limit=, now=)`:
  the index's top k loaded by the caller's selector (already scoped to the viewer), then
  `rank`. On-site queries pass `within=` the labels of the candidates in their city.

The wall's selectors build the features from rows (with `reputation.selectors.reputation_of`)
and keep a process's index in step with the database (`selectors/live_index.py`: add on
post, renew and edit; delete on close and expiry); `codec` packs stored embeddings (int8 and
a scale). See `bench/RESULTS.md` ("Matching") for the figures at a million candidates.
"""
