"""The indexer: corpus files -> plans, sections (embedded in Chroma) and action records (SQLite)."""
