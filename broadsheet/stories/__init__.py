"""Stories, not copies: which warehouse articles are the same story (syndicated, republished, edited).

`similarity` holds the pure functions (shingles, MinHash signatures, LSH band keys, Jaccard, relations),
`agencies` reads agency credits from bylines and datelines, and `clustering.cluster_new_articles` matches the
articles a load added or changed against every earlier one through the LSH bands kept in PostgreSQL.
"""
